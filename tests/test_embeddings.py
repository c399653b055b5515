"""The real MiniLM embedder: bf16 autocast gives the vectors float32 gives, and is chosen by the CPU."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.stories.embeddings import MiniLMEmbedder, native_bf16

pytestmark = pytest.mark.slow  # loads the real sentence-embedding model

TEXTS = [
    "Magnitude 6.1 earthquake strikes off the coast of northern Chile",
    "Court drops deportation order against whistleblower; asylum hearing set for August",
    "",
    "Central bank holds rates steady but signals a cut before the end of the year " * 20,
]


def test_bf16_and_float32_vectors_agree() -> None:
    full = MiniLMEmbedder(bf16=False).encode(TEXTS)
    half = MiniLMEmbedder(bf16=True).encode(TEXTS)
    assert half.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(half, axis=1), 1.0, atol=1e-6)
    assert (full * half).sum(axis=1).min() > 0.999
    # The two are not the same computation: were autocast ignored, this test would prove nothing.
    assert not np.array_equal(full, half)


def test_default_precision_follows_the_cpu() -> None:
    auto = MiniLMEmbedder().encode(TEXTS)
    chosen = MiniLMEmbedder(bf16=native_bf16()).encode(TEXTS)
    np.testing.assert_array_equal(auto, chosen)
