"""An editor's correction as one line of a story's lineage, the same in the terminal, on the story
page and in the Atom feeds: 'merge of story 2 into 1 by alice: same flood'."""

from __future__ import annotations

from storyline.store.records import Correction, CorrectionAction


def correction_line(c: Correction) -> str:
    """What was corrected, by whom and why, in one line."""
    what = {
        CorrectionAction.MERGE: f"merge of story {c.other_story_id} into {c.story_id}",
        CorrectionAction.MOVE: f"move of articles {', '.join(map(str, c.article_ids))} out of story"
        f" {c.story_id} into story {c.other_story_id}",
        CorrectionAction.RENAME: f"rename of story {c.story_id} to {c.name!r}",
        CorrectionAction.MUTE: f"mute of {_muted(c)}",
        CorrectionAction.UNMUTE: f"unmute of {_muted(c)}",
    }[c.action]
    return f"{what} by {c.by}" + (f": {c.why}" if c.why else "")


def _muted(c: Correction) -> str:
    return f"outlet {c.outlet}" if c.outlet is not None else f"article {', '.join(map(str, c.article_ids))}"
