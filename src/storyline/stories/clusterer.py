"""Online story assignment: every article joins a story the moment it arrives.

Single pass, never re-clustering the corpus. For each article, in arrival order:

1. candidates: exact dense search over the most recently created stories (live news), an HNSW index
   over every story (old and cold ones) and an inverted index of salient terms shared with stories;
2. a linear score per candidate: dense cosine (MiniLM) to the story centroid, TF-IDF cosine of the
   article's title and lead to the story's top terms, cosine over names and numbers (what tells two
   earthquakes apart), minus a penalty for the time gap when both sides have a real publication time
   and the story has gone cold (a strong enough match still revives it);
3. join the candidate that clears its threshold by the widest margin, else start a new story;
4. the story the article joined is compared with the other candidates; if they now look like one
   story, the younger is absorbed into the older and the merge is returned (ids never change, the
   absorbed id redirects);
5. a story whose members now fall into two parts that score apart is split: the part holding its
   first report keeps the id, the other becomes a new story, and the split is returned. This undoes
   what a single pass cannot avoid: the first report of a second event of the same kind joining
   the first event's story.

Weights and thresholds are fitted per *regime*, the kind of pair being compared, chosen from what the
two sides hold, never from where they came from: two headline-only sides (``headline``), two that
hold full texts (``full_text``), or one of each (``mixed``, as when a feed's one-line summary meets
a story of full reports). A story holds a full text once any member does.

All state lives in numpy arrays and a few dicts so ``dump_state`` is compact and deterministic.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import re
import zlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import hnswlib
import numpy as np
from numpy.typing import NDArray

from storyline.stories.embeddings import Embedder, MiniLMEmbedder

F32 = NDArray[np.float32]
I32 = NDArray[np.int32]

HEADLINE = "headline"
FULL_TEXT = "full_text"
MIXED = "mixed"
_STATE_MAGIC = b"STORYLINE-STORIES\x00"
_STATE_VERSION = 1


# ----------------------------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class StoryInput:
    """One article as the story stage sees it.

    ``duplicate_of`` is the ``article_id`` of an earlier member of the article's (near-)duplicate
    group; such an article always lands in that member's story.
    """

    article_id: int
    title: str | None
    text: str
    published: datetime | None = None
    outlet: str | None = None
    duplicate_of: int | None = None


@dataclass(frozen=True, slots=True)
class Assignment:
    article_id: int
    story_id: int
    score: float  # the winning candidate's score; 1.0 for a duplicate, 0.0 when a story was created
    created: bool


@dataclass(frozen=True, slots=True)
class StoryMerge:
    """``absorbed`` now redirects to ``into``; ``after_article`` is the arrival that triggered it."""

    absorbed: int
    into: int
    score: float
    reason: str
    after_article: int


@dataclass(frozen=True, slots=True)
class StorySplit:
    """``article_ids`` left ``story_id`` (which keeps its id and its first report) for the new story
    ``new_story_id``; ``score`` is the mean score between the two parts."""

    story_id: int
    new_story_id: int
    article_ids: tuple[int, ...]
    score: float
    reason: str
    after_article: int


StoryChange = StoryMerge | StorySplit


@dataclass(frozen=True, slots=True)
class StoryLabel:
    story_id: int
    headline: str
    key_terms: tuple[str, ...]
    size: int


@dataclass(frozen=True, slots=True)
class RegimeParams:
    """Scorer weights and thresholds for one regime: headline pairs, full-text pairs or mixed pairs."""

    w_dense: float
    w_terms: float  # TF-IDF cosine of content words
    w_names: float  # cosine of capitalised names (who and where)
    w_numbers: float  # cosine of numbers (dates, ages, tolls, magnitudes)
    threshold: float  # join the best story when its score reaches this; else start a new one
    merge_threshold: float  # two stories whose score reaches this become one
    # An article that reaches this against a second story, within ``bridge_margin`` of its best, shows
    # the two are one story told twice: it bridges them (they merge).
    bridge_threshold: float
    bridge_margin: float
    cold_days: float  # a story silent for longer than this is cold ...
    cold_penalty_per_day: float  # ... and its score drops by this per further day ...
    max_cold_penalty: float  # ... up to this cap, so a strong match can still revive it
    # A story of this regime whose members fall into two parts that score below ``split_threshold``
    # with each other on average, and at least ``split_gap`` below the members of either part among
    # themselves, is two stories: the first report of a second event of the same kind joined it
    # before anything told them apart (see ``StoryClusterer._maybe_split``). 0 turns splitting off.
    # A story is headline-only or holds a full text, so the mixed regime's values are never used.
    split_threshold: float = 0.0
    split_gap: float = 0.0


@dataclass(frozen=True, slots=True)
class StoryParams:
    headline: RegimeParams
    full_text: RegimeParams
    mixed: RegimeParams
    # A record whose body (beyond its title) has fewer words than this counts as headline-only.
    min_body_words: int = 25
    embed_chars: int = 600  # title + this much of the body is embedded (the model truncates further)
    lex_chars: int = 3000  # title + this much of the body feeds the term and name vectors
    top_terms: int = 32  # terms kept per story (its lexical centroid)
    top_names: int = 16  # names kept per story
    top_numbers: int = 8  # numbers kept per story
    # IDF counts this many background documents in which no term occurs (see ``_Idf``).
    idf_prior_docs: int = 300
    recent_window: int = 2048  # most recent stories searched exactly
    recent_k: int = 12
    ann_k: int = 12
    posting_terms: int = 3  # salient terms per article used to find and index stories
    posting_depth: int = 16  # newest stories read per posting list
    posting_cap: int = 64  # stories kept per posting list
    label_candidates: int = 3  # headlines kept per story to choose its label from
    # Each part of a split needs this many members: fewer is an outlier of the story, not a second one.
    split_min_part: int = 3
    # Members are kept (vector, term bags) while a story has at most this many, so splitting costs
    # bounded time and memory; a larger story is settled and no longer split.
    split_max_members: int = 64
    hnsw_m: int = 16
    hnsw_ef_construction: int = 100
    hnsw_ef: int = 64
    seed: int = 20140310
    fitted_on: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def channel_sizes(self) -> tuple[int, int, int]:
        return (self.top_terms, self.top_names, self.top_numbers)

    def regime(self, name: str) -> RegimeParams:
        regime: RegimeParams = getattr(self, name)
        return regime

    def with_regime(self, name: str, regime: RegimeParams) -> StoryParams:
        changes: dict[str, Any] = {name: regime}
        return replace(self, **changes)

    @property
    def pair_regimes(self) -> tuple[RegimeParams, RegimeParams, RegimeParams]:
        """The regimes by how many of the two sides compared hold a full text: 0, 1 or 2."""
        return (self.headline, self.mixed, self.full_text)

    @classmethod
    def load(cls, path: Path | None = None) -> StoryParams:
        path = path if path is not None else Path(__file__).with_name("story_params.json")
        return cls.from_dict(json.loads(path.read_text("utf-8")))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoryParams:
        data = dict(data)
        for name in (HEADLINE, FULL_TEXT, MIXED):
            data[name] = RegimeParams(**data[name])
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ------------------------------------------------------------------------------------------ text features

# A compact list: the scorer down-weights frequent words through IDF anyway; this only keeps function
# words out of the story's top terms, labels and posting lists.
_STOPWORDS = frozenset(
    """a about after again against all also am an and any are as at be because been before being
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most
    my myself no nor not now of off on once only or other our ours out over own same she should so some
    such than that the their theirs them then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours new says
    said say after over amid via just get gets got first one two three year years day days week make
    makes may might many much us vs""".split()
)
_TOKEN = re.compile(r"\d[\d,.]*\d|\d|[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*")
_SENTENCE_END = frozenset('.!?:;"“”\n')


def _normalise(token: str) -> str:
    word = token.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if word[0].isdigit():
        return word.replace(",", "").rstrip(".")
    # Crude plural folding: 'earthquakes' and 'earthquake' must meet; over-stemming is harmless here.
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def is_title_case(headline: str) -> bool:
    """Whether a headline capitalises (nearly) every word, so capitals there do not mark names.

    'Tesla founder planning mega solar factory in Buffalo' is sentence case: 'Buffalo' is a name.
    'Tesla Founder Planning Mega Solar Factory In Buffalo' is not evidence of any name but 'Tesla'.
    """
    words = [w for w in headline.split() if w[:1].isalpha() and w.lower() not in _STOPWORDS]
    if len(words) < 3:
        return True  # too short to tell: treat capitals as style, the cautious reading
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised >= 0.6 * len(words)


def terms_and_entities(text: str, *, title_case: bool) -> tuple[list[str], list[str], list[str]]:
    """Content terms, names and numbers of ``text``.

    Names are capitalised words not at a sentence start, plus numbers. In a Title Case headline every
    word is capitalised, so there (``title_case``) only numbers and all-caps acronyms count as names.
    """
    terms: list[str] = []
    names: list[str] = []
    numbers: list[str] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        word = _normalise(token)
        if not word or word in _STOPWORDS:
            continue
        if len(word) > 1 or word.isdigit():
            terms.append(word)
        if word[0].isdigit():
            numbers.append(word)
        elif token[0].isupper() and len(word) > 1:
            j = match.start() - 1
            while j >= 0 and text[j] in " \t":
                j -= 1
            at_start = j < 0 or text[j] in _SENTENCE_END
            if title_case:
                if token.isupper() and len(token) > 1:
                    names.append(word)
            elif not at_start:
                names.append(word)
    return terms, names, numbers


@lru_cache(maxsize=1 << 14)
def _headline_terms(headline: str) -> tuple[str, ...]:
    """A headline's content terms. Memoised: a story's few kept headlines are scored again for every
    article it absorbs and every label it is asked for."""
    return tuple(terms_and_entities(headline, title_case=True)[0])


def split_in_two(scores: NDArray[np.float64], groups: Sequence[int]) -> tuple[list[int], list[int]]:
    """The two parts average-linkage clustering of items scored pairwise by ``scores`` ends with,
    each as ascending item indices, the part holding item 0 first.

    Items of one group start (and so stay) together. Ties join the lowest-numbered parts first, so
    the result depends on the scores alone.
    """
    first_of: dict[int, int] = {}
    parts: list[list[int]] = []
    for i, group in enumerate(groups):
        if group not in first_of:
            first_of[group] = len(parts)
            parts.append([])
        parts[first_of[group]].append(i)
    if len(parts) < 2:
        return parts[0] if parts else [], []
    member_of = np.zeros((len(parts), len(groups)))
    for k, part in enumerate(parts):
        member_of[k, part] = 1.0
    sums = member_of @ scores @ member_of.T  # summed pair scores between parts
    sizes = member_of.sum(axis=1)
    alive = np.ones(len(parts), dtype=np.bool_)
    for _ in range(len(parts) - 2):
        mean = sums / np.outer(sizes, sizes)
        mean[~alive, :] = -np.inf
        mean[:, ~alive] = -np.inf
        np.fill_diagonal(mean, -np.inf)
        i, j = sorted(int(x) for x in np.unravel_index(int(np.argmax(mean)), mean.shape))
        parts[i] += parts[j]
        sums[i, :] += sums[j, :]
        sums[:, i] += sums[:, j]
        sizes[i] += sizes[j]
        alive[j] = False
    a, b = (sorted(parts[k]) for k in np.flatnonzero(alive))
    return (a, b) if a[0] == 0 else (b, a)


def _mean_off_diagonal(scores: NDArray[np.float64], part: Sequence[int]) -> float:
    n = len(part)
    if n < 2:
        return math.inf  # a lone member has no pairs: nothing to fall short of
    block = scores[np.ix_(part, part)]
    return float((block.sum() - np.trace(block)) / (n * (n - 1)))


Halves = Callable[[NDArray[np.float64], Sequence[int]], tuple[list[int], list[int]]]


def split_line(
    scores: NDArray[np.float64],
    groups: Sequence[int],
    *,
    min_part: int,
    max_between: float,
    min_gap: float,
    halves: Halves = split_in_two,
) -> tuple[list[int], list[int], float] | None:
    """Where items scored pairwise by ``scores`` fall into two stories: the two parts ``halves``
    draws (the part holding item 0 first) and their mean score between, or None if they are one.

    Two parts are two stories when each has ``min_part`` items, they score below ``max_between`` on
    average, and at least ``min_gap`` below the items of the less coherent part among themselves.
    """
    first, second = halves(scores, groups)
    if min(len(first), len(second)) < min_part:
        return None
    between = float(scores[np.ix_(first, second)].mean())
    if between >= max_between or line_gap(scores, first, second) < min_gap:
        return None
    return first, second, between


def line_gap(scores: NDArray[np.float64], first: Sequence[int], second: Sequence[int]) -> float:
    """How much lower two parts score between each other than the less coherent part within."""
    within = min(_mean_off_diagonal(scores, first), _mean_off_diagonal(scores, second))
    return within - float(scores[np.ix_(first, second)].mean())


# ------------------------------------------------------------------------------------------ the clusterer


@dataclass(slots=True)
class _Prepared:
    item: StoryInput
    full: bool  # the record has a body of at least ``min_body_words`` beyond its title
    vector: F32
    bags: tuple[tuple[I32, F32], ...]  # per channel: sorted unique vocabulary ids, sub-linear tf
    time: float  # seconds since epoch, NaN when unknown
    headline: KeptHeadline


class KeptHeadline(NamedTuple):
    """A label candidate; ``titled`` is False for an untitled article's opening line standing in."""

    text: str
    titled: bool


