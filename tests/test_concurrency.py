"""Several processes on one store, on both backends: two ingests at once, a writer that has to wait,
and an ingest killed with SIGKILL and then resumed. The ingests are real ``storyline`` processes
(with the hashing embedder, so they take seconds)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storyline.store import open_store

from .support.corpus import invented_text
from .support.processes import environment, first_line_with

pytestmark = pytest.mark.slow


def records(ids: list[str], seed: int) -> list[str]:
    """One JSONL line per id: a short invented report."""
    rng = random.Random(seed)
    return [json.dumps({"id": i, "title": f"Report {i}", "text": invented_text(rng)}) for i in ids]


def write_stream(path: Path, ids: list[str], seed: int) -> None:
    path.write_text("\n".join(records(ids, seed)) + "\n", encoding="utf-8")


def ingest_command(path: Path | list[Path], url: str, batch_size: int = 64) -> list[str]:
    return [
        sys.executable,
        "-m",
        "storyline",
        "ingest",
        *(str(p) for p in (path if isinstance(path, list) else [path])),
        "--db",
        url,
        "--batch-size",
        str(batch_size),
    ]


def check_whole(url: str) -> tuple[int, int]:
    """Every stored article has its source, its sentences and a story; (articles, sources)."""
    store = open_store(url)
    try:
        stored = list(store.articles.iter_stored())
        assert all(s.sources and s.article.sentences and s.story_id is not None for s in stored)
        return len(stored), sum(len(s.sources) for s in stored)
    finally:
        store.close()


def test_two_ingests_at_once_store_every_record_once_and_assign_every_article(
    tmp_path: Path, location: str
) -> None:
    shared = records([f"both-{i}" for i in range(150)], seed=1)  # the same texts in both files
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("\n".join(records([f"a-{i}" for i in range(600)], seed=2) + shared) + "\n")
    second.write_text("\n".join(shared + records([f"b-{i}" for i in range(600)], seed=3)) + "\n")
    # The second process also reads the first's file: the very same inputs, written by whichever
    # process gets to each batch first.
    processes = [
        subprocess.Popen(
            ingest_command(path, location),
            env=environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in (first, [second, first])
    ]
    results = [process.communicate(timeout=600) for process in processes]
    for process, (_, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
    articles, sources = check_whole(location)
    # 600 + 600 + 150 shared texts; every input once: the shared ones were read from two files.
    assert (articles, sources) == (1350, 1500)


def test_a_writer_waits_for_the_one_holding_the_store_and_says_so(tmp_path: Path, location: str) -> None:
    stream = tmp_path / "s.jsonl"
    write_stream(stream, [f"w-{i}" for i in range(20)], seed=3)
    holder = open_store(location)
    try:
        with holder.write():
            process = subprocess.Popen(
                ingest_command(stream, location),
                env=environment(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            said = first_line_with(process, "waiting for another", within=120)
            assert said is not None, "the waiting ingest never said so"
            assert process.poll() is None  # it waits while the store is held
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    finally:
        holder.close()
    assert check_whole(location) == (20, 20)


def test_kill_minus_nine_mid_ingest_then_resume_finishes_without_duplicates(
    tmp_path: Path, location: str
) -> None:
    total = 1000  # a few batches past the first: the kill lands mid-ingest (entities make each slow)
    stream = tmp_path / "stream.jsonl"
    write_stream(stream, [f"n{i}" for i in range(total)], seed=7)
    command = ingest_command(stream, location)
    process = subprocess.Popen(
        command, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and stored_articles(location) == 0:
            time.sleep(0.05)
        assert process.poll() is None, "ingest finished before it could be killed: make the input larger"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    articles, sources = check_whole(location)  # whole batches only
    assert 0 < articles < total and sources == articles

    resumed = subprocess.run(command, env=environment(), capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert check_whole(location) == (total, total)
    store = open_store(location)
    try:
        statuses = [run.status.value for run in store.runs.list()]
    finally:
        store.close()
    assert statuses == ["interrupted", "ok"]  # the resumed run saw the killed one's process was gone


def stored_articles(url: str) -> int:
    """Articles stored so far by an ingest that may still be creating the store."""
    try:
        store = open_store(url)
    except Exception:
        return 0
    try:
        return store.articles.count()
    except Exception:
        return 0
    finally:
        store.close()
