"""Exact and near-duplicate detection.

Exact duplicates share a hash of the normalised text and are stored once. Near-duplicates (a wire
story re-run under a new headline, a trimmed or lightly edited copy) are found with MinHash LSH over
word shingles and then *verified* on the real shingle sets: LSH only proposes candidates, and a
rewrite that shares facts but not wording must not pass, because rewrites are exactly what later
stages compare across outlets.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

NUM_PERM = 128
# Our signatures use datasketch's "legacy" universal hashing (a·h + b mod 2^61−1, cut to 32 bits),
# computed with numpy over all shingles at once; stored signatures are comparable only under it.
MINHASH_SCHEME = "legacy"
SHINGLE_WORDS = 4
# Candidate recall matters more than precision here: verification below is exact.
LSH_THRESHOLD = 0.4
# A lightly edited copy keeps most shingles; a trimmed copy is mostly *contained* in its original.
MIN_JACCARD = 0.55
MIN_CONTAINMENT = 0.8
# Below this many shingles (headlines, one-liners) two texts differing in a word can be different
# events; only exact duplicates are detected for them.
MIN_SHINGLES = 20

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_PRIME = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_PERMUTATION_A, _PERMUTATION_B = MinHash(num_perm=NUM_PERM, seed=1, scheme=MINHASH_SCHEME).permutations
# Odd multipliers that spread each word's position in a 4-gram over the whole 64-bit word.
_POSITION_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5], dtype=np.uint64
)
_SIGNATURE_CHUNK = 4096  # shingles per step, so a 2 MB text never needs a 300 MB temporary


def normalise_text(text: str) -> str:
    """The form two copies of one text share despite typography and whitespace differences."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return _SPACE.sub(" ", text).strip()


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
    words = np.fromiter(
        (zlib.crc32(word.encode("utf-8")) for word in _WORD.findall(normalised)), dtype=np.uint64
    )
    count = len(words) - SHINGLE_WORDS + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        combined = sum(
            (words[i : i + count] * _POSITION_MULTIPLIERS[i] for i in range(SHINGLE_WORDS)),
            start=np.zeros(count, dtype=np.uint64),
        )
    return np.unique((combined >> np.uint64(32)) ^ (combined & _MAX_HASH))


def signature(shingle_hashes: np.ndarray) -> np.ndarray | None:
    """MinHash signature (uint64 array) of a shingle set, or None when the text is too short."""
    if len(shingle_hashes) < MIN_SHINGLES:
        return None
    result = np.full(NUM_PERM, _MAX_HASH, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for start in range(0, len(shingle_hashes), _SIGNATURE_CHUNK):
            chunk = shingle_hashes[start : start + _SIGNATURE_CHUNK, None]
            permuted = ((chunk * _PERMUTATION_A + _PERMUTATION_B) % _PRIME) & _MAX_HASH
            np.minimum(result, permuted.min(axis=0), out=result)
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

    ``text_of`` fetches a candidate's cleaned text so candidates can be verified exactly without
    keeping every shingle set in memory.
    """

    def __init__(self, text_of: Callable[[int], str | None]) -> None:
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._text_of = text_of

    def __len__(self) -> int:
        return len(self._lsh.keys)

    def add(self, article_id: int, sig: np.ndarray) -> None:
        if article_id not in self._lsh:
            self._lsh.insert(article_id, _lean(sig), check_duplication=False)

    def add_many(self, items: Iterable[tuple[int, np.ndarray]]) -> None:
        with self._lsh.insertion_session() as session:
            for article_id, sig in items:
                if article_id not in self._lsh:
                    session.insert(article_id, _lean(sig), check_duplication=False)

    def remove(self, article_id: int) -> None:
        if article_id in self._lsh:
            self._lsh.remove(article_id)

    def best_match(self, shingle_set: np.ndarray, sig: np.ndarray) -> DuplicateMatch | None:
        """The most similar verified near-duplicate, ties broken by the oldest article."""
        best: DuplicateMatch | None = None
        for candidate in sorted(self._lsh.query(_lean(sig))):
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


def _lean(sig: np.ndarray) -> LeanMinHash:
    return LeanMinHash(seed=1, hashvalues=sig, scheme=MINHASH_SCHEME)
