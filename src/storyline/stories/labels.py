"""How a story is named: which few member headlines it keeps as label candidates, and which of them,
with which key terms, labels it.

A headline's centrality is how much of the story's top-term weight it covers. Labels are read far
more often than stories change, so a story keeps only ``label_candidates`` headlines, not one per
member.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence

import numpy as np

from storyline.stories.features import Idf, Vocabulary, headline_terms
from storyline.stories.records import KeptHeadline, StoryLabel
from storyline.stories.story_table import StoryTable

# Function words of the languages news arrives in besides English (whose own never become terms,
# see ``features``), by ISO 639-1 code. A Spanish story's heaviest terms are otherwise its articles
# and prepositions ('de, el, la, en, los'). Applied only to stories whose reports are in that
# language (``telling_terms``): 'war' or 'die' is a German function word and an English news word.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    language: frozenset(words.split())
    for language, words in {
        "es": """de del el la las lo los un una uno unos unas en con por para sin sobre entre desde
            hasta que qué como cómo cuando donde se su sus al es son fue ser ha han hay más muy pero
            este esta estos estas ese esa eso le les ya también tras según durante ante bajo contra""",
        "fr": """de du le la les des un une et ou au aux dans par pour avec sans sur sous entre vers
            chez qui que quoi dont où ne pas plus est sont été être avoir il elle ils elles nous vous
            leur leurs ce cet cette ces son sa ses se mais aussi après avant selon comme""",
        "it": """di da dei degli delle del della dello il lo gli le la una uno un ed in con per tra fra
            su che chi non più è sono stato essere ha hanno al allo alla ai agli alle nel nello nella
            nei negli nelle dal dalla dai sul sulla anche dopo secondo come ma questo questa si""",
        "de": """der die das den dem des ein eine einer eines und oder im in am an auf aus bei mit
            nach von vor zu zum zur über unter für gegen ist sind war wurde wird werden nicht auch
            sich es er sie wie als bis dass""",
        "pt": """de do da dos das no na nos nas um uma com por para sem sobre entre ao aos à às não
            mais foi ser também após segundo como se que em""",
    }.items()
}


def telling_terms(key_terms: Sequence[str], languages: Iterable[str], limit: int) -> tuple[str, ...]:
    """The first ``limit`` of a story's ``key_terms`` that are no function word of a language its
    reports are written in."""
    ignored = frozenset().union(*(FUNCTION_WORDS.get(language, frozenset()) for language in languages))
    return tuple(itertools.islice((term for term in key_terms if term not in ignored), limit))


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
