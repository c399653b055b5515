from __future__ import annotations

import random
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"
REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"

_WORDS = (
    "harbour council minister river bridge festival union court vaccine storm election budget school "
    "museum railway farmers drought airline senator protest treaty factory hospital police mayor "
    "wildfire border market exports bank inflation stadium orchestra satellite glacier coast village "
    "ferry tunnel reservoir parliament judge verdict strike mine pipeline harvest tariff"
).split()


@pytest.fixture(scope="session")
def seeds() -> Path:
    assert SEEDS.is_dir(), f"the seeds must be at {SEEDS} (../shared beside the repo)"
    return SEEDS


def invented_text(rng: random.Random, sentences: int = 6) -> str:
    """A unique nonsense report: random word order keeps any two far from near-duplicates."""
    out = []
    for _ in range(sentences):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(12, 20))]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)
