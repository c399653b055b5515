"""Exact and near-duplicate detection.

Exact duplicates share a hash of the normalised text and are stored once. Near-duplicates (a wire
story re-run under a new headline, a trimmed or lightly edited copy) are found with MinHash LSH over
word shingles and then *verified* on the real shingle sets: LSH only proposes candidates, and a
rewrite that shares facts but not wording must not pass, because rewrites are exactly what later
stages compare across outlets.
"""

from __future__ import annotations

import hashlib
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from datasketch import MinHash

from storyline.clock import as_utc
from storyline.models import Article, Document, NewArticle, Rejection, one_line
from storyline.store import Store
from storyline.store.articles import SourceKey
from storyline.store.records import SourceRecord

NUM_PERM = 128
# Our signatures use datasketch's "legacy" universal hashing (a·h + b mod 2^61−1, cut to 32 bits),
# computed our own faster way (see ``signature``); stored signatures are comparable only under it.
MINHASH_SCHEME = "legacy"
SHINGLE_WORDS = 4
# Candidate recall matters more than precision here: verification below is exact. The bands are
# what datasketch's MinHashLSH picks for this threshold at NUM_PERM (equal false-positive and
# false-negative weights); a test keeps them in step.
LSH_THRESHOLD = 0.4
LSH_BANDS, LSH_ROWS = 32, 4
# A lightly edited copy keeps most shingles; a trimmed copy is mostly *contained* in its original.
MIN_JACCARD = 0.55
MIN_CONTAINMENT = 0.8
# Below this many shingles (headlines, one-liners) two texts differing in a word can be different
# events; only exact duplicates are detected for them.
MIN_SHINGLES = 20

# Typographic variants folded before hashing; str.replace per pair is ~50x faster than str.translate
# with a mapping table on non-ASCII text.
_QUOTES = (("‘", "'"), ("’", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-"))
_PRIME = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_SPACE = np.uint32(ord(" "))
_PERMUTATION_A, _PERMUTATION_B = (
    p[:, None] for p in MinHash(num_perm=NUM_PERM, seed=1, scheme=MINHASH_SCHEME).permutations
)
# Odd multipliers that spread each word's position in a 4-gram over the whole 64-bit word.
_POSITION_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5], dtype=np.uint64
)
# Shingles per step: the (permutations x shingles) temporaries stay at 512 KB, in cache, and a 2 MB
# text never needs a 300 MB one.
_SIGNATURE_CHUNK = 1024
# The permutations' low 32 bits, b laid out like a step's products (adding a broadcast column
# costs numpy twice as much).
_LOW_A = (_PERMUTATION_A & _MAX_HASH).astype(np.uint32)
_LOW_B_ROWS = np.ascontiguousarray(
    np.broadcast_to((_PERMUTATION_B & _MAX_HASH).astype(np.uint32), (NUM_PERM, _SIGNATURE_CHUNK))
)
# How far the modulo can move a value up from the low 32 bits of a·h + b (see ``signature``).
_FOLD = 8
# Which Basic Multilingual Plane code points are regex word characters (``\w``: alphanumeric or '_');
# characters beyond it are rare in news text and are looked up one by one.
_BMP_WORD = np.array([chr(c).isalnum() or c == 0x5F for c in range(0x10000)], dtype=bool)


def normalise_text(text: str) -> str:
    """The form two copies of one text share despite typography and whitespace differences."""
    text = unicodedata.normalize("NFKC", text)
    for variant, plain in _QUOTES:
        text = text.replace(variant, plain)
    return " ".join(text.casefold().split())


def content_hash(text: str) -> str:
    return _digest(normalise_text(text))


def _digest(normalised: str) -> str:
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def shingles(text: str) -> np.ndarray:
    """Sorted unique 32-bit hashes of the word 4-grams of the normalised text."""
    return _shingles_of_normalised(normalise_text(text))


