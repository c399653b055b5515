"""The three seed reports as input records. The seeds state no published time: 000 and 004 are
given one (``PUBLISHED``), as the timeline issue asks (003 dates itself in its page)."""

from __future__ import annotations

from pathlib import Path

from .paths import SEED_000, SEED_003, SEED_004

PUBLISHED = {SEED_000: "2026-02-05", SEED_004: "2025-12-20"}


def seed_records(seeds: Path, published: dict[str, str]) -> list[dict[str, str]]:
    """The seeds as records, oldest report first, each given its ``published`` time if any."""
    records = []
    for name in (SEED_004, SEED_003, SEED_000):
        record = {"id": name, "text": (seeds / name).read_text(encoding="utf-8")}
        if name in published:
            record["published"] = published[name]
        records.append(record)
    return records
