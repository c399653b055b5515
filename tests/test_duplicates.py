from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from storyline.duplicates import (
    LSH_BANDS,
    LSH_ROWS,
    LSH_THRESHOLD,
    MINHASH_SCHEME,
    NUM_PERM,
    NearDuplicateIndex,
    _words,
    compare,
    content_hash,
    is_near_duplicate,
    normalise_text,
    shingles,
    signature,
)

from .support.corpus import edited_copy


def test_exact_hash_ignores_case_whitespace_and_typographic_quotes() -> None:
    assert content_hash("He said “yes”  today.\n") == content_hash('he said "yes" today.')
    assert content_hash("He said yes today.") != content_hash("He said no today.")


def test_edited_copy_of_a_seed_is_a_near_duplicate(seeds: Path) -> None:
    original = (seeds / "004_e649c01a3f39ea4e.txt").read_text()
    copy = edited_copy(original)
    a, b = shingles(original), shingles(copy)
    jaccard, containment = compare(a, b)
    assert is_near_duplicate(jaccard, containment), (jaccard, containment)

    texts = {1: original}
    index = NearDuplicateIndex(texts.get)
    sig_a, sig_b = signature(a), signature(b)
    assert sig_a is not None and sig_b is not None
    index.add(1, sig_a)
    match = index.best_match(b, sig_b)
    assert match is not None and match.article_id == 1


def test_rewrites_of_one_story_are_not_near_duplicates(seeds: Path) -> None:
    short = (seeds / "000_b85230806259d9d3.txt").read_text()
    scraped = (seeds / "003_da356aaa87fc9689.txt").read_text()
    jaccard, containment = compare(shingles(short), shingles(scraped))
    assert not is_near_duplicate(jaccard, containment), (jaccard, containment)


def test_short_texts_get_no_signature() -> None:
    assert signature(shingles("Earthquake strikes off the coast of Chile")) is None


def test_words_are_the_regex_word_runs_including_rare_scripts() -> None:
    # Underscores and digits are word characters, astral letters too; emoji and punctuation are not.
    normalised = normalise_text("snake_case x2 𝔘nicode 𐐀𐐨 déjà-vu 🙂 İstanbul ﬁn straße l'été ٣٤")
    assert _words(normalised) == [word.encode() for word in re.findall(r"\w+", normalised)]
    assert _words("") == []


def test_signature_matches_datasketch_legacy_minhash() -> None:
    hashes = np.unique(np.random.default_rng(3).integers(0, 2**32, 5000, dtype=np.uint64))
    sig = signature(hashes)
    assert sig is not None and np.array_equal(sig, _reference_signature(hashes))


def test_signature_is_exact_where_the_modulo_wraps() -> None:
    # Shingles whose a·h + b has low 32 bits just under 2^32: the modulo's fold carries them over to
    # the smallest values, so they hold a permutation's minimum although their low bits are largest.
    a, b = MinHash(num_perm=NUM_PERM, seed=1, scheme=MINHASH_SCHEME).permutations
    hashes = [int(h) for h in np.random.default_rng(5).integers(0, 2**32, 300)]
    for a_row, b_row in zip(a.tolist(), b.tolist(), strict=True):
        if a_row % 2:  # odd, so invertible modulo 2^32: solve for the shingle giving each target
            hashes += [((target - b_row) * pow(a_row, -1, 2**32)) % 2**32 for target in (-1, -5, -8, 3)]
    shingle_set = np.unique(np.array(hashes, dtype=np.uint64))
    expected = _reference_signature(shingle_set)
    assert (expected < 8).sum() > 20  # the wrapped values did become minimums
    sig = signature(shingle_set)
    assert sig is not None and np.array_equal(sig, expected)


def test_band_index_proposes_what_datasketch_lsh_proposes() -> None:
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    assert (lsh.b, lsh.r) == (LSH_BANDS, LSH_ROWS)
    rng = np.random.default_rng(7)
    base = rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64)
    index = NearDuplicateIndex(lambda _: None)
    signatures = {}
    for article_id in range(1, 61):
        # Each value redrawn with a probability from 0.3 to 0.99: a few bands survive in some.
        sig = np.where(rng.random(NUM_PERM) < 0.3 + article_id / 90, rng.integers(0, 2**32, NUM_PERM), base)
        signatures[article_id] = sig.astype(np.uint64)
        index.add(article_id, signatures[article_id])
        lsh.insert(article_id, _lean(signatures[article_id]))
    for removed in (5, 17, 60):
        index.remove(removed)
        lsh.remove(removed)
    assert len(index) == 57
    for query in [base, *signatures.values()]:
        expected = set(lsh.query(_lean(query)))
        assert index.candidates(query) == expected
    assert 1 < len(index.candidates(base)) < 57


def _lean(sig: np.ndarray) -> LeanMinHash:
    return LeanMinHash(seed=1, hashvalues=sig, scheme=MINHASH_SCHEME)


def _reference_signature(hashes: np.ndarray) -> np.ndarray:
    """datasketch's legacy formula, with the 64-bit division that ``signature`` avoids."""
    a, b = MinHash(num_perm=NUM_PERM, seed=1, scheme=MINHASH_SCHEME).permutations
    with np.errstate(over="ignore"):
        permuted = (hashes[:, None] * a + b) % np.uint64((1 << 61) - 1)
    result: np.ndarray = (permuted & np.uint64(2**32 - 1)).min(axis=0)
    return result