class _Member(NamedTuple):
    """What a story keeps of a member while it may still be split: enough to score its members
    against each other and to rebuild each part's centroid, term bags and label candidates."""

    article_id: int
    group: int  # the first article of its near-duplicate group: a group is never split apart
    full: bool
    time: float
    vector: NDArray[np.float16]  # half precision: enough to compare members and rebuild a centroid
    bags: tuple[tuple[I32, F32], ...]
    headline: KeptHeadline


class _Idf:
    """IDF from the document frequencies seen so far in the stream, computed only for the ids read.

    The weights adapt to whatever is being fed without shipping a corpus-specific vocabulary, and the
    cost per article does not grow with the vocabulary. ``prior_docs`` background documents, in which
    no term occurs, are counted as well: early in a stream plain IDF punishes exactly what the first
    reports share (a name in all three of three reports gets the lowest weight although it is rare in
    news at large), which split a developing story's first reports. The prior fades as the stream grows.
    """

    __slots__ = ("_df", "_n")

    def __init__(self, df: NDArray[np.float64], n_docs: int, prior_docs: int) -> None:
        self._df = df
        self._n = n_docs + prior_docs

    def __getitem__(self, ids: NDArray[np.int32] | int) -> NDArray[np.float64]:
        out: NDArray[np.float64] = np.log((self._n + 1.0) / (self._df[ids] + 1.0)) + 1.0
        return out


