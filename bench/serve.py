"""Serving under load: page and search latency with 20 clients while an ingest writes.

    python bench/serve.py [--articles 100000] [--clients 20] [--seconds 30] [--think 0] [--data PATH]
                          [--store PATH] [--json bench/results/serve.json]

Builds (once; cached under ``bench/results/``) an SQLite store of ``--articles`` articles: every text
of ml_crisis_tls and TimeBank, the UCI headlines, and invented headlines for the rest, with stories
assigned by the hashing embedder and no entities (so 100k builds in minutes, not hours: the pages
read what any store holds). Then runs ``storyline serve`` on loopback and measures, in this process:

1. ``search_library_*``: ``Tracker.search`` called in turn (no HTTP, no concurrency): the index alone;
2. ``ingest_alone_per_s``: a writer process adding new headlines to the store for ``--seconds``;
3. with that writer running again, ``--clients`` concurrent clients (asyncio + httpx, on loopback)
   each requesting in turn the story list page, a story page and a search page (keywords plus the
   closest stories) for ``--seconds``: p50/p95 per page, errors, and ``ingest_under_load_per_s``.
   With ``--think 0`` each client asks again the moment it has an answer (the server saturated:
   latency is then clients / throughput); ``--think S`` waits S seconds on average between pages,
   as a reader does.

The load generator shares the machine's cores with the server and the writer: the latencies include
that contention. Prints one figure per line.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from storyline.stories.embeddings import HashingEmbedder
from storyline.tracker import Tracker

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
RESULTS = Path(__file__).resolve().parent / "results"
TOKEN = "bench-token"
PAGES = ("story_list", "story_page", "search")
QUERIES = (
    "ukraine",
    "apple iphone",
    "ebola",
    "federal reserve",
    "world cup",
    "google glass",
    "malaysia airlines",
    "earnings",
    "gm recall",
    "bitcoin",
    "microsoft",
    "amazon",
    "samsung galaxy",
    "climate",
    "oil prices",
    "facebook",
    "harbour ferry",
    "elecciones",
    "crise",
    "inflation",
)
_SUBJECTS = "council minister union court airline senator mayor judge bank harbour factory museum".split()
_VERBS = "approves rejects delays announces suspends reviews expands halts defends questions".split()
_OBJECTS = "budget plan merger strike tariff pipeline reform contract inquiry ban deal vote".split()


def corpus_records(data: Path, n: int) -> Iterator[dict[str, Any]]:
    """``n`` records: the data's full texts, its headlines, then invented headlines; published one
    minute apart from 2026-01-01 so the story list has an order."""
    start = time.mktime((2026, 1, 1, 0, 0, 0, 0, 0, 0))

    def real() -> Iterator[dict[str, Any]]:
        with (data / "ml_crisis_tls" / "articles.jsonl").open() as fh:
            for i, line in enumerate(fh):
                record = json.loads(line)
                yield {"id": f"tls{i}", "title": record.get("title"), "text": record["text"]}
        with (data / "tempeval3_tbaq" / "documents.jsonl").open() as fh:
            for i, line in enumerate(fh):
                yield {"id": f"tb{i}", "text": json.loads(line)["text"], "language": "en"}
        with (data / "uci_news_aggregator" / "stream.jsonl").open() as fh:
            for line in fh:
                record = json.loads(line)
                yield {
                    "id": record["id"],
                    "title": record["title"],
                    "text": record["title"],
                    "outlet": record["source"],
                }

    for i, record in enumerate(itertools.islice(itertools.chain(real(), invented_headlines("syn")), n)):
        published = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(start + 60 * i))
        yield {**record, "published": published}


def invented_headlines(prefix: str, seed: int = 7) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for i in itertools.count():
        subject, verb, thing = rng.choice(_SUBJECTS).title(), rng.choice(_VERBS), rng.choice(_OBJECTS)
        title = f"{subject} {verb} {thing} {rng.randint(1, 999)}"
        yield {"id": f"{prefix}{i}", "title": title, "text": title, "outlet": f"Outlet {rng.randint(1, 300)}"}


def build_store(path: Path, data: Path, n: int) -> float:
    """The store at ``path`` with the ``n`` records ingested; build seconds (0 when a finished build
    is cached). An unfinished build resumes: records stored before are recognised and skipped."""
    done = Path(f"{path}.built")
    if done.exists():
        return 0.0
    started = time.perf_counter()
    with Tracker(path, embedder=HashingEmbedder(), extract_entities=False) as tracker:
        records = corpus_records(data, n)
        while chunk := list(itertools.islice(records, 5000)):
            tracker.add(chunk)
            print(f"# built {tracker.articles(1).total} articles", file=sys.stderr, flush=True)
    done.write_text(f"{n} records\n")
    return time.perf_counter() - started


def search_library(path: Path, rounds: int) -> list[float]:
    """Milliseconds per ``Tracker.search`` (keywords and the closest stories), in turn."""
    timings = []
    with Tracker(path, create=False, extract_entities=False) as tracker:
        tracker.search(QUERIES[0])  # loads the clusterer's state once
        for query in itertools.islice(itertools.cycle(QUERIES), rounds):
            started = time.perf_counter()
            tracker.search(query)
            timings.append(1000 * (time.perf_counter() - started))
    return timings


def _ingest_for(path: str, seconds: float, prefix: str, result: Any) -> None:
    """A writer process: new headlines in batches of 64 for ``seconds``; puts (articles, seconds)."""
    # No claims either: the cached store was built before claims were compared, and a writer that
    # compared them would first catch up 100k articles' claims rather than add headlines.
    with Tracker(path, embedder=HashingEmbedder(), extract_entities=False, compare_sources=False) as tracker:
        tracker.warm_up()
        records = invented_headlines(prefix, seed=len(prefix))
        added, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            added += tracker.add(list(itertools.islice(records, 64))).counts.new
        result.put((added, time.perf_counter() - started))


def start_ingest(path: Path, seconds: float, prefix: str) -> tuple[mp.process.BaseProcess, Any]:
    context = mp.get_context("spawn")
    result = context.Queue()
    process = context.Process(target=_ingest_for, args=(str(path), seconds, prefix, result))
    process.start()
    return process, result


def ingest_rate(process: mp.process.BaseProcess, result: Any) -> float:
    added, seconds = result.get()
    process.join()
    return float(added / seconds)


async def _load(
    url: str, clients: int, seconds: float, think: float, story_ids: list[int]
) -> tuple[dict[str, list[float]], int]:
    timings: dict[str, list[float]] = {page: [] for page in PAGES}
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(number: int, http: httpx.AsyncClient) -> None:
        nonlocal errors
        rng = random.Random(number)
        for page in itertools.cycle(PAGES[number % 3 :] + PAGES[: number % 3]):
            if time.perf_counter() > deadline:
                return
            path = {
                "story_list": "/",
                "story_page": f"/stories/{rng.choice(story_ids)}",
                "search": f"/search?q={rng.choice(QUERIES)}",
            }[page]
            started = time.perf_counter()
            try:
                response = await http.get(path)
                if response.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            timings[page].append(1000 * (time.perf_counter() - started))
            if think:
                await asyncio.sleep(rng.expovariate(1 / think))

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as http:
        await asyncio.gather(*(client(n, http) for n in range(clients)))
    return timings, errors


def percentile(values: list[float], p: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else values[0]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean seconds a client waits between pages (0: none)"
    )
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument("--store", type=Path, default=None, help="default: bench/results/serve-N.db")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    store = args.store or RESULTS / f"serve-{args.articles}.db"
    store.parent.mkdir(parents=True, exist_ok=True)
    figures: dict[str, float] = {
        "store_records": args.articles,
        "build_seconds": build_store(store, args.data, args.articles),
    }

    with Tracker(store, create=False, extract_entities=False) as tracker:
        figures["store_articles"] = tracker.articles(1).total  # exact copies are one article
    library = search_library(store, 200)
    figures |= {
        "search_library_p50_ms": percentile(library, 50),
        "search_library_p95_ms": percentile(library, 95),
    }

    run = time.time_ns()  # new input ids on every run, so that a cached store takes them as new
    process, result = start_ingest(store, args.seconds, f"alone-{run}-")
    figures["ingest_alone_per_s"] = ingest_rate(process, result)

    port = 8765
    env = {**os.environ, "STORYLINE_TOKEN": TOKEN, "STORYLINE_EMBEDDER": "hashing"}
    server = subprocess.Popen(
        [sys.executable, "-m", "storyline", "serve", "--db", str(store), "--port", str(port)],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                story_ids = [
                    s["id"] for s in httpx.get(f"{url}/api/stories?limit=500", timeout=30).json()["items"]
                ]
                break
            except httpx.TransportError:
                time.sleep(0.1)
        for page in ("/", f"/stories/{story_ids[0]}", "/search?q=warm"):  # the first requests load state
            httpx.get(f"{url}{page}", timeout=60)
        process, result = start_ingest(store, args.seconds + 5, f"loaded-{run}-")
        time.sleep(3)  # the writer's warm-up
        timings, errors = asyncio.run(_load(url, args.clients, args.seconds, args.think, story_ids))
        figures["ingest_under_load_per_s"] = ingest_rate(process, result)
    finally:
        server.terminate()
        server.wait()
    for page in PAGES:
        figures[f"{page}_p50_ms"] = percentile(timings[page], 50)
        figures[f"{page}_p95_ms"] = percentile(timings[page], 95)
        figures[f"{page}_requests"] = len(timings[page])
    figures["errors"] = errors
    figures["ingest_ratio_under_load"] = figures["ingest_under_load_per_s"] / figures["ingest_alone_per_s"]
    for name, value in figures.items():
        print(f"{name} {value:.1f}" if isinstance(value, float) else f"{name} {value}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {**figures, "clients": args.clients, "seconds": args.seconds, "think": args.think}, indent=2
            )
        )


if __name__ == "__main__":
    main()
