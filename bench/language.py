"""Score storyline's language detection on a multilingual set whose records carry a ``lang`` field.

    python bench/language.py [--data PATH] [--json OUT]

For the article texts and, separately, for the titles (the short texts a headline-only record
has), prints the share of records given a language (``coverage``), the share of those that are
right (``precision``) and the share of all records that got the right language (``accuracy``,
a record left undetected counts as a miss), plus precision per language. Speed is CPU
milliseconds per text after the model is loaded (its load time is its own figure). Prints one
``name value`` per line and writes all figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from storyline.ingest.language import detect_language, warm_up

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ml_crisis_tls" / "articles.jsonl"
DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "language.json"


def load(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def score(records: list[dict[str, str]], field: str) -> dict[str, float]:
    """Coverage, precision, accuracy and CPU time of detection on one field of every record."""
    detected: list[tuple[str, str | None]] = []
    start = time.process_time()
    for record in records:
        detected.append((record["lang"], detect_language(record.get(field) or "")))
    spent = time.process_time() - start
    given = [(gold, found) for gold, found in detected if found is not None]
    right = sum(gold == found for gold, found in given)
    figures = {
        "records": float(len(detected)),
        "coverage": len(given) / len(detected),
        "precision": right / len(given) if given else 0.0,
        "accuracy": right / len(detected),
        "cpu_ms_per_text": 1000 * spent / len(detected),
    }
    per_language: dict[str, list[bool]] = defaultdict(list)
    for gold, found in given:
        per_language[gold].append(gold == found)
    for language, hits in sorted(per_language.items()):
        figures[f"precision_{language}"] = sum(hits) / len(hits)
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="JSONL with 'lang', 'text', 'title'")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the figures")
    args = parser.parse_args(argv)
    records = [record for record in load(args.data) if record.get("lang")]
    start = time.process_time()
    warm_up()
    figures = {"model_load_cpu_s": time.process_time() - start}
    for field in ("text", "title"):
        figures |= {f"{field}.{name}": value for name, value in score(records, field).items()}
    for name, value in figures.items():
        print(f"{name} {value:.4f}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
