"""storyline: turn a stream of news articles into stories.

The library is the product; the CLI, API and web UI are thin layers over it::

    from storyline import Tracker
    with Tracker("news.db") as tracker:
        report = tracker.ingest(["feeds/", "scraped/page.html"])
        for story in tracker.stories():
            print(story.id, story.label)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storyline.tracker import Tracker
    from storyline.views import ArticleView, IngestReport, Page, StoryView

# Each public name and the module it lives in.
_PUBLIC = {
    "Tracker": "storyline.tracker",
    "IngestReport": "storyline.views",
    "StoryView": "storyline.views",
    "ArticleView": "storyline.views",
    "Page": "storyline.views",
}
__all__ = ["ArticleView", "IngestReport", "Page", "StoryView", "Tracker"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # The facade is imported on first use: ``import storyline.store`` (a reader, a server, a
    # subprocess that only writes rows) then costs the store's imports, not the story model's.
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'storyline' has no attribute {name!r}")
