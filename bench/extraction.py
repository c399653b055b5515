"""Score storyline's HTML extraction on two public dev sets, side by side with bare trafilatura.

    python bench/extraction.py [--limit N] [--json OUT]

(a) article_extraction_benchmark (Zyte): the origin's metric -- \\w+ tokens, 4-gram shingles
    with counts, per-page TP/FP/FN normalised to sum 1, precision and recall averaged over pages,
    F1 the harmonic mean of the averages; accuracy = exact equality of the token lists.
(b) trafilatura_eval: the origin's metric -- whitespace-normalised substring test per segment
    ('with' found = TP, missing = FN; 'without' found = FP, absent = TN) over all segments; plus
    title accuracy and date accuracy (YYYY-MM-DD against the gold date, pages with one).

The baseline is ``trafilatura.extract(html, url=url)`` with default settings for the text and
``trafilatura.extract_metadata`` for title and date, run in this process on the same pages.
A crash counts as a full miss. Prints one ``name value`` per line and writes all figures as JSON.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import trafilatura
from rich.console import Console
from rich.progress import Progress

from storyline.ingest.extract_html import extract_html

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ZYTE_PAGES = DATA / "article_extraction_benchmark" / "pages.jsonl"
TRAFILATURA_PAGES = DATA / "trafilatura_eval" / "pages.jsonl.gz"
DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "extraction.json"

_TOKEN_RE = re.compile(r"\w+")
_SHINGLE = 4
_WARM_UP = 5  # pages of each set run once before timing


@dataclass(frozen=True)
class Output:
    """What one extractor returned for one page (empty strings / None when it found nothing)."""

    text: str
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD


Extractor = Callable[[str, str | None], Output]


def ours(html: str, url: str | None) -> Output:
    page = extract_html(html, url)
    if page is None:
        return Output("")
    published = page.published.value
    day = published.date() if isinstance(published, datetime) else published
    return Output(page.text, page.title.value, day.isoformat() if day else None)


def baseline_text(html: str, url: str | None) -> Output:
    return Output(trafilatura.extract(html, url=url) or "")


def baseline_metadata(html: str, url: str | None) -> Output:
    meta = trafilatura.extract_metadata(html, default_url=url)
    return Output("", meta.title, meta.date)


def run(
    extractor: Extractor, pages: list[dict[str, Any]], progress: Progress, label: str
) -> tuple[list[Output], float]:
    """Outputs for every page (a crash gives an empty Output) and the seconds spent extracting."""
    outputs: list[Output] = []
    spent = 0.0
    task = progress.add_task(label, total=len(pages))
    for page in pages:
        url = _usable_url(page["url"])
        start = time.process_time()
        try:
            outputs.append(extractor(page["html"], url))
        except Exception:  # a crash is scored as a full miss, as the origins do
            outputs.append(Output(""))
        spent += time.process_time() - start
        progress.advance(task)
    return outputs, spent


def _usable_url(url: str) -> str | None:
    # trafilatura_eval ids some pages 'hard::file.html'; only real addresses are inputs.
    return url if url.startswith(("http://", "https://")) else None


# --- (a) Zyte article-extraction benchmark metric ---------------------------------------------


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN_RE.findall(text)
    count = max(1, len(tokens) - _SHINGLE + 1)
    return Counter(shingle for i in range(count) if (shingle := tuple(tokens[i : i + _SHINGLE])))


def _tp_fp_fn(gold: str, predicted: str) -> tuple[float, float, float]:
    true, pred = _shingles(gold), _shingles(predicted)
    tp = float(sum((true & pred).values()))
    fp = float(sum((pred - true).values()))
    fn = float(sum((true - pred).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (tp, fp, fn)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def zyte_scores(pages: list[dict[str, Any]], outputs: list[Output]) -> dict[str, float]:
    counts = [_tp_fp_fn(page["gold_text"], out.text) for page, out in zip(pages, outputs, strict=True)]
    # pages with nothing predicted (or nothing gold) drop out of that average, as in evaluate.py
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    exact = [
        _TOKEN_RE.findall(page["gold_text"]) == _TOKEN_RE.findall(out.text)
        for page, out in zip(pages, outputs, strict=True)
    ]
    return {
        "precision": precision,
        "recall": recall,
        "f1": _harmonic(precision, recall),
        "accuracy": sum(exact) / len(exact),
    }


# --- (b) trafilatura evaluation metric ------------------------------------------------------


def _normalise_space(text: str) -> str:
    return " ".join(text.split())


def segment_scores(pages: list[dict[str, Any]], outputs: list[Output]) -> dict[str, float]:
    tp = fn = fp = tn = 0
    for page, out in zip(pages, outputs, strict=True):
        text = _normalise_space(out.text)
        found_with = [_normalise_space(s) in text for s in page["with"]]
        found_without = [_normalise_space(s) in text for s in page["without"]]
        tp += sum(found_with)
        fn += len(found_with) - sum(found_with)
        fp += sum(found_without)
        tn += len(found_without) - sum(found_without)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "accuracy": (tp + tn) / (tp + tn + fp + fn),
        "f1": _harmonic(precision, recall),
    }


def metadata_scores(pages: list[dict[str, Any]], outputs: list[Output]) -> dict[str, float]:
    titled = [(p["title"], o.title) for p, o in zip(pages, outputs, strict=True) if p.get("title")]
    dated = [(p["date"], o.date) for p, o in zip(pages, outputs, strict=True) if p.get("date")]
    return {
        "title_accuracy": _share(_same_title(gold, got) for gold, got in titled),
        "date_accuracy": _share(gold == got for gold, got in dated),
        "title_pages": float(len(titled)),
        "date_pages": float(len(dated)),
    }


def _same_title(gold: str, got: str | None) -> bool:
    return got is not None and _normalise_space(gold).casefold() == _normalise_space(got).casefold()


def _share(hits: Iterable[bool]) -> float:
    values = list(hits)
    return sum(values) / len(values) if values else 0.0


def _harmonic(a: float, b: float) -> float:
    return 2 * a * b / (a + b) if a + b else 0.0


# --- driver -------------------------------------------------------------------------------


def load_jsonl(path: Path, limit: int | None) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    pages: list[dict[str, Any]] = []
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if limit is not None and len(pages) >= limit:
                break
            pages.append(json.loads(line))
    return pages


def _warm_up(pages: list[dict[str, Any]]) -> None:
    # Lazy imports and caches (htmldate loads dateparser on first use, ~1 s) are a per-process
    # cost, not a per-page one: pay them before the clock starts.
    for page in pages:
        for extractor in (ours, baseline_text, baseline_metadata):
            extractor(page["html"], _usable_url(page["url"]))


def _prefixed(prefix: str, figures: dict[str, float]) -> dict[str, float]:
    return {f"{prefix}.{name}": value for name, value in figures.items()}


def benchmark(limit: int | None, console: Console) -> dict[str, float]:
    zyte = load_jsonl(ZYTE_PAGES, limit)
    evalset = load_jsonl(TRAFILATURA_PAGES, limit)
    figures: dict[str, float] = {}
    with Progress(console=console, transient=True) as progress:
        _warm_up(zyte[:_WARM_UP] + evalset[:_WARM_UP])
        for name, pages in (("zyte", zyte), ("trafilatura_eval", evalset)):
            our_out, our_s = run(ours, pages, progress, f"{name}: storyline")
            base_out, base_s = run(baseline_text, pages, progress, f"{name}: trafilatura.extract")
            score = zyte_scores if name == "zyte" else segment_scores
            figures |= _prefixed(f"{name}.storyline", score(pages, our_out))
            figures |= _prefixed(f"{name}.baseline", score(pages, base_out))
            figures[f"{name}.storyline.pages_per_s"] = len(pages) / our_s
            figures[f"{name}.baseline.pages_per_s"] = len(pages) / base_s
            figures[f"{name}.pages"] = float(len(pages))
            if name == "trafilatura_eval":
                meta_out, _ = run(baseline_metadata, pages, progress, f"{name}: extract_metadata")
                figures |= _prefixed(f"{name}.storyline", metadata_scores(pages, our_out))
                figures |= _prefixed(f"{name}.baseline", metadata_scores(pages, meta_out))
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the figures")
    args = parser.parse_args(argv)
    figures = benchmark(args.limit, Console(stderr=True))
    for name, value in figures.items():
        print(f"{name} {value:.4f}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