def _shingles_of_normalised(normalised: str) -> np.ndarray:
    # Words are hashed once (CRC32, in C) and 4-grams combined with vectorised arithmetic: joining
    # and hashing every 4-gram string in Python dominated ingest time on long articles.
    words = _words(normalised)
    hashes = np.fromiter(map(zlib.crc32, words), dtype=np.uint64, count=len(words))
    count = len(hashes) - SHINGLE_WORDS + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        combined = hashes[:count] * _POSITION_MULTIPLIERS[0]
        for i in range(1, SHINGLE_WORDS):
            combined += hashes[i : i + count] * _POSITION_MULTIPLIERS[i]
    # Fold to 32 bits: high half xor low half, which is the same whatever the byte order.
    halves = combined.view(np.uint32)
    folded = np.sort(halves[0::2] ^ halves[1::2])
    # Sorted, so the unique values are those differing from their predecessor; np.unique's hash
    # table was ten times slower on these arrays.
    first = np.empty(len(folded), dtype=bool)
    first[0] = True
    np.not_equal(folded[1:], folded[:-1], out=first[1:])
    return folded[first].astype(np.uint64)


def _words(normalised: str) -> list[bytes]:
    r"""UTF-8 bytes of the ``\w+`` runs of the text, in order.

    Non-word characters become spaces by a table lookup over the code points and the result is
    split in C: matching ``\w+`` with the regex engine cost more than the rest of fingerprinting.
    """
    points = np.frombuffer(normalised.encode("utf-32-le"), dtype=np.uint32)
    is_word = _BMP_WORD.take(points, mode="clip")  # past the BMP this reads U+FFFF: corrected below
    if len(points) and points.max() > 0xFFFF:
        beyond = np.flatnonzero(points > 0xFFFF)
        is_word[beyond] = [chr(point).isalnum() for point in points[beyond].tolist()]
    spaced = np.where(is_word, points, _SPACE)
    return spaced.tobytes().decode("utf-32-le").encode("utf-8").split()


def signature(shingle_hashes: np.ndarray) -> np.ndarray | None:
    """MinHash signature (uint64 array) of a shingle set, or None when the text is too short.

    Equal to datasketch's legacy ``v = ((a·h + b) mod 2^64 mod P) mod 2^32`` with P = 2^61 − 1, but
    numpy's 64-bit arithmetic (the division above all) made that most of the cost of ingest. Write
    x = (a·h + b) mod 2^64 = t·2^61 + l with t < 8; as 2^61 ≡ 1 (mod P), x ≡ l + t, so when the low
    32 bits u of x are below 2^32 − 8, v = u + t: at most 7 above u. Hence a permutation's minimum v
    lies on a shingle whose u is within 7 of that row's smallest u, or is 2^32 − 8 or more (there
    the fold can wrap). u needs only 32-bit arithmetic; v is computed exactly for those few.
    """
    if len(shingle_hashes) < MIN_SHINGLES:
        return None
    result = np.full(NUM_PERM, _MAX_HASH, dtype=np.uint64)
    low_hashes = shingle_hashes.astype(np.uint32)  # the low bits of a product need only low bits
    size = NUM_PERM * min(len(shingle_hashes), _SIGNATURE_CHUNK)
    # Preallocated and flat, so each step's view is contiguous and nothing is page-faulted per step.
    low_buffer, candidate_buffer = np.empty(size, dtype=np.uint32), np.empty(size, dtype=bool)
    for start in range(0, len(shingle_hashes), _SIGNATURE_CHUNK):
        chunk = low_hashes[None, start : start + _SIGNATURE_CHUNK]
        width = chunk.shape[1]
        low = low_buffer[: NUM_PERM * width].reshape(NUM_PERM, width)
        candidate = candidate_buffer[: NUM_PERM * width].reshape(NUM_PERM, width)
        np.multiply(chunk, _LOW_A, out=low)
        low += _LOW_B_ROWS[:, :width]
        # Candidates: u <= floor + 7, or u >= 2^32 - 8; shifting by 8 (wrapping) makes that one
        # comparison. A floor so high that the bound overflows makes every shingle a candidate.
        bound = np.minimum(low.min(axis=1).astype(np.uint64) + 2 * _FOLD - 1, _MAX_HASH).astype(np.uint32)
        low += np.uint32(_FOLD)
        np.less_equal(low, bound[:, None], out=candidate)
        rows, columns = np.divmod(np.flatnonzero(candidate), width)
        with np.errstate(over="ignore"):
            exact = (
                shingle_hashes[start + columns] * _PERMUTATION_A[rows, 0] + _PERMUTATION_B[rows, 0]
            ) % _PRIME
        np.minimum.at(result, rows, exact & _MAX_HASH)
    return result


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Everything duplicate detection needs from one text, from a single normalisation pass."""

    content_hash: str
    shingles: np.ndarray
    signature: np.ndarray | None


def fingerprint(text: str) -> Fingerprint:
    normalised = normalise_text(text)
    shingle_hashes = _shingles_of_normalised(normalised)
    return Fingerprint(_digest(normalised), shingle_hashes, signature(shingle_hashes))


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    """A stored article that a new one nearly duplicates."""

    article_id: int
    jaccard: float
    containment: float

    @property
    def similarity(self) -> float:
        return max(self.jaccard, self.containment)


def compare(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment of the smaller in the larger) of two shingle sets."""
    if not len(a) or not len(b):
        return 0.0, 0.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared), shared / min(len(a), len(b))


