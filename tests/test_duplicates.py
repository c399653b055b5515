from __future__ import annotations

from pathlib import Path

from storyline.duplicates import (
    NearDuplicateIndex,
    compare,
    content_hash,
    is_near_duplicate,
    shingles,
    signature,
)


def edited_copy(text: str) -> str:
    """New headline, one paragraph dropped, one sentence reworded: a light wire-desk edit."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    del paragraphs[3]
    paragraphs[1] = paragraphs[1].replace("confirmed that", "said that")
    return "\n".join(["Rights lawyer says US drops bid to deport Xinjiang whistleblower", *paragraphs])


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
