"""Ingest throughput and peak memory.

    python bench/ingest.py [--n-jsonl 1000] [--n-html 400] [--n-english 183] [--data REPORTS.jsonl]
                           [--cores 1|2] [--store sqlite|postgresql|both] [--json bench/results/ingest.json]

Measures the foundation stages end to end — read, decode, extract/clean, date, segment, hash,
MinHash + LSH, store write — for N JSONL text records (ml_crisis_tls articles) and N HTML pages
(article-extraction benchmark + trafilatura eval pages), each in its own child process pinned to one
core so peak RSS and speed are its own (``--cores 2`` gives it the whole 2-core machine, where the
stages prepare side by side), and N full English reports (TimeBank) as JSONL. A second figure per
input adds story assignment (sentence embeddings included) and time expressions, a third entities
too (NER and alias resolution; the English tagger skips the Spanish, French and Italian JSONL
records), a fourth the claim comparison (claims read, embedded once a story has a second report,
and grouped), which is the full pipeline a user runs. ``Tracker.warm_up`` runs before the
clock in every child (story model, dateparser's ~2 s locale set-up); its CPU time is printed on its
own line, so a one-off ingest's cost is rate x N + warm-up. ``--store`` picks the backend: a fresh
SQLite file, or a fresh database on a PostgreSQL server started for the run (its server processes
are not pinned, and their CPU is not in the child's CPU figure: compare PostgreSQL on wall-clock
rates). Prints one figure per line.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from stores import BACKENDS, Backend, fresh_store

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def jsonl_records(n: int) -> Iterator[dict[str, Any]]:
    # Labels and collection ids stay out: they are not what a feed would give us.
    with (SHARED / "ml_crisis_tls" / "articles.jsonl").open() as fh:
        for i, line in enumerate(fh):
            if i >= n:
                return
            record = json.loads(line)
            yield {
                "id": f"doc{i}",
                "title": record.get("title"),
                "text": record["text"],
                "published": record.get("published"),
                "language": record.get("lang"),
            }


def english_records(path: Path, n: int) -> Iterator[dict[str, Any]]:
    """Full English news reports (TimeBank, 1989-1998) as JSONL records: what the English entity
    tagger runs on (the ml_crisis_tls records are Spanish, French and Italian, which it skips)."""
    with path.open() as fh:
        for i, line in enumerate(fh):
            if i >= n:
                return
            record = json.loads(line)
            yield {"id": f"en{i}", "text": record["text"], "language": "en"}


def html_pages(n: int) -> Iterator[tuple[str, str]]:
    count = 0
    with (SHARED / "article_extraction_benchmark" / "pages.jsonl").open() as fh:
        for line in fh:
            if count >= n:
                return
            yield f"aeb{count}.html", json.loads(line)["html"]
            count += 1
    with gzip.open(SHARED / "trafilatura_eval" / "pages.jsonl.gz", "rt") as fh:
        for line in fh:
            if count >= n:
                return
            yield f"tev{count}.html", json.loads(line)["html"]
            count += 1


# What each run adds to the foundation stages: (name suffix, story assignment, entities, claims).
STAGE_SETS = (
    ("", False, False, False),
    ("_with_stories", True, False, False),
    ("_with_stories_and_entities", True, True, False),
    ("_with_claims", True, True, True),
)


def _child(
    kind: str, path: str, stages: tuple[bool, bool, bool], cores: int, location: str, queue: Any
) -> None:
    os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:cores]))
    os.environ["OMP_NUM_THREADS"] = str(cores)
    from storyline.tracker import Tracker

    stories, entities, claims = stages
    with Tracker(location, assign_stories=stories, extract_entities=entities, compare_sources=claims) as t:
        # Once-per-process costs (model load, dateparser's locale set-up) are not per-article
        # throughput; they are timed and reported on their own.
        warm_cpu = time.process_time()
        t.warm_up()
        warm_cpu = time.process_time() - warm_cpu
        start, cpu_start = time.perf_counter(), time.process_time()
        report = t.ingest([path])
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(
        {
            "input": kind,
            "stories": stories,
            "entities": entities,
            "claims": claims,
            "cores": cores,
            "records": report.counts.read,
            "articles": report.counts.new + report.counts.exact_duplicates,
            "rejected": report.counts.rejected,
            "seconds": round(elapsed, 3),
            "per_second": round(report.counts.read / elapsed, 1),
            # CPU time of the process (all its threads): stable when other work shares the machine.
            "cpu_seconds": round(cpu, 3),
            "per_cpu_second": round(report.counts.read / cpu, 1),
            "warm_up_cpu_seconds": round(warm_cpu, 3),
            "peak_rss_mb": round(peak_mb, 1),
        }
    )


def measure(
    kind: str, path: str, stages: tuple[bool, bool, bool], cores: int, backend: Backend
) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    with fresh_store(backend) as location:
        process = ctx.Process(target=_child, args=(kind, path, stages, cores, location, queue))
        process.start()
        result: dict[str, Any] = queue.get()
        process.join()
    return {"store": backend, **result}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n-jsonl", type=int, default=1000)
    parser.add_argument("--n-html", type=int, default=400)
    parser.add_argument("--n-english", type=int, default=183)
    parser.add_argument(
        "--data",
        type=Path,
        default=SHARED / "tempeval3_tbaq" / "documents.jsonl",
        help="the full English reports: a JSONL file of records with a 'text' (TimeBank's by default)",
    )
    parser.add_argument(
        "--only", choices=["jsonl", "html", "english"], help="measure one input kind (all by default)"
    )
    parser.add_argument("--no-stories", action="store_true", help="skip the runs with story assignment")
    parser.add_argument("--store", choices=[*BACKENDS, "both"], default="sqlite", help="store backend(s)")
    parser.add_argument(
        "--cores", type=int, default=1, help="cores the measured process may use (1: per-core figures)"
    )
    parser.add_argument("--json", type=Path, default=Path("bench/results/ingest.json"))
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "records.jsonl"
        with jsonl.open("w") as fh:
            for record in jsonl_records(args.n_jsonl):
                fh.write(json.dumps(record) + "\n")
        english = Path(tmp) / "english.jsonl"
        with english.open("w") as fh:
            for record in english_records(args.data, args.n_english):
                fh.write(json.dumps(record) + "\n")
        pages = Path(tmp) / "pages"
        pages.mkdir()
        for name, html in html_pages(args.n_html):
            (pages / name).write_text(html)
        backends: tuple[Backend, ...] = BACKENDS if args.store == "both" else (args.store,)
        for kind, path in (("jsonl", str(jsonl)), ("html", str(pages)), ("english", str(english))):
            if args.only and kind != args.only:
                continue
            for suffix, stories, entities, claims in STAGE_SETS[:1] if args.no_stories else STAGE_SETS:
                for backend in backends:
                    result = measure(kind, path, (stories, entities, claims), args.cores, backend)
                    results.append(result)
                    tag = f"{backend}_{kind}{suffix}"
                    print(f"{tag}_records {result['records']}")
                    print(f"{tag}_per_second {result['per_second']}")
                    print(f"{tag}_per_cpu_second {result['per_cpu_second']}")
                    print(f"{tag}_warm_up_cpu_seconds {result['warm_up_cpu_seconds']}")
                    print(f"{tag}_peak_rss_mb {result['peak_rss_mb']}")
                    sys.stdout.flush()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"cores": args.cores, "results": results}, indent=2))


if __name__ == "__main__":
    main()
