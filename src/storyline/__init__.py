"""storyline: turn a stream of news articles into stories.

The library is the product; the CLI, API and web UI are thin layers over it::

    from storyline import Tracker
    with Tracker("news.db") as tracker:
        tracker.ingest(["feeds/", "scraped/page.html"])
        for story in tracker.stories():
            print(story.id, story.label)
"""

from storyline.tracker import IngestReport, StoryView, Tracker

__all__ = ["IngestReport", "StoryView", "Tracker"]
__version__ = "0.1.0"
