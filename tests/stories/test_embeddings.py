"""The hashing embedder (no model: fast tests, quick bulk runs) and embedders by name."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.stories.embeddings import HashingEmbedder, MiniLMEmbedder, embedder_named

from ..support.texts import QUAKE_A, QUAKE_A_FOLLOW, UNRELATED


def test_hashing_vectors_are_unit_length_and_the_same_every_time() -> None:
    texts = [QUAKE_A, QUAKE_A_FOLLOW, UNRELATED, ""]
    vectors = HashingEmbedder().encode(texts)
    assert vectors.shape == (4, HashingEmbedder().dim) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, rtol=1e-6)
    assert not vectors[3].any()  # no words, no direction
    np.testing.assert_array_equal(vectors, HashingEmbedder().encode(texts))
    assert HashingEmbedder().encode([]).shape == (0, HashingEmbedder().dim)


def test_hashing_vectors_are_close_when_texts_share_words() -> None:
    quake, follow, council = HashingEmbedder().encode([QUAKE_A, QUAKE_A_FOLLOW, UNRELATED])
    assert quake @ follow > quake @ council
    # Case and punctuation do not count: the same words are the same vector.
    same = HashingEmbedder().encode(["Quake hits Ridgeford!", "quake hits ridgeford"])
    np.testing.assert_array_equal(same[0], same[1])


@pytest.mark.parametrize("name", ["hashing", "hashing-bow-256"])
def test_hashing_by_name(name: str) -> None:
    embedder = embedder_named(name)
    assert isinstance(embedder, HashingEmbedder) and embedder.name == "hashing-bow-256"


def test_minilm_by_name_and_by_the_name_it_reports() -> None:
    # Nothing here encodes, so the model is never loaded.
    assert embedder_named("minilm").name == MiniLMEmbedder().name == "all-MiniLM-L6-v2@64"
    assert embedder_named(MiniLMEmbedder().name).name == MiniLMEmbedder().name
    assert embedder_named("all-MiniLM-L6-v2@128").name == MiniLMEmbedder(max_seq_length=128).name


@pytest.mark.parametrize("name", ["", "bert", "all-MiniLM-L6-v2", "all-MiniLM-L6-v2@", "hashing-bow-512"])
def test_an_unknown_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="unknown embedder"):
        embedder_named(name)
