"""Where the tests find what they read: the shared seeds beside the repo and the shipped samples."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
SAMPLES = REPO / "samples"
# The seed reports by name: a full wire report written before the outcome (004), a scraped page
# dated in the page (003), and a later short rewrite (000).
SEED_000 = "000_b85230806259d9d3.txt"
SEED_003 = "003_da356aaa87fc9689.txt"
SEED_004 = "004_e649c01a3f39ea4e.txt"