def is_near_duplicate(jaccard: float, containment: float) -> bool:
    return jaccard >= MIN_JACCARD or containment >= MIN_CONTAINMENT


class NearDuplicateIndex:
    """In-memory MinHash LSH over stored signatures, rebuilt from the store when a process starts.

    The banding is datasketch's ``MinHashLSH`` at our threshold (``LSH_BANDS`` bands of
    ``LSH_ROWS`` signature values; two articles are candidates when any band is equal), kept in
    plain dicts: datasketch's storage layer and ``LeanMinHash`` wrappers cost more per article than
    the lookups themselves. ``text_of`` fetches a candidate's cleaned text so candidates can be
    verified exactly without keeping every shingle set in memory.
    """

    def __init__(self, text_of: Callable[[int], str | None]) -> None:
        self._buckets: list[dict[bytes, list[int]]] = [{} for _ in range(LSH_BANDS)]
        self._bands: dict[int, list[bytes]] = {}  # each indexed article's band keys, for removal
        self._text_of = text_of

    def __len__(self) -> int:
        return len(self._bands)

    def add(self, article_id: int, sig: np.ndarray) -> None:
        if article_id in self._bands:
            return
        bands = _band_keys(sig)
        self._bands[article_id] = bands
        for buckets, band in zip(self._buckets, bands, strict=True):
            buckets.setdefault(band, []).append(article_id)

    def add_many(self, items: Iterable[tuple[int, np.ndarray]]) -> None:
        for article_id, sig in items:
            self.add(article_id, sig)

    def remove(self, article_id: int) -> None:
        for buckets, band in zip(self._buckets, self._bands.pop(article_id, ()), strict=False):
            members = buckets[band]
            members.remove(article_id)
            if not members:
                del buckets[band]

    def candidates(self, sig: np.ndarray) -> set[int]:
        """Indexed articles sharing at least one band with the signature."""
        found: set[int] = set()
        for buckets, band in zip(self._buckets, _band_keys(sig), strict=True):
            found.update(buckets.get(band, ()))
        return found

    def best_match(self, shingle_set: np.ndarray, sig: np.ndarray) -> DuplicateMatch | None:
        """The most similar verified near-duplicate, ties broken by the oldest article."""
        best: DuplicateMatch | None = None
        for candidate in sorted(self.candidates(sig)):
            text = self._text_of(candidate)
            if text is None:
                continue
            jaccard, containment = compare(shingle_set, shingles(text))
            if not is_near_duplicate(jaccard, containment):
                continue
            match = DuplicateMatch(candidate, jaccard, containment)
            if best is None or match.similarity > best.similarity:
                best = match
        return best


