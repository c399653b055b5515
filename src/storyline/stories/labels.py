"""How a story is named: which few member headlines it keeps as label candidates, and which of them,
with which key terms, labels it.

A headline's centrality is how much of the story's top-term weight it covers. Labels are read far
more often than stories change, so a story keeps only ``label_candidates`` headlines, not one per
member.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from storyline.stories.features import Idf, Vocabulary, headline_terms
from storyline.stories.records import KeptHeadline, StoryLabel
from storyline.stories.story_table import StoryTable


def keep_headline(
    stories: StoryTable, vocabulary: Vocabulary, sid: int, headline: KeptHeadline, limit: int
) -> None:
    """Add ``headline`` to the label candidates of story ``sid``, keeping at most ``limit``."""
    kept = stories.headlines[sid]
    if not headline.text:
        return
    for i, have in enumerate(kept):
        if have.text == headline.text:
            kept[i] = KeptHeadline(have.text, have.titled or headline.titled)
            return
    kept.append(headline)
    if len(kept) > limit:
        weight_of = _weight_of(stories, sid, vocabulary.idf())
        # Drop a stand-in before a title, then the least central; ties drop the newest so labels
        # stay stable.
        worst = min(
            range(len(kept)),
            key=lambda i: (kept[i].titled, _centrality(vocabulary, kept[i].text, weight_of), -i),
        )
        del kept[worst]


def story_label(stories: StoryTable, vocabulary: Vocabulary, sid: int, n_terms: int) -> StoryLabel:
    """The label of live story ``sid``: its best headline and its ``n_terms`` heaviest terms."""
    idf = vocabulary.idf()
    ids = stories.top_ids.terms[sid]
    weights = stories.term_weights(sid, idf)
    order = np.lexsort((ids, -weights))
    # Bare numbers ('05', '2026' from a dateline) say nothing on their own in a label.
    words = (vocabulary.terms[int(ids[i])] for i in order if ids[i] >= 0)
    key_terms = tuple(itertools.islice((w for w in words if not w[0].isdigit()), n_terms))
    weight_of = _weight_of(stories, sid, idf)
    # A member's real title beats an opening line standing in for one, however central.
    best = max(
        stories.headlines[sid],
        key=lambda h: (h.titled, _centrality(vocabulary, h.text, weight_of)),
        default=KeptHeadline("", titled=False),
    )
    return StoryLabel(sid, best.text, key_terms, int(stories.size[sid]))


def _weight_of(stories: StoryTable, sid: int, idf: Idf) -> dict[int, float]:
    ids = stories.top_ids.terms[sid]
    weights = stories.term_weights(sid, idf)
    return {int(t): float(w) for t, w in zip(ids, weights, strict=True) if t >= 0}


def _centrality(vocabulary: Vocabulary, headline: str, weight_of: dict[int, float]) -> float:
    ids = {vocabulary.ids.get(t, -1) for t in headline_terms(headline)}
    if not ids:
        return 0.0
    # Sum of the story's term weights the headline covers, lightly normalised so that the longest
    # headline does not always win.
    return sum(weight_of.get(i, 0.0) for i in ids) / math.sqrt(len(ids))
