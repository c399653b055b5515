"""float32 against bf16 autocast for the MiniLM embedder: vector agreement and end-to-end speed.

    .venv/bin/python bench/embed_precision.py [--rounds 2] [--limit-uci 5000] [--json OUT]

For ECB+ (full texts) and the first ``--limit-uci`` UCI headlines: the cosine between each text's
float32 and bf16 vectors, then articles/s through ``Tracker`` (cleaning, dedup, SQLite, embedding,
assignment) for both precisions, alternating in the same process so machine drift hits both alike.
Also reports whether this CPU has bf16 in hardware, which decides the default (``native_bf16``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from clustering import run_tracker
from fit_stories import load_stream, without_gold
from storyline.stories.embeddings import MiniLMEmbedder, native_bf16

RESULTS = Path(__file__).resolve().parent / "results"


def tracker_rate(records: Sequence[Mapping[str, Any]], bf16: bool) -> float:
    _, seconds, _ = run_tracker(records, MiniLMEmbedder(bf16=bf16))
    return len(records) / seconds


def agreement(records: Sequence[Mapping[str, Any]]) -> tuple[float, float]:
    """Min and mean cosine between float32 and bf16 vectors of the records' title + opening text."""
    texts = [f"{r.get('title') or ''}\n{(r.get('text') or '')[:600]}".strip() for r in records]
    full = MiniLMEmbedder(bf16=False).encode(texts)
    half = MiniLMEmbedder(bf16=True).encode(texts)
    cos = (full * half).sum(axis=1)
    return float(cos.min()), float(cos.mean())


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="alternations of the two precisions")
    parser.add_argument("--limit-uci", type=int, default=5000)
    parser.add_argument("--json", type=Path, default=RESULTS / "embed-precision.json")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {"native_bf16": native_bf16()}
    print(f"native bf16 on this CPU: {result['native_bf16']}")
    for name, stream in (("ecbplus", load_stream("ecbplus")), ("uci", load_stream("uci", args.limit_uci))):
        records = [without_gold(r) for r in stream]
        low, mean = agreement(records)
        rates: dict[str, list[float]] = {"fp32": [], "bf16": []}
        for _ in range(args.rounds):
            for label, bf16 in (("fp32", False), ("bf16", True)):
                rates[label].append(tracker_rate(records, bf16))
        ratio = float(np.mean(rates["bf16"]) / np.mean(rates["fp32"]))
        print(f"{name} cosine fp32/bf16 min {low:.5f}")
        print(f"{name} cosine fp32/bf16 mean {mean:.6f}")
        for label, values in rates.items():
            print(f"{name} {label} articles/s {' / '.join(f'{v:.1f}' for v in values)}")
        print(f"{name} bf16/fp32 speed ratio {ratio:.2f}")
        result[name] = {
            "articles": len(records),
            "cos_min": low,
            "cos_mean": mean,
            "rates": rates,
            "ratio": ratio,
        }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
