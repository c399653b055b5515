"""What the scorer reads of an article besides its embedding: content terms, names and numbers
counted against a vocabulary learned from the stream, and which text the embedding is computed from.

The weights adapt to whatever is being fed without shipping a corpus-specific vocabulary; terms get
ids as they are first seen, and a story keeps ids, not strings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from storyline.clock import as_utc
from storyline.stories.params import Bags, StoryParams
from storyline.stories.records import KeptHeadline, StoryInput

F32 = NDArray[np.float32]
I32 = NDArray[np.int32]

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
# Names and numbers get their own vocabulary entries, hence their own IDF: 'may' the month is not
# 'May' the name.
_NAME_PREFIX = "§"
_NUMBER_PREFIX = "#"


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


def terms_and_entities(text: str, *, title_case: bool) -> Bags[list[str]]:
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
    return Bags(terms, names, numbers)


@lru_cache(maxsize=1 << 14)
def headline_terms(headline: str) -> tuple[str, ...]:
    """A headline's content terms. Memoised: a story's few kept headlines are scored again for every
    article it absorbs and every label it is asked for."""
    return tuple(terms_and_entities(headline, title_case=True).terms)


class TermBag(NamedTuple):
    """Some text's vocabulary ids (sorted, unique) and their sub-linear term frequencies."""

    ids: I32
    tf: F32


class Idf:
    """IDF from the document frequencies seen so far in the stream, computed only for the ids read.

    The cost per article does not grow with the vocabulary. ``prior_docs`` background documents, in
    which no term occurs, are counted as well: early in a stream plain IDF punishes exactly what the
    first reports share (a name in all three of three reports gets the lowest weight although it is
    rare in news at large), which split a developing story's first reports. The prior fades as the
    stream grows.
    """

    __slots__ = ("_df", "_n")

    def __init__(self, df: NDArray[np.float64], n_docs: int, prior_docs: int) -> None:
        self._df = df
        self._n = n_docs + prior_docs

    def __getitem__(self, ids: NDArray[np.int32] | int) -> NDArray[np.float64]:
        out: NDArray[np.float64] = np.log((self._n + 1.0) / (self._df[ids] + 1.0)) + 1.0
        return out


def weighted_tf(ids: I32, tf: F32, idf: Idf) -> NDArray[np.float64]:
    """tf x idf of a padded id array (-1 = empty slot, weighted 0)."""
    return np.where(ids >= 0, tf * idf[np.maximum(ids, 0)], 0.0)


class Vocabulary:
    """The terms seen so far, with the number of documents each occurred in.

    A term's id is its position in ``terms``; ``document_frequency[id]`` may run past the vocabulary
    (room to grow). ``n_docs`` counts the documents counted, not the ``prior_docs`` of the IDF.
    """

    def __init__(
        self,
        prior_docs: int,
        terms: Sequence[str] = (),
        document_frequency: NDArray[np.float64] | None = None,
        n_docs: int = 0,
    ) -> None:
        self.prior_docs = prior_docs
        self.terms: list[str] = list(terms)
        self.ids: dict[str, int] = {term: i for i, term in enumerate(self.terms)}
        self.document_frequency = (
            document_frequency if document_frequency is not None else np.zeros(1024, dtype=np.float64)
        )
        self.n_docs = n_docs

    def __len__(self) -> int:
        return len(self.terms)

    def add_terms(self, terms: Sequence[str]) -> None:
        """Append terms new to the vocabulary (as a state record lists them), in id order."""
        for term in terms:
            self.ids[term] = len(self.terms)
            self.terms.append(term)

    def bag(self, tokens: Sequence[str]) -> TermBag:
        """The bag of ``tokens``; a token never seen before enters the vocabulary, uncounted."""
        counts: dict[int, int] = {}
        for token in tokens:
            tid = self.ids.get(token)
            if tid is None:
                tid = self.ids[token] = len(self.terms)
                self.terms.append(token)
            counts[tid] = counts.get(tid, 0) + 1
        ids = np.fromiter(sorted(counts), dtype=np.int32, count=len(counts))
        # Sub-linear tf: a body repeating a word ten times is not ten times about it.
        tf = np.array([1.0 + math.log(counts[int(i)]) for i in ids], dtype=np.float32)
        return TermBag(ids, tf)

    def bags(self, title: str, body: str) -> Bags[TermBag]:
        """The term, name and number bags of an article's ``title`` and ``body`` together."""
        in_title = terms_and_entities(title, title_case=is_title_case(title))
        in_body = terms_and_entities(body, title_case=False)
        return Bags(
            self.bag(in_title.terms + in_body.terms),
            self.bag([_NAME_PREFIX + e for e in in_title.names + in_body.names]),
            self.bag([_NUMBER_PREFIX + e for e in in_title.numbers + in_body.numbers]),
        )

    def count(self, bags: Bags[TermBag]) -> None:
        """Count one more document holding the terms of ``bags``."""
        self.idf()  # grows the document frequencies to the vocabulary
        self.n_docs += 1
        for bag in bags:
            self.document_frequency[bag.ids] += 1

    def idf(self) -> Idf:
        if len(self.document_frequency) < len(self.terms):
            self.document_frequency = np.concatenate(
                [self.document_frequency, np.zeros(len(self.terms) * 2 - len(self.document_frequency))]
            )
        return Idf(self.document_frequency, self.n_docs, self.prior_docs)


class ArticleText(NamedTuple):
    """Which parts of an article the scorer reads: its embedding's text and its lexical text."""

    full: bool  # a body of at least ``min_body_words`` beyond the title: the article is a full text
    embedded: str
    title: str
    body: str  # after the title, cut to ``lex_chars``


def read_article(item: StoryInput, params: StoryParams) -> ArticleText:
    title = (item.title or "").strip()
    body = item.text or ""
    if title and body.startswith(title):
        body = body[len(title) :]
    full = len(body[: params.lex_chars].split()) >= params.min_body_words
    if not full:
        embedded = title or body.strip()
    else:
        embedded = f"{title}\n{body.strip()[: params.embed_chars]}" if title else body[: params.embed_chars]
    return ArticleText(full, embedded, title, body[: params.lex_chars])


class ArticleFeatures(NamedTuple):
    """Everything the clusterer compares and keeps of one arriving article."""

    item: StoryInput
    full: bool
    vector: F32
    bags: Bags[TermBag]
    time: float  # seconds since epoch, NaN when unknown
    headline: KeptHeadline


def featurise(
    items: Sequence[StoryInput], vectors: F32, vocabulary: Vocabulary, params: StoryParams
) -> list[ArticleFeatures]:
    """The features of ``items`` with their embeddings ``vectors``; new terms enter ``vocabulary``."""
    out: list[ArticleFeatures] = []
    for item, vector in zip(items, vectors, strict=True):
        text = read_article(item, params)
        bags = vocabulary.bags(text.title, text.body)
        out.append(ArticleFeatures(item, text.full, vector, bags, _epoch(item.published), item.headline()))
    return out


def _epoch(value: datetime | date | None) -> float:
    return math.nan if value is None else as_utc(value).timestamp()