def _epoch(value: datetime | None) -> float:
    if value is None:
        return math.nan
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


_MAX_LEAD_HEADLINE = 160


def _display_headline(item: StoryInput) -> KeptHeadline:
    """The title, else the opening line standing in for one, cut at a word and marked as cut."""
    if item.title and item.title.strip():
        return KeptHeadline(" ".join(item.title.split()), titled=True)
    first = " ".join(item.text.strip().split("\n", 1)[0].split())
    if len(first) > _MAX_LEAD_HEADLINE:
        first = first[: _MAX_LEAD_HEADLINE - 1].rsplit(" ", 1)[0].rstrip(",;:–—-") + "…"
    return KeptHeadline(first, titled=False)


class StoryClusterer:
    """Online single-pass story assignment (see the module docstring)."""

    def __init__(self, params: StoryParams | None = None, embedder: Embedder | None = None) -> None:
        self.params = params if params is not None else StoryParams.load()
        self.embedder: Embedder = embedder if embedder is not None else MiniLMEmbedder()
        p = self.params
        self._dim = self.embedder.dim
        self._n = 0  # stories created; ids are 1.._n, row 0 is unused
        cap = 64
        self._unit = np.zeros((cap, self._dim), dtype=np.float32)  # normalised centroid
        self._norm = np.zeros(cap, dtype=np.float32)  # |sum of member vectors|
        self._size = np.zeros(cap, dtype=np.int32)
        self._indexed_size = np.zeros(cap, dtype=np.int32)  # story size when its ANN vector was written
        self._last = np.full(cap, np.nan, dtype=np.float64)  # newest known publication time
        self._into = np.zeros(cap, dtype=np.int32)  # 0 = alive, else the story that absorbed it
        self._full = np.zeros(cap, dtype=np.bool_)  # has a full-text member (see ``_pair_scores``)
        # Per channel (terms, names, numbers): the story's top-k vocabulary ids (-1 = empty) and their
        # accumulated tf; weighted by the current IDF at scoring time.
        self._ids = [np.full((cap, k), -1, dtype=np.int32) for k in p.channel_sizes]
        self._w = [np.zeros((cap, k), dtype=np.float32) for k in p.channel_sizes]
        self._vocab: dict[str, int] = {}
        self._vocab_terms: list[str] = []  # id -> term, for labels and the state dump
        self._df = np.zeros(1024, dtype=np.float64)
        self._n_docs = 0
        self._postings: dict[int, array[int]] = {}
        self._article_story: dict[int, int] = {}
        self._headlines: list[list[KeptHeadline]] = [[]]
        # Stories that may still be split keep their members (see ``_keep_member``): by article, and
        # per story its members' article ids in ascending order.
        self._member: dict[int, _Member] = {}
        self._members: dict[int, list[int]] = {}
        self._dropped_members: set[int] = set()  # members no longer kept since the last dump
        self._index = self._new_index(cap)
        # What changed since the last dump, so ``dump_changes`` costs what a batch touched, not the corpus.
        self._changed_stories: set[int] = set()
        self._changed_terms: set[int] = set()
        self._changed_articles: dict[int, None] = {}
        self._dumped_vocab = 0

    # ------------------------------------------------------------------------------------- public API

    def add(self, items: Sequence[StoryInput]) -> tuple[list[Assignment], list[StoryChange]]:
        """Assign ``items`` one by one in the given order; embeddings are computed in one batch.

        Returns each item's assignment when it arrived and the merges and splits that followed, in
        the order they happened: replaying them over the assignments gives every item's story now.
        """
        prepared = self._prepare(items)
        assignments: list[Assignment] = []
        changes: list[StoryChange] = []
        for prep in prepared:
            assignment, following = self._assign(prep)
            assignments.append(assignment)
            self._changed_articles[assignment.article_id] = None
            self._changed_stories.add(assignment.story_id)
            for ids, _ in prep.bags:  # document frequencies and posting lists
                self._changed_terms.update(ids.tolist())
            for change in following:
                changes.append(change)
                if isinstance(change, StoryMerge):
                    self._changed_stories.update((change.absorbed, change.into))
                else:
                    self._changed_stories.update((change.story_id, change.new_story_id))
        return assignments, changes

    def resolve(self, story_id: int) -> int:
        """The live story a (possibly absorbed) id now refers to."""
        while 0 < story_id <= self._n and self._into[story_id]:
            story_id = int(self._into[story_id])
        return story_id

    def story_of(self, article_id: int) -> int | None:
        sid = self._article_story.get(article_id)
        return None if sid is None else self.resolve(sid)

    @property
    def story_count(self) -> int:
        """Live (not absorbed) stories."""
        return int(np.count_nonzero(self._into[1 : self._n + 1] == 0))

    def label(self, story_id: int, n_terms: int = 8) -> StoryLabel:
        sid = self.resolve(story_id)
        if not 0 < sid <= self._n:
            raise KeyError(story_id)
        idf = self._idf()
        ids = self._ids[0][sid]
        weights = self._weighted(ids, self._w[0][sid], idf)
        order = np.lexsort((ids, -weights))
        # Bare numbers ('05', '2026' from a dateline) say nothing on their own in a label.
        words = (self._vocab_terms[int(ids[i])] for i in order if ids[i] >= 0)
        key_terms = tuple(itertools.islice((w for w in words if not w[0].isdigit()), n_terms))
        weight_of = {int(t): float(w) for t, w in zip(ids, weights, strict=True) if t >= 0}
        # A member's real title beats an opening line standing in for one, however central.
        best = max(
            self._headlines[sid],
            key=lambda h: (h.titled, self._centrality(h.text, weight_of)),
            default=KeptHeadline("", titled=False),
        )
        return StoryLabel(sid, best.text, key_terms, int(self._size[sid]))

    def pair_scores(self, items: Sequence[StoryInput]) -> NDArray[np.float64]:
        """The score the clusterer gives every pair of ``items``, each pair in its own regime and with
        the term weights the stream has taught it so far: what it sees when it compares two reports,
        for measuring how far its features can tell stories apart (``bench/limits.py``).

        The items are not added to any story and do not count towards the term weights; words never
        seen before enter the vocabulary unweighted, as a new article's do before it is counted."""
        return self._member_scores(self._prepare(items), self._idf())

    # -------------------------------------------------------------------------------- feature extraction

    def _prepare(self, items: Sequence[StoryInput]) -> list[_Prepared]:
        p = self.params
        fulls: list[bool] = []
        embed_texts: list[str] = []
        lex_texts: list[tuple[str, str]] = []
        for item in items:
            title = (item.title or "").strip()
            body = item.text or ""
            if title and body.startswith(title):
                body = body[len(title) :]
            body_words = len(body[: p.lex_chars].split())
            full = body_words >= p.min_body_words
            fulls.append(full)
            if not full:
                embed_texts.append(title or body.strip())
            else:
                embed_texts.append(
                    f"{title}\n{body.strip()[: p.embed_chars]}" if title else body[: p.embed_chars]
                )
            lex_texts.append((title, body[: p.lex_chars]))
        vectors = self.embedder.encode(embed_texts) if items else np.zeros((0, self._dim), np.float32)
        out: list[_Prepared] = []
        for item, full, vector, (title, body) in zip(items, fulls, vectors, lex_texts, strict=True):
            t_terms, t_names, t_numbers = terms_and_entities(title, title_case=is_title_case(title))
            b_terms, b_names, b_numbers = terms_and_entities(body, title_case=False)
            # Names and numbers get their own vocabulary entries ('§'/'#'), hence their own IDF.
            bags = (
                self._bag(t_terms + b_terms),
                self._bag(["§" + e for e in t_names + b_names]),
                self._bag(["#" + e for e in t_numbers + b_numbers]),
            )
            out.append(_Prepared(item, full, vector, bags, _epoch(item.published), _display_headline(item)))
        return out

    def _bag(self, tokens: list[str]) -> tuple[I32, F32]:
        counts: dict[int, int] = {}
        for token in tokens:
            tid = self._vocab.get(token)
            if tid is None:
                tid = self._vocab[token] = len(self._vocab)
                self._vocab_terms.append(token)
            counts[tid] = counts.get(tid, 0) + 1
        ids = np.fromiter(sorted(counts), dtype=np.int32, count=len(counts))
        # Sub-linear tf: a body repeating a word ten times is not ten times about it.
        tf = np.array([1.0 + math.log(counts[int(i)]) for i in ids], dtype=np.float32)
        return ids, tf

    def _idf(self) -> _Idf:
        if len(self._df) < len(self._vocab):
            self._df = np.concatenate([self._df, np.zeros(len(self._vocab) * 2 - len(self._df))])
        return _Idf(self._df, self._n_docs, self.params.idf_prior_docs)

    # ------------------------------------------------------------------------------------------ scoring

    def _candidates(self, prep: _Prepared, idf: _Idf) -> I32:
        p = self.params
        n = self._n
        found: set[int] = set()
        if n:
            lo = max(1, n - p.recent_window + 1)
            sims = self._unit[lo : n + 1] @ prep.vector
            k = min(p.recent_k, len(sims))
            top = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
            found.update(int(i) + lo for i in top)
            if lo > 1 and self._index.get_current_count() > 0:
                k = min(p.ann_k, self._index.get_current_count() - self._index_deleted)
                if k > 0:
                    labels, _ = self._index.knn_query(prep.vector[None, :], k=k, num_threads=1)
                    found.update(int(i) for i in labels[0])
            for tid in self._salient(prep.bags[0], idf):
                posting = self._postings.get(tid)
                if posting is not None:
                    found.update(posting[-p.posting_depth :])
        alive = sorted({self.resolve(s) for s in found})
        return np.array(alive, dtype=np.int32)

    def _salient(self, terms: tuple[I32, F32], idf: _Idf) -> list[int]:
        ids, tf = terms
        weights = tf * idf[ids]
        order = np.lexsort((ids, -weights))
        return [int(ids[i]) for i in order[: self.params.posting_terms]]

    @staticmethod
    def _sparse_cos(
        ids: I32, w: NDArray[np.float64], cand_ids: I32, cand_w: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Cosine of one sparse vector (sorted ``ids``) with each row of a padded sparse matrix."""
        if len(ids) == 0 or cand_ids.size == 0:
            return np.zeros(len(cand_ids), dtype=np.float64)
        pos = np.searchsorted(ids, cand_ids)
        pos = np.minimum(pos, len(ids) - 1)
        hit = (ids[pos] == cand_ids) & (cand_ids >= 0)
        dot = np.where(hit, w[pos] * cand_w, 0.0).sum(axis=1)
        norms = np.sqrt((cand_w**2).sum(axis=1)) * math.sqrt(float((w**2).sum()))
        cos: NDArray[np.float64] = np.divide(dot, norms, out=np.zeros_like(dot), where=norms > 0)
        return cos

    def _weighted(self, ids: I32, w: NDArray[np.float32], idf: _Idf) -> NDArray[np.float64]:
        return np.where(ids >= 0, w * idf[np.maximum(ids, 0)], 0.0)

    def _scores(
        self,
        regime: RegimeParams,
        vector: F32,
        bags: Sequence[tuple[I32, NDArray[np.float64]]],
        time: float,
        cands: I32,
        idf: _Idf,
    ) -> NDArray[np.float64]:
        """Score of an article (or a story, when merging) against each candidate story.

        ``bags`` are per channel sorted ids with IDF-weighted values.
        """
        dense = (self._unit[cands] @ vector).astype(np.float64)
        score = regime.w_dense * dense
        for weight, (ids, w), story_ids, story_w in zip(
            (regime.w_terms, regime.w_names, regime.w_numbers), bags, self._ids, self._w, strict=True
        ):
            if weight:
                c_ids = story_ids[cands]
                score += weight * self._sparse_cos(ids, w, c_ids, self._weighted(c_ids, story_w[cands], idf))
        if not math.isnan(time):
            gap_days = np.abs(self._last[cands] - time) / 86400.0
            penalty = np.minimum(
                regime.max_cold_penalty,
                regime.cold_penalty_per_day * np.maximum(gap_days - regime.cold_days, 0.0),
            )
            score -= np.nan_to_num(penalty, nan=0.0)
        return score

    def _pair_scores(
        self,
        full: bool,
        vector: F32,
        bags: Sequence[tuple[I32, NDArray[np.float64]]],
        time: float,
        cands: I32,
        idf: _Idf,
    ) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
        """Scores of one side (an article, or a story when merging; ``full`` if it holds a full text)
        against candidate stories, each pair in its own regime, and that regime's index in
        ``StoryParams.pair_regimes``.

        Parameters fitted on one kind of pair are miscalibrated for another: when a one-line report
        joined a full-text story and the merge check that followed ran in the headline regime, its
        threshold (0.72 against 1.331) merged two different jewel heists.
        """
        kinds = self._full[cands].astype(np.intp) + int(full)
        scores = np.zeros(len(cands))
        regimes = self.params.pair_regimes
        for kind in np.unique(kinds).tolist():
            mask = kinds == kind
            scores[mask] = self._scores(regimes[kind], vector, bags, time, cands[mask], idf)
        return scores, kinds

    def _thresholds(self, field_name: str, kinds: NDArray[np.intp]) -> NDArray[np.float64]:
        return np.array([getattr(r, field_name) for r in self.params.pair_regimes])[kinds]

    # ------------------------------------------------------------------------------------------ assigning

    def _assign(self, prep: _Prepared) -> tuple[Assignment, list[StoryChange]]:
        item = prep.item
        self._count_doc(prep)
        idf = self._idf()
        bags = [(ids, (tf * idf[ids]).astype(np.float64)) for ids, tf in prep.bags]
        cands = self._candidates(prep, idf)
        forced = self.story_of(item.duplicate_of) if item.duplicate_of is not None else None
        scores, kinds = self._pair_scores(prep.full, prep.vector, bags, prep.time, cands, idf)
        margins = scores - self._thresholds("threshold", kinds)
        runner_up: int | None = None
        if forced is not None:
            sid, score, created = forced, 1.0, False
        elif len(cands) and margins.max() >= 0:
            best = int(np.argmax(margins))  # first maximum: lowest (oldest) id on ties
            sid, score, created = int(cands[best]), float(scores[best]), False
            runner_up = self._runner_up(scores, margins, kinds, best)
        else:
            sid, score, created = self._new_story(), 0.0, True
        self._absorb_article(sid, prep, idf)
        self._article_story[item.article_id] = sid
        group = item.article_id if item.duplicate_of is None else item.duplicate_of
        self._keep_member(sid, prep, group)
        merge = None
        if runner_up is not None:
            merge = self._merge_pair(
                sid,
                int(cands[runner_up]),
                float(scores[runner_up]),
                "one article matched both equally well",
                item.article_id,
                idf,
            )
        elif not created:
            merge = self._maybe_merge(sid, cands, idf, item.article_id)
        changes: list[StoryChange] = [] if merge is None else [merge]
        if not created:
            split = self._maybe_split(self.resolve(sid), item.article_id, idf)
            if split is not None:
                changes.append(split)
        return Assignment(item.article_id, sid, score, created), changes

    def _runner_up(
        self, scores: NDArray[np.float64], margins: NDArray[np.float64], kinds: NDArray[np.intp], best: int
    ) -> int | None:
        """The second story an article matches about as strongly as its best, if any.

        Two stories that one report fits equally well are one story that started twice (a long wire
        report and a short rewrite each seeded their own before anything linked them). A clear
        winner, as when a report names which of two similar events it is about, bridges nothing.
        Margins over each pair's threshold compare candidates scored in different regimes.
        """
        if len(scores) < 2:
            return None
        others = margins.copy()
        others[best] = -np.inf
        second = int(np.argmax(others))
        regime = self.params.pair_regimes[int(kinds[second])]
        if (
            scores[second] >= regime.bridge_threshold
            and others[second] >= margins[best] - regime.bridge_margin
        ):
            return second
        return None

    def _count_doc(self, prep: _Prepared) -> None:
        self._idf()  # grows the df array to the vocabulary
        self._n_docs += 1
        for ids, _ in prep.bags:
            self._df[ids] += 1

    def _new_story(self) -> int:
        self._n += 1
        sid = self._n
        if sid >= len(self._size):
            self._grow(2 * len(self._size))
        self._headlines.append([])
        leaving = sid - self.params.recent_window  # no longer among the stories searched exactly
        if leaving > 0 and not self._into[leaving]:
            self._sync_index(leaving)
        return sid

    def _absorb_article(self, sid: int, prep: _Prepared, idf: _Idf) -> None:
        p = self.params
        total = self._unit[sid] * self._norm[sid] + prep.vector
        self._set_centroid(sid, total)
        self._size[sid] += 1
        self._full[sid] |= prep.full
        self._sync_index(sid)
        if not math.isnan(prep.time):
            self._last[sid] = np.fmax(self._last[sid], prep.time)
        for ch, (ids, tf) in enumerate(prep.bags):
            self._ids[ch][sid], self._w[ch][sid] = self._merge_top(
                self._ids[ch][sid], self._w[ch][sid], ids, tf, idf, p.channel_sizes[ch]
            )
        self._post(sid, prep.bags[0], idf)
        self._keep_headline(sid, prep.headline)

    def _post(self, sid: int, terms: tuple[I32, F32], idf: _Idf) -> None:
        """List story ``sid`` under the salient terms of a member's ``terms``."""
        cap = self.params.posting_cap
        for tid in self._salient(terms, idf):
            posting = self._postings.setdefault(tid, array("i"))
            if not posting or posting[-1] != sid:
                posting.append(sid)
                self._changed_terms.add(tid)
                if len(posting) > 2 * cap:
                    del posting[:-cap]

    def _set_centroid(self, sid: int, total: F32) -> None:
        norm = float(np.linalg.norm(total))
        self._norm[sid] = norm
        self._unit[sid] = total / norm if norm > 0 else total

    def _sync_index(self, sid: int) -> None:
        """Write a story's centroid to the ANN index when it has grown by a quarter since last time.

        The index only proposes candidates (scores use the exact centroid), and a centroid moves less
        with every member, so re-indexing at geometric sizes keeps it close at O(log size) updates
        instead of one costly graph update per article. A story among the ``recent_window`` newest
        is searched exactly and enters the index only when it leaves them (``_new_story``): one
        insert with a settled centroid instead of several while it grows fastest.
        """
        if sid > self._n - self.params.recent_window:
            return
        size = int(self._size[sid])
        if self._indexed_size[sid] and size * 4 < self._indexed_size[sid] * 5:
            return
        self._indexed_size[sid] = size
        if self._index.get_max_elements() <= sid:
            self._index.resize_index(2 * self._index.get_max_elements())
        self._index.add_items(self._unit[sid][None, :], np.array([sid]), num_threads=1)

    @staticmethod
    def _merge_top(ids: I32, w: F32, new_ids: I32, new_w: F32, idf: _Idf, k: int) -> tuple[I32, F32]:
        """Add a bag to a story's top-``k`` terms, keeping the ``k`` heaviest by accumulated tf x idf.

        Each side holds an id at most once, so an id's weight is one float32 pair summed: bincount's
        float64 sum rounded once to float32 is that sum to the bit, and much cheaper than ``add.at``.
        """
        keep = ids >= 0
        all_ids = np.concatenate([ids[keep], new_ids])
        all_w = np.concatenate([w[keep], new_w])
        uniq, inverse = np.unique(all_ids, return_inverse=True)
        summed = np.bincount(inverse, weights=all_w, minlength=len(uniq)).astype(np.float32)
        rank = summed * idf[uniq]
        order = np.lexsort((uniq, -rank))[:k]
        out_ids = np.full(k, -1, dtype=np.int32)
        out_w = np.zeros(k, dtype=np.float32)
        out_ids[: len(order)] = uniq[order]
        out_w[: len(order)] = summed[order]
        return out_ids, out_w

    def _keep_headline(self, sid: int, headline: KeptHeadline) -> None:
        kept = self._headlines[sid]
        if not headline.text:
            return
        for i, have in enumerate(kept):
            if have.text == headline.text:
                kept[i] = KeptHeadline(have.text, have.titled or headline.titled)
                return
        kept.append(headline)
        if len(kept) > self.params.label_candidates:
            weight_of = self._story_weights(sid)
            # Drop a stand-in before a title, then the least central; ties drop the newest so labels
            # stay stable.
            worst = min(
                range(len(kept)),
                key=lambda i: (kept[i].titled, self._centrality(kept[i].text, weight_of), -i),
            )
            del kept[worst]

    def _story_weights(self, sid: int) -> dict[int, float]:
        idf = self._idf()
        return {
            int(t): float(w * idf[t])
            for t, w in zip(self._ids[0][sid], self._w[0][sid], strict=True)
            if t >= 0
        }

    def _centrality(self, headline: str, weight_of: dict[int, float]) -> float:
        ids = {self._vocab.get(t, -1) for t in _headline_terms(headline)}
        if not ids:
            return 0.0
        # Sum of the story's term weights the headline covers, lightly normalised so that the longest
        # headline does not always win.
        return sum(weight_of.get(i, 0.0) for i in ids) / math.sqrt(len(ids))

    # ------------------------------------------------------------------------------------------ splitting

    def _keep_member(self, sid: int, prep: _Prepared, group: int) -> None:
        """Keep what a split of ``sid`` needs of its new member ``prep``, while the story keeps its
        members: all of them are known (a state written before members were kept knows none) and
        there are at most ``split_max_members``."""
        members = self._members.pop(sid, [])
        if len(members) != self._size[sid] - 1 or self._size[sid] > self.params.split_max_members:
            self._forget_members(members)
            return
        aid = prep.item.article_id
        self._member[aid] = _Member(
            aid, group, prep.full, prep.time, prep.vector.astype(np.float16), prep.bags, prep.headline
        )
        bisect.insort(members, aid)
        self._members[sid] = members

    def _kept_members_of(self, sid: int, other: int) -> list[int] | None:
        """The members of ``sid`` and ``other`` together (ascending), if a story of both would keep
        them: each keeps all of its own and together they are at most ``split_max_members``."""
        both = self._members.get(sid, []) + self._members.get(other, [])
        if len(both) != self._size[sid] + self._size[other] or len(both) > self.params.split_max_members:
            return None
        return sorted(both)

    def _forget_members(self, article_ids: Sequence[int]) -> None:
        for aid in article_ids:
            del self._member[aid]
            self._dropped_members.add(aid)

    def _maybe_split(self, sid: int, after_article: int, idf: _Idf) -> StorySplit | None:
        """Split ``sid`` in two if its members fall into two parts that score apart (see
        ``RegimeParams.split_threshold``).

        Single-pass assignment cannot tell two events of the same kind apart when the second one's
        first report arrives: it is the best match of the first event's story, and later reports of
        the second event follow it there. Once both events have several reports the story's members
        show it, and the story is cut along that line. The part holding the story's first report
        keeps its id; the other becomes a new story.
        """
        plan = self._split_plan(self._members.get(sid, []), bool(self._full[sid]), idf)
        if plan is None:
            return None
        first, second, between = plan
        new = self._new_story()
        self._rebuild_story(sid, first, idf)
        self._rebuild_story(new, second, idf)
        # The old story stays listed under the moved members' terms: postings only propose candidates.
        for member in second:
            self._post(new, member.bags[0], idf)
        return StorySplit(
            sid,
            new,
            tuple(m.article_id for m in second),
            between,
            "its reports fell into two groups that score apart",
            after_article,
        )

    def _split_plan(
        self, members: Sequence[int], full: bool, idf: _Idf
    ) -> tuple[list[_Member], list[_Member], float] | None:
        """The two parts a story of ``members`` (article ids, ascending; ``full`` if it holds a full
        text) should be split into, the one holding the first member first, and the mean score
        between them; None if it is one story."""
        p = self.params
        regime = p.pair_regimes[2 if full else 0]
        if regime.split_threshold <= 0 or len(members) < 2 * p.split_min_part:
            return None
        kept = [self._member[aid] for aid in members]
        line = split_line(
            self._member_scores(kept, idf),
            [m.group for m in kept],
            min_part=p.split_min_part,
            max_between=regime.split_threshold,
            min_gap=regime.split_gap,
        )
        if line is None:
            return None
        first, second, between = line
        return [kept[i] for i in first], [kept[i] for i in second], between

    def _member_scores(
        self, members: Sequence[_Member] | Sequence[_Prepared], idf: _Idf
    ) -> NDArray[np.float64]:
        """The scorer's linear score of every pair of ``members``, each pair in its own regime."""
        full = np.array([m.full for m in members], dtype=np.intp)
        weights = np.array(
            [(r.w_dense, r.w_terms, r.w_names, r.w_numbers) for r in self.params.pair_regimes]
        )[full[:, None] + full[None, :]]
        vectors = np.stack([m.vector for m in members]).astype(np.float64)
        scores: NDArray[np.float64] = weights[..., 0] * (vectors @ vectors.T)
        for ch in range(len(self._ids)):
            bags = [m.bags[ch] for m in members]
            vocab = np.unique(np.concatenate([ids for ids, _ in bags]))
            matrix = np.zeros((len(members), len(vocab)))
            for row, (ids, tf) in zip(matrix, bags, strict=True):
                row[np.searchsorted(vocab, ids)] = tf * idf[ids]
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            matrix = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
            scores += weights[..., ch + 1] * (matrix @ matrix.T)
        return scores

    def _rebuild_story(self, sid: int, members: Sequence[_Member], idf: _Idf) -> None:
        """Make ``sid`` the story of exactly ``members``: centroid, bags, label candidates."""
        p = self.params
        self._set_centroid(sid, np.sum([m.vector for m in members], axis=0, dtype=np.float32))
        self._size[sid] = len(members)
        self._full[sid] = any(m.full for m in members)
        times = [m.time for m in members if not math.isnan(m.time)]
        self._last[sid] = max(times) if times else math.nan
        self._indexed_size[sid] = 0  # re-index now: the centroid moved by more than growth would
        self._sync_index(sid)
        for ch, k in enumerate(p.channel_sizes):
            ids, w = np.full(k, -1, dtype=np.int32), np.zeros(k, dtype=np.float32)
            for m in members:
                ids, w = self._merge_top(ids, w, *m.bags[ch], idf, k)
            self._ids[ch][sid], self._w[ch][sid] = ids, w
        self._headlines[sid] = []
        for m in members:
            self._keep_headline(sid, m.headline)
            self._article_story[m.article_id] = sid
            self._changed_articles[m.article_id] = None
        self._members[sid] = [m.article_id for m in members]

    # -------------------------------------------------------------------------------------------- merging

    def _maybe_merge(self, sid: int, cands: I32, idf: _Idf, after_article: int) -> StoryMerge | None:
        """Merge the story ``sid`` with the candidate that clears its merge threshold by the widest
        margin, if any does."""
        others = cands[cands != sid]
        if len(others) == 0:
            return None
        bags = []
        for ids, w in zip(self._ids, self._w, strict=True):
            order = np.argsort(ids[sid], kind="stable")
            bags.append((ids[sid][order], self._weighted(ids[sid], w[sid], idf)[order]))
        scores, kinds = self._pair_scores(
            bool(self._full[sid]), self._unit[sid], bags, float(self._last[sid]), others, idf
        )
        margins = scores - self._thresholds("merge_threshold", kinds)
        best = int(np.argmax(margins))
        if margins[best] < 0:
            return None
        return self._merge_pair(
            sid, int(others[best]), float(scores[best]), "centroids converged", after_article, idf
        )

    def _merge_pair(
        self, sid: int, other: int, score: float, reason: str, after_article: int, idf: _Idf
    ) -> StoryMerge | None:
        """Merge two live stories; the older id survives so that earlier references stay valid.

        Not if the merged story would split at once: that pair of changes would only churn ids and
        lineage (over ECB+ arrival orders it halves the merges and splits, at the same F1).
        """
        both = self._kept_members_of(sid, other)
        if both is not None and self._split_plan(both, bool(self._full[sid] or self._full[other]), idf):
            return None
        into, absorbed = min(sid, other), max(sid, other)
        self._merge_stories(absorbed, into, idf)
        return StoryMerge(absorbed, into, score, reason, after_article)

    def _merge_stories(self, absorbed: int, into: int, idf: _Idf) -> None:
        p = self.params
        both = self._kept_members_of(absorbed, into)
        if both is not None:
            self._members[into] = both
            self._members.pop(absorbed, None)
        else:
            self._forget_members(self._members.pop(absorbed, []) + self._members.pop(into, []))
        total = self._unit[into] * self._norm[into] + self._unit[absorbed] * self._norm[absorbed]
        self._set_centroid(into, total)
        self._size[into] += self._size[absorbed]
        self._full[into] |= self._full[absorbed]
        self._sync_index(into)
        self._last[into] = np.fmax(self._last[into], self._last[absorbed])
        for ch, (ids, w) in enumerate(zip(self._ids, self._w, strict=True)):
            keep = ids[absorbed] >= 0
            ids[into], w[into] = self._merge_top(
                ids[into], w[into], ids[absorbed][keep], w[absorbed][keep], idf, p.channel_sizes[ch]
            )
        for headline in self._headlines[absorbed]:
            self._keep_headline(into, headline)
        self._headlines[absorbed] = []
        self._into[absorbed] = into
        if self._indexed_size[absorbed]:
            self._index.mark_deleted(absorbed)
            self._index_deleted += 1

    # ------------------------------------------------------------------------------------------- storage

    def _new_index(self, capacity: int) -> hnswlib.Index:
        p = self.params
        index = hnswlib.Index(space="ip", dim=self._dim)
        index.init_index(
            max_elements=capacity, M=p.hnsw_m, ef_construction=p.hnsw_ef_construction, random_seed=p.seed
        )
        index.set_ef(p.hnsw_ef)
        index.set_num_threads(1)
        self._index_deleted = 0
        return index

    def _grow(self, cap: int) -> None:
        def grown(a: NDArray[Any], fill: float) -> NDArray[Any]:
            out = np.full((cap, *a.shape[1:]), fill, dtype=a.dtype)
            out[: len(a)] = a
            return out

        self._unit = grown(self._unit, 0.0)
        self._norm = grown(self._norm, 0.0)
        self._size = grown(self._size, 0)
        self._indexed_size = grown(self._indexed_size, 0)
        self._last = grown(self._last, np.nan)
        self._into = grown(self._into, 0)
        self._full = grown(self._full, False)
        self._ids = [grown(a, -1) for a in self._ids]
        self._w = [grown(a, 0.0) for a in self._w]

    def dump_state(self) -> bytes:
        """Everything needed to continue online, as numpy arrays behind a small JSON header (zlib).

        Also starts a new change log: a later ``dump_changes`` holds only what changed after this.
        """
        n = self._n + 1
        return self._dump(np.arange(n), sorted(self._postings), list(self._article_story), None)

    def dump_changes(self) -> bytes:
        """What changed since the last dump (or load), in the same format; ``load_state`` applies a
        full state and then, in order, the changes dumped after it.

        Its size follows what was touched (stories joined or merged, terms seen, articles added), not
        the corpus, so a caller can persist every batch cheaply and a full state only now and then.
        """
        return self._dump(
            np.array(sorted(self._changed_stories), dtype=np.int64),
            sorted(t for t in self._changed_terms if t in self._postings),
            list(self._changed_articles),
            self._dumped_vocab,
        )

    def _dump(
        self, rows: NDArray[np.int64], post_terms: list[int], articles: list[int], vocab_from: int | None
    ) -> bytes:
        """Pack story ``rows``, the posting lists of ``post_terms`` and the stories of ``articles``;
        ``vocab_from`` None is a full state (all rows in order, every document frequency and term),
        else a change record holding the terms added since that vocabulary size and the document
        frequencies of the changed terms."""
        full = vocab_from is None
        headline_counts = np.array([len(self._headlines[r]) for r in rows], dtype=np.int32)
        arrays: dict[str, NDArray[Any]] = {
            **({} if full else {"rows": rows}),
            "unit": self._unit[rows],
            "norm": self._norm[rows],
            "size": self._size[rows],
            "last": self._last[rows],
            "into": self._into[rows],
            "full": self._full[rows],
        }
        if full:
            arrays["df"] = self._df[: len(self._vocab)]
        else:
            df_ids = np.array(sorted(self._changed_terms), dtype=np.int64)
            arrays["df_ids"], arrays["df"] = df_ids, self._df[df_ids]
        arrays |= {
            "article_ids": np.array(articles, dtype=np.int64),
            "article_story": np.array([self._article_story[a] for a in articles], dtype=np.int32),
            "post_terms": np.array(post_terms, dtype=np.int32),
            "post_lens": np.array([len(self._postings[t]) for t in post_terms], dtype=np.int64),
            "post_flat": np.array([s for t in post_terms for s in self._postings[t]], dtype=np.int32),
            "headline_counts": headline_counts,
            "headline_titled": np.array([h.titled for r in rows for h in self._headlines[r]], dtype=np.int8),
            **{f"ids{ch}": a[rows] for ch, a in enumerate(self._ids)},
            **{f"w{ch}": a[rows] for ch, a in enumerate(self._w)},
        }
        # Kept members go with their articles: each is written once, when it arrives (or moves).
        kept = [self._member[a] for a in articles if a in self._member]
        arrays |= {
            "member_ids": np.array([m.article_id for m in kept], dtype=np.int64),
            "member_groups": np.array([m.group for m in kept], dtype=np.int64),
            "member_full": np.array([m.full for m in kept], dtype=np.bool_),
            "member_times": np.array([m.time for m in kept], dtype=np.float64),
            "member_vectors": np.array([m.vector for m in kept], dtype=np.float16).reshape(-1, self._dim),
            "member_titled": np.array([m.headline.titled for m in kept], dtype=np.bool_),
            "members_dropped": np.array([] if full else sorted(self._dropped_members), dtype=np.int64),
        }
        for ch in range(len(self._ids)):
            ids, tfs = [m.bags[ch][0] for m in kept], [m.bags[ch][1] for m in kept]
            arrays[f"member_lens{ch}"] = np.array([len(i) for i in ids], dtype=np.int32)
            arrays[f"member_ids{ch}"] = np.concatenate([np.zeros(0, np.int32), *ids])
            arrays[f"member_tf{ch}"] = np.concatenate([np.zeros(0, np.float32), *tfs])
        texts = {
            "vocab": "\n".join(self._vocab_terms[vocab_from or 0 :]),
            "headlines": "\n".join(h.text for r in rows for h in self._headlines[r]),
            "member_headlines": json.dumps([m.headline.text for m in kept]),
        }
        header: dict[str, Any] = {
            "version": _STATE_VERSION,
            "n": self._n,
            "n_docs": self._n_docs,
            "dim": self._dim,
            "embedder": self.embedder.name,
            **({} if full else {"vocab_from": vocab_from}),
            "arrays": {},
            "texts": {},
        }
        chunks: list[bytes] = []
        offset = 0
        for name, arr in arrays.items():
            raw = np.ascontiguousarray(arr).tobytes()
            header["arrays"][name] = [arr.dtype.str, list(arr.shape), offset, len(raw)]
            chunks.append(raw)
            offset += len(raw)
        for name, text in texts.items():
            raw = text.encode("utf-8")
            header["texts"][name] = [offset, len(raw)]
            chunks.append(raw)
            offset += len(raw)
        head = json.dumps(header, sort_keys=True).encode("utf-8")
        body = len(head).to_bytes(8, "little") + head + b"".join(chunks)
        self._changed_stories.clear()
        self._changed_terms.clear()
        self._changed_articles.clear()
        self._dropped_members.clear()
        self._dumped_vocab = len(self._vocab_terms)
        # Level 1: state is written after every committed batch, so speed beats the last few percent.
        return _STATE_MAGIC + zlib.compress(body, 1)

    @classmethod
    def load_state(
        cls,
        data: bytes,
        params: StoryParams | None = None,
        embedder: Embedder | None = None,
        changes: Sequence[bytes] = (),
    ) -> StoryClusterer:
        """A clusterer from a full state (``dump_state``) and the ``dump_changes`` records written
        after it, in order."""
        parts = [_StatePart.parse(data), *(_StatePart.parse(c) for c in changes)]
        if "vocab_from" in parts[0].header or any("vocab_from" not in c.header for c in parts[1:]):
            raise ValueError("a story state is one full state followed by change records")
        header = parts[0].header
        self = cls(params, embedder)
        if self.embedder.name != header["embedder"] or self._dim != header["dim"]:
            raise ValueError(f"state was built with {header['embedder']}, not {self.embedder.name}")
        n = parts[-1].header["n"]
        self._grow(max(64, 1 << (n + 1).bit_length()))
        for part in parts:
            self._apply(part)
        for aid in sorted(self._member):
            self._members.setdefault(self.resolve(self._article_story[aid]), []).append(aid)
        # The ANN graph is derived data: rebuilt from the centroids in id order, of the stories no
        # longer searched exactly (see ``_sync_index``).
        self._index = self._new_index(len(self._size))
        indexed = max(0, n - self.params.recent_window)
        alive = np.flatnonzero(self._into[1 : indexed + 1] == 0) + 1
        if len(alive):
            self._index.add_items(self._unit[alive], alive, num_threads=1)
            self._indexed_size[alive] = self._size[alive]
        self._dumped_vocab = len(self._vocab_terms)
        return self

    def _apply(self, part: _StatePart) -> None:
        """Write one full state or change record over this clusterer's arrays."""
        header = part.header
        n = header["n"]
        self._n, self._n_docs = n, header["n_docs"]
        rows = part.array("rows") if "rows" in header["arrays"] else np.arange(n + 1)
        for name in ("unit", "norm", "size", "last", "into"):
            getattr(self, "_" + name)[rows] = part.array(name)
        # States written before the flag was kept lack it: their stories count as headline-only until
        # a full text joins them.
        if "full" in header["arrays"]:
            self._full[rows] = part.array("full")
        for ch in range(len(self._ids)):
            self._ids[ch][rows] = part.array(f"ids{ch}")
            self._w[ch][rows] = part.array(f"w{ch}")
        vocab_from = header.get("vocab_from", 0)
        if vocab_from != len(self._vocab_terms):
            raise ValueError("story state change records are out of order")
        for term in part.text("vocab"):
            self._vocab[term] = len(self._vocab_terms)
            self._vocab_terms.append(term)
        if "df_ids" in header["arrays"]:
            if len(self._df) < len(self._vocab):
                self._df = np.concatenate([self._df, np.zeros(len(self._vocab) - len(self._df))])
            self._df[part.array("df_ids")] = part.array("df")
        else:
            self._df = part.array("df")
        self._article_story.update(
            zip(part.array("article_ids").tolist(), part.array("article_story").tolist(), strict=True)
        )
        self._apply_members(part)
        flat = part.array("post_flat")
        bounds = np.concatenate([[0], np.cumsum(part.array("post_lens"))])
        for i, term in enumerate(part.array("post_terms").tolist()):
            self._postings[term] = array("i", flat[bounds[i] : bounds[i + 1]].tolist())
        self._headlines.extend([] for _ in range(n + 1 - len(self._headlines)))
        texts = part.text("headlines")
        # States written before titles were told apart hold no flags: count their headlines as titles.
        flags = (
            part.array("headline_titled").astype(bool).tolist()
            if "headline_titled" in part.header["arrays"]
            else [True] * len(texts)
        )
        headlines = iter(KeptHeadline(t, f) for t, f in zip(texts, flags, strict=True))
        for row, count in zip(rows.tolist(), part.array("headline_counts").tolist(), strict=True):
            self._headlines[row] = [next(headlines) for _ in range(count)]

    def _apply_members(self, part: _StatePart) -> None:
        """Kept members in one state record; states written before members were kept have none,
        and their stories are not split."""
        if "member_ids" not in part.header["arrays"]:
            return
        for aid in part.array("members_dropped").tolist():
            self._member.pop(aid, None)
        bags = []
        for ch in range(len(self._ids)):
            bounds = np.concatenate([[0], np.cumsum(part.array(f"member_lens{ch}"))]).tolist()
            ids, tf = part.array(f"member_ids{ch}"), part.array(f"member_tf{ch}")
            bags.append([(ids[a:b], tf[a:b]) for a, b in itertools.pairwise(bounds)])
        columns = zip(
            part.array("member_ids").tolist(),
            part.array("member_groups").tolist(),
            part.array("member_full").tolist(),
            part.array("member_times").tolist(),
            part.array("member_vectors"),
            zip(*bags, strict=True),
            json.loads(part.raw_text("member_headlines")),
            part.array("member_titled").tolist(),
            strict=True,
        )
        for aid, group, full, time, vector, member_bags, text, titled in columns:
            self._member[aid] = _Member(
                aid, group, full, time, vector, tuple(member_bags), KeptHeadline(text, titled)
            )


@dataclass(frozen=True, slots=True)
class _StatePart:
    """One decoded ``dump_state`` or ``dump_changes`` record: its JSON header and payload."""

    header: dict[str, Any]
    payload: memoryview

    @classmethod
    def parse(cls, data: bytes) -> _StatePart:
        if not data.startswith(_STATE_MAGIC):
            raise ValueError("not a storyline story state")
        body = zlib.decompress(data[len(_STATE_MAGIC) :])
        head_len = int.from_bytes(body[:8], "little")
        header = json.loads(body[8 : 8 + head_len])
        if header["version"] != _STATE_VERSION:
            raise ValueError(f"unsupported story state version {header['version']}")
        return cls(header, memoryview(body)[8 + head_len :])

    def array(self, name: str) -> NDArray[Any]:
        dtype, shape, offset, size = self.header["arrays"][name]
        raw = self.payload[offset : offset + size]
        return np.frombuffer(raw, dtype=np.dtype(dtype)).reshape(shape).copy()

    def raw_text(self, name: str) -> str:
        offset, size = self.header["texts"][name]
        return bytes(self.payload[offset : offset + size]).decode("utf-8")

    def text(self, name: str) -> list[str]:
        raw = self.raw_text(name)
        return raw.split("\n") if raw else []
