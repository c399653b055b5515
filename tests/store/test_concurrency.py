"""Threads and processes sharing one store, on every backend.

Waits are observed, never timed: a process says ``waiting`` from its ``on_wait`` callback, and the
tests decide when a holder goes on by writing to its stdin.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from storyline.store import Store, open_store
from storyline.store.database import ThreadConnections
from storyline.store.records import RunStatus
from storyline.store.store import COMPONENTS
from tests.store.helpers import NOW, add_articles, make_article

REPO = Path(__file__).resolve().parents[2]


class Worker:
    """``tests/store/worker.py`` in a process of its own."""

    def __init__(self, tmp_path: Path, location: str, mode: str, name: str, *options: str) -> None:
        self.stderr = (tmp_path / f"{name}.stderr").open("w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.store.worker", location, mode, name, *options],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
        )
        self.said: list[str] = []

    def expect(self, word: str) -> None:
        """Read what the worker says until it says ``word``."""
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            if not line:
                self.finish(check=False)
                raise AssertionError(f"worker ended before saying {word!r}: {self.said}\n{self.errors()}")
            self.said.append(line.strip())
            if line.strip() == word:
                return

    def go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def finish(self, check: bool = True) -> list[str]:
        """Wait for the worker to end; everything it said."""
        out, _ = self.process.communicate()
        self.said.extend(out.split())
        if check:
            assert self.process.returncode == 0, self.errors()
        return self.said

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def errors(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:  # a failed test leaves none running
        if worker.process.poll() is None:
            worker.kill()
        worker.stderr.close()


def test_reads_in_other_threads_go_on_while_a_thread_writes(store: Store) -> None:
    add_articles(store, 1)
    inside, release = threading.Event(), threading.Event()
    seen_by_writer: list[int] = []

    def write() -> None:
        with store.write():
            store.articles.insert(make_article("Written, not yet committed."), NOW)
            seen_by_writer.append(store.articles.count())  # its own uncommitted write
            inside.set()
            release.wait()

    writer = threading.Thread(target=write)
    writer.start()
    inside.wait()
    seen_by_reader: list[int] = []
    reader = threading.Thread(target=lambda: seen_by_reader.append(store.articles.count()))
    reader.start()
    reader.join()
    seen_here = store.articles.count()
    release.set()
    writer.join()
    assert seen_by_writer == [2]
    assert seen_by_reader == [1] and seen_here == 1  # the last committed state, without blocking
    assert store.articles.count() == 2


def test_threads_of_one_process_take_turns_to_write(store: Store) -> None:
    order: list[str] = []
    inside, release = threading.Event(), threading.Event()

    def write(name: str, hold: bool) -> None:
        with store.write():
            order.append(f"{name} in")
            if hold:
                inside.set()
                release.wait()
            store.runs.start([name], NOW)
            order.append(f"{name} out")

    first = threading.Thread(target=write, args=("first", True))
    first.start()
    inside.wait()
    second = threading.Thread(target=write, args=("second", False))
    second.start()
    release.set()
    first.join()
    second.join()
    assert order == ["first in", "first out", "second in", "second out"]
    assert [run.arguments for run in store.runs.list()] == [("first",), ("second",)]


def test_a_snapshot_sees_one_committed_state(store: Store) -> None:
    add_articles(store, 1)
    first_read, committed = threading.Event(), threading.Event()
    counts: list[int] = []

    def read() -> None:
        with store.snapshot():
            counts.append(store.articles.count())
            first_read.set()
            committed.wait()
            counts.append(store.articles.count())
            counts.append(len(store.articles.summaries()))
        counts.append(store.articles.count())

    reader = threading.Thread(target=read)
    reader.start()
    first_read.wait()
    with store.write():
        store.articles.insert(make_article("Committed meanwhile."), NOW)
    committed.set()
    reader.join()
    assert counts == [1, 1, 1, 2]


def test_two_processes_writing_at_once_store_every_row_once(
    location: str, tmp_path: Path, workers: list[Worker]
) -> None:
    holder = Worker(tmp_path, location, "batches", "A", "--hold")
    workers.append(holder)
    holder.expect("holding")
    waiter = Worker(tmp_path, location, "batches", "B")
    workers.append(waiter)
    waiter.expect("waiting")  # it found the writer lock held and said so before waiting
    holder.go()
    assert holder.finish()[-1] == "done"
    assert waiter.finish()[-1] == "done"
    with open_store(location) as store:
        expected = {f"{name}-{batch}-{i}" for name in "AB" for batch in range(3) for i in range(20)}
        assert store.articles.count() == len(expected)
        assert {s.external_id for s in store.articles.summaries()} == expected
        assert store.articles.stored_sources([(None, e, "0" * 64) for e in expected]) == {
            (None, e, "0" * 64) for e in expected
        }
        assert [run.status for run in store.runs.list()] == [RunStatus.OK, RunStatus.OK]


def test_kill_9_inside_a_write_leaves_the_last_commit_and_the_next_writer_proceeds(
    location: str, tmp_path: Path, workers: list[Worker]
) -> None:
    victim = Worker(tmp_path, location, "die", "K", "--size", "5")
    workers.append(victim)
    victim.expect("inside")
    victim.kill()
    with open_store(location) as store:
        assert sorted(s.external_id for s in store.articles.summaries()) == [f"K-0-{i}" for i in range(5)]
        with store.write():
            next_run = store.runs.start(["next"], NOW)
            store.articles.insert(make_article("After the crash."), NOW)
        assert store.articles.count() == 6
        killed, _ = store.runs.list()
        assert killed.status == RunStatus.INTERRUPTED  # its process is gone
        assert [r.id for r in store.runs.running()] == [next_run]


def test_a_run_whose_process_is_gone_is_marked_interrupted_by_the_next(
    store: Store, location: str, tmp_path: Path, workers: list[Worker]
) -> None:
    for name, options in (("dead", ()), ("elsewhere", ("--host", "another-host"))):
        worker = Worker(tmp_path, location, "run", name, *options)
        workers.append(worker)
        worker.finish()
    live = store.runs.start(["live"], NOW)
    store.runs.start(["next"], NOW)
    status = {run.arguments[-1]: run.status for run in store.runs.list()}
    assert status["dead"] == RunStatus.INTERRUPTED
    assert status["elsewhere"] == RunStatus.RUNNING  # another machine's process can't be checked
    assert status["live"] == RunStatus.RUNNING  # this test's own process
    assert {run.arguments[-1] for run in store.runs.running(excluding=live)} == {"elsewhere", "next"}


def test_concurrent_first_opens_create_the_store_once(
    empty_location: str, tmp_path: Path, workers: list[Worker]
) -> None:
    openers = [Worker(tmp_path, empty_location, "open", f"opener{n}") for n in range(3)]
    workers.extend(openers)
    for opener in openers:
        opener.expect("ready")
    for opener in openers:
        opener.go()
    for opener in openers:
        assert "opened" in opener.finish()
    with open_store(empty_location) as store:
        assert sorted(run.arguments[-1] for run in store.runs.list()) == ["opener0", "opener1", "opener2"]
        assert store.schema_versions() == {c.name: c.migrations[-1].version for c in COMPONENTS}


def test_a_connection_of_an_ended_thread_is_closed_when_the_next_is_made() -> None:
    made: list[int] = []
    closed: list[int] = []

    def make() -> int:
        made.append(len(made))
        return made[-1]

    connections = ThreadConnections(make, closed.append)
    for _ in range(3):
        thread = threading.Thread(target=connections.get)
        thread.start()
        thread.join()
    assert made == [0, 1, 2] and closed == [0, 1]
    assert connections.get() == 3 and connections.get() == 3  # one per thread, made once
    assert closed == [0, 1, 2]
    connections.close_all()
    assert closed == [0, 1, 2, 3]
    with pytest.raises(RuntimeError, match="closed"):
        connections.get()
