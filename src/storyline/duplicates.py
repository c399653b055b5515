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
# Stored signatures are only comparable under the scheme that made them; pin it.
MINHASH_SCHEME = "affine32"
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


def normalise_text(text: str) -> str:
    """The form two copies of one text share despite typography and whitespace differences."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return _SPACE.sub(" ", text).strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def shingles(text: str) -> set[int]:
    """Word 4-grams of the normalised text, as 32-bit hashes.

    CRC32 (C speed) instead of datasketch's per-shingle SHA-1 made fingerprinting 5x faster; the
    MinHash permutations only need hashes that rarely collide, not cryptographic ones.
    """
    words = _WORD.findall(normalise_text(text))
    return {
        zlib.crc32(" ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8"))
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


def _already_hashed(value: int) -> int:
    return value


def signature(shingle_set: set[int]) -> np.ndarray | None:
    """MinHash signature (uint64 array) of a shingle set, or None when the text is too short."""
    if len(shingle_set) < MIN_SHINGLES:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_already_hashed, scheme=MINHASH_SCHEME)
    minhash.update_batch(sorted(shingle_set))
    return np.asarray(minhash.hashvalues, dtype=np.uint64)


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    """A stored article that a new one nearly duplicates."""

    article_id: int
    jaccard: float
    containment: float

    @property
    def similarity(self) -> float:
        return max(self.jaccard, self.containment)


def compare(a: set[int], b: set[int]) -> tuple[float, float]:
    shared = len(a & b)
    union = len(a) + len(b) - shared
    return (shared / union if union else 0.0, shared / min(len(a), len(b)) if a and b else 0.0)


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

    def best_match(self, shingle_set: set[int], sig: np.ndarray) -> DuplicateMatch | None:
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
