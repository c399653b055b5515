"""Editors' corrections that leave the clusterer alone: a story's name, muted articles and outlets.

Merging stories and moving articles out change what the clusterer holds, and are the story stage's
(``StoryStage.merge``, ``StoryStage.move_out``). A name or a mute changes only what readers see:
each is logged with when, by whom and why, and the stories it concerns are recounted at once.
"""

from __future__ import annotations

from datetime import datetime

from storyline.store import Store
from storyline.store.records import CorrectionAction


class StoryNotFound(LookupError):
    """No story has (or had) this id."""


def rename_story(store: Store, story_id: int, name: str, by: str, why: str, now: datetime) -> int:
    """Show story ``story_id`` (an absorbed id names its survivor) as ``name`` from now on, whatever
    label its reports suggest later; the story's id."""
    name = " ".join(name.split())
    if not name:
        raise ValueError("a story's name cannot be empty")
    with store.write():
        resolved = store.stories.resolve(story_id)
        if resolved is None:
            raise StoryNotFound(f"no story {story_id}")
        store.curation.name_story(resolved, name)
        store.curation.record(CorrectionAction.RENAME, now, by, why, story_id=resolved, name=name)
        return resolved


def mute(
    store: Store,
    muted: bool,
    by: str,
    why: str,
    now: datetime,
    *,
    article_id: int | None = None,
    outlet: str | None = None,
) -> bool:
    """Mute (``muted``) or unmute one article or one outlet: story views and counts leave what is
    muted out. Whether that changed anything (muting twice logs once)."""
    if (article_id is None) == (outlet is None):
        raise ValueError("mute an article or an outlet")
    action = CorrectionAction.MUTE if muted else CorrectionAction.UNMUTE
    with store.write():
        if article_id is not None:
            if store.articles.get(article_id) is None:
                raise LookupError(f"no article {article_id}")
            changed = store.curation.mute_article(article_id, muted)
            stories = list(store.stories.story_ids([article_id]).values())
        else:
            assert outlet is not None
            if not outlet.strip():
                raise ValueError("an outlet's name cannot be empty")
            changed = store.curation.mute_outlet(outlet, muted)
            stories = store.stories.with_outlet(outlet)
        if changed:
            store.curation.record(
                action,
                now,
                by,
                why,
                article_ids=() if article_id is None else (article_id,),
                outlet=outlet,
            )
            store.stories.recount(stories, now)
    return changed
