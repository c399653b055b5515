from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"
REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"


@pytest.fixture(scope="session")
def seeds() -> Path:
    assert SEEDS.is_dir(), f"the seeds must be at {SEEDS} (../shared beside the repo)"
    return SEEDS