def _band_keys(sig: np.ndarray) -> list[bytes]:
    raw = sig.tobytes()
    width = LSH_ROWS * sig.itemsize
    return [raw[start : start + width] for start in range(0, len(raw), width)]


# -- the stage ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExactDuplicate:
    """The input's text is already stored as ``article_id``: the input became one more source of it."""

    article_id: int


@dataclass(frozen=True, slots=True)
class AlreadyStored:
    """This very input (same id, same bytes) was stored before, by an earlier run or another writer."""


StoreOutcome = NewArticle | ExactDuplicate | AlreadyStored | Rejection


class DuplicateStage:
    """Stores each article once, with every source it was read from, and links near-duplicates.

    ``prepare`` fingerprints the batch outside the write lock. ``commit`` runs inside it: an input
    already stored is skipped, an exact duplicate adds a source to the stored article, anything else
    is stored, joining the duplicate group of the most similar verified near-duplicate. Each article
    is stored under its own savepoint, so one that the store refuses is a rejection, not a lost batch.

    The LSH index lives in memory; ``begin`` adds what other writers stored since this process last
    looked, and ``rollback`` forgets what a failed transaction added.
    """

    name = "duplicates"

    def __init__(self) -> None:
        self._index: NearDuplicateIndex | None = None
        self._indexed_upto = 0  # the highest article id the index has been shown
        self._upto_at_begin = 0
        self._added: list[int] = []  # ids indexed inside the open transaction

    def prepare(self, articles: Sequence[Article]) -> list[Fingerprint]:
        return [fingerprint(article.text) for article in articles]

    def begin(self, store: Store) -> None:
        if self._index is None:
            self._index = NearDuplicateIndex(store.articles.text)
        for article_id, sig in store.duplicates.signatures(after_id=self._indexed_upto):
            self._index.add(article_id, sig)
            self._indexed_upto = max(self._indexed_upto, article_id)
        self._upto_at_begin = self._indexed_upto
        self._added = []

    def commit(
        self,
        store: Store,
        arrivals: Sequence[tuple[Document, Article, Fingerprint]],
        *,
        run_id: int,
        now: datetime,
    ) -> list[StoreOutcome]:
        """One outcome per arrival, in order (see ``StoreOutcome``).

        The batch is first stored under one savepoint; only if the store refuses something is it
        rolled back and stored again article by article, each under its own savepoint, so that the
        refused one becomes a rejection. A savepoint per article costs two round trips to a
        PostgreSQL server, and refusals are rare."""
        if self._index is None:
            raise RuntimeError("DuplicateStage.commit before begin")
        added_before, indexed_upto = len(self._added), self._indexed_upto
        try:
            with store.savepoint():
                return self._store_all(store, self._index, arrivals, run_id, now, isolate=False)
        except Exception:
            for article_id in self._added[added_before:]:
                self._index.remove(article_id)
            del self._added[added_before:]
            self._indexed_upto = indexed_upto
            return self._store_all(store, self._index, arrivals, run_id, now, isolate=True)

    def _store_all(
        self,
        store: Store,
        index: NearDuplicateIndex,
        arrivals: Sequence[tuple[Document, Article, Fingerprint]],
        run_id: int,
        now: datetime,
        *,
        isolate: bool,
    ) -> list[StoreOutcome]:
        seen = store.articles.stored_sources([source_key(d) for d, _, _ in arrivals])
        outcomes: list[StoreOutcome] = []
        for document, article, print_ in arrivals:
            key = source_key(document)
            if key in seen:
                outcomes.append(AlreadyStored())
                continue
            seen.add(key)  # the same input twice in one batch is stored once
            source = SourceRecord(
                external_id=document.external_id,
                locator=document.locator,
                raw_sha256=document.raw_sha256,
                run_id=run_id,
                supplied=supplied_fields(document),
                outlet=article.outlet.value,
                container=document.container,
            )
            if not isolate:
                outcomes.append(self._store_one(store, index, article, print_, source, now))
                continue
            try:
                with store.savepoint():
                    outcomes.append(self._store_one(store, index, article, print_, source, now))
            except Exception as exc:  # the store refused this one article: say why, go on
                outcomes.append(Rejection(document.locator, f"could not store ({one_line(exc)})"))
        return outcomes

    def _store_one(
        self,
        store: Store,
        index: NearDuplicateIndex,
        article: Article,
        print_: Fingerprint,
        source: SourceRecord,
        now: datetime,
    ) -> NewArticle | ExactDuplicate:
        # What this input stood for before, if it was sent before with another text.
        previous = (
            store.articles.current_version(source.container, source.external_id) if source.container else None
        )
        existing = store.duplicates.by_hash(print_.content_hash)
        if existing is not None:
            store.articles.add_source(existing, source, now)
            stored: NewArticle | ExactDuplicate = ExactDuplicate(existing)
            article_id = existing
        else:
            article_id, stored = self._store_new(store, index, article, print_, now)
            store.articles.add_source(article_id, source, now)
        if previous is not None and previous != article_id:
            store.articles.supersede(previous, article_id)
            # The old version leaves its story's counts; the new one is counted where it lands.
            old_story = store.stories.story_ids([previous]).get(previous)
            if old_story is not None:
                store.stories.recount([old_story], now)
        return stored

    def _store_new(
        self, store: Store, index: NearDuplicateIndex, article: Article, print_: Fingerprint, now: datetime
    ) -> tuple[int, NewArticle]:
        sig = print_.signature
        match = index.best_match(print_.shingles, sig) if sig is not None else None
        # Groups are flat: a copy of a copy joins the group of its canonical article.
        canonical = store.duplicates.canonical(match.article_id) if match is not None else None
        article_id = store.articles.insert(article, now)
        store.duplicates.record(
            article_id, print_.content_hash, sig, canonical, match.similarity if match else None
        )
        if canonical is not None and _published_before(store, article, canonical):
            # The group's origin is its earliest published member: a wire copy that arrives after
            # a later rewrite still becomes the canonical one.
            store.duplicates.make_canonical(canonical, article_id)
        if sig is not None:
            index.add(article_id, sig)
            self._added.append(article_id)
        self._indexed_upto = max(self._indexed_upto, article_id)
        # ``canonical`` (an earlier-stored member, whatever is canonical now) holds the group's story.
        return article_id, NewArticle(article_id, article, canonical)

    def rollback(self) -> None:
        if self._index is not None:
            for article_id in self._added:
                self._index.remove(article_id)
        self._added = []
        self._indexed_upto = self._upto_at_begin


def source_key(document: Document) -> SourceKey:
    """What names one input as read once: where from, its id there, its bytes."""
    return (document.container, document.external_id, document.raw_sha256)


def _published_before(store: Store, article: Article, other_id: int) -> bool:
    """Whether ``article`` was published before the stored article ``other_id``; an undated
    article is published after every dated one, and a tie keeps the one stored first."""
    if article.published.value is None:
        return False
    other = store.articles.published_instants([other_id]).get(other_id)
    return other is None or as_utc(article.published.value) < other


def supplied_fields(document: Document) -> dict[str, Any]:
    """What came with the input, as stored with its source (absent fields left out)."""
    s = document.supplied
    fields = {
        "origin": s.origin.value,
        "title": s.title,
        "url": s.url,
        "outlet": s.outlet,
        "published": s.published,
        "language": s.language,
        "author": s.author,
    }
    return {k: v for k, v in fields.items() if v is not None} | ({"extra": s.extra} if s.extra else {})
