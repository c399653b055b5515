"""The command as a real process, where only one shows the behaviour: a store in a read-only folder
(file permissions as an ordinary user meets them), an export to a full disk, Ctrl-C mid-ingest, a
progress bar on a terminal, and a model library's loading bar kept out of a log."""

from __future__ import annotations

import json
import os
import pty
import random
import re
import signal
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pytest

from storyline.store import open_store
from storyline.stories.embeddings import HashingEmbedder
from storyline.tracker import EMBEDDER_VARIABLE, Tracker

from .support.corpus import invented_text
from .support.processes import as_ordinary_user, environment, first_line_with, storyline_command

FULL_DISK = Path("/dev/full")


def run(
    *args: str, stdout: IO[str] | int = subprocess.PIPE, preexec_fn: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        storyline_command(*args),
        env=environment(),
        stdout=stdout,
        stderr=subprocess.PIPE,
        preexec_fn=preexec_fn,
        text=True,
        timeout=300,
    )


def invented_records(count: int, seed: int = 5) -> list[dict[str, str]]:
    rng = random.Random(seed)
    return [{"id": f"r{i}", "title": f"Report {i}", "text": invented_text(rng)} for i in range(count)]


def write_records(path: Path, count: int) -> None:
    path.write_text("".join(json.dumps(record) + "\n" for record in invented_records(count)))


def store_records(location: str | Path, count: int) -> None:
    """A store holding ``count`` articles, made in this process (a subprocess costs seconds)."""
    with Tracker(location, embedder=HashingEmbedder()) as tracker:
        assert not tracker.add(invented_records(count)).rejections


@pytest.fixture
def read_only_store(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """An SQLite store with two articles in a folder this test's processes may read, not write;
    ``held`` (indirect parameter) keeps a writer connection open, so the -wal and -shm files are
    there, holding the last commit."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    path = folder / "store.db"
    store_records(path, 2)
    writer = open_store(path) if request.param == "held" else None
    if writer is not None:
        with writer.write():
            writer.runs.start(["held open by a writer"], datetime.now(UTC))
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    try:
        probe = subprocess.run(
            [sys.executable, "-c", f"open({str(folder / 'probe')!r}, 'w')"],
            preexec_fn=as_ordinary_user,
            capture_output=True,
        )
        if probe.returncode == 0:
            pytest.skip("this user writes into a read-only folder anyway (capabilities kept)")
        yield path
    finally:
        folder.chmod(0o755)
        if writer is not None:
            writer.close()


@pytest.mark.parametrize("read_only_store", ["closed", "held"], indirect=True)
def test_a_store_in_a_read_only_folder_is_read_and_an_ingest_into_it_is_one_clear_line(
    read_only_store: Path, tmp_path: Path
) -> None:
    before = sorted(p.name for p in read_only_store.parent.iterdir())
    listed = run("articles", "--db", str(read_only_store), preexec_fn=as_ordinary_user)
    assert listed.returncode == 0, listed.stderr
    assert "2 of 2" in listed.stdout
    runs = run("runs", "--db", str(read_only_store), preexec_fn=as_ordinary_user)
    assert runs.returncode == 0, runs.stderr
    held = (read_only_store.parent / "store.db-wal").exists()
    assert ("held open by a writer" in runs.stdout) == held  # a commit still in the WAL is read
    more = tmp_path / "more.jsonl"
    write_records(more, 3)
    ingested = run("ingest", str(more), "--db", str(read_only_store), preexec_fn=as_ordinary_user)
    assert ingested.returncode == 1
    assert ingested.stderr.strip().splitlines()[-1].startswith("error: the store at")
    assert "read-only" in ingested.stderr and "Traceback" not in ingested.stderr
    assert sorted(p.name for p in read_only_store.parent.iterdir()) == before


def test_an_ingest_that_would_create_a_store_in_a_read_only_folder_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o555)
    source = tmp_path / "one.jsonl"
    write_records(source, 1)
    try:
        result = run("ingest", str(source), "--db", str(folder / "new.db"), preexec_fn=as_ordinary_user)
        if result.returncode == 0:
            pytest.skip("this user writes into a read-only folder anyway (capabilities kept)")
        assert result.returncode == 1 and "its folder is not writable" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        folder.chmod(0o755)


@pytest.mark.skipif(not FULL_DISK.exists(), reason="no /dev/full on this system")
def test_an_export_to_a_full_disk_is_one_clear_line(location: str, tmp_path: Path) -> None:
    store_records(location, 20)
    for fmt in ("jsonl", "csv"):
        with FULL_DISK.open("w") as full:
            result = run("export", "--format", fmt, "--db", location, stdout=full)
        assert result.returncode == 1
        assert result.stderr.strip() == "error: cannot write the export: No space left on device"


@pytest.mark.slow  # an ingest of many batches, twice
def test_ctrl_c_mid_ingest_says_what_was_kept_and_a_rerun_resumes(location: str, tmp_path: Path) -> None:
    source = tmp_path / "stream.jsonl"
    write_records(source, 1200)
    command = ("ingest", str(source), "--db", location, "--batch-size", "50")
    process = subprocess.Popen(
        storyline_command(*command),
        env=environment(),
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    # Without a terminal, progress is a line after the first batch: the run is under way.
    assert first_line_with(process, "ingest: 50 of 1,200 inputs", within=120) is not None
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    (stopped,) = [line for line in err.splitlines() if line.startswith("stopped:")]
    said = re.match(r"stopped: ingest run 1 had read ([\d,]+) inputs in whole batches", stopped)
    assert said is not None and "run the same command to resume" in stopped, stopped
    kept = int(said.group(1).replace(",", ""))
    assert 0 < kept < 1200 and kept % 50 == 0
    with open_store(location) as store:
        (run_row,) = store.runs.list()
        assert run_row.status.value == "interrupted" and run_row.counts.read == kept
    resumed = run(*command)
    assert resumed.returncode == 0, resumed.stderr
    already = next(line for line in resumed.stdout.splitlines() if "already stored" in line)
    assert str(kept) in already


def test_on_a_terminal_ingest_shows_a_bar_with_its_total_and_the_time_left(
    location: str, tmp_path: Path
) -> None:
    source = tmp_path / "some.jsonl"
    write_records(source, 40)
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            storyline_command("ingest", str(source), "--db", location, "--batch-size", "10"),
            env=environment(),
            stdout=subprocess.DEVNULL,
            stderr=terminal,
        )
        os.close(terminal)
        shown = _read_all(controller)
        assert process.wait(timeout=300) == 0
    finally:
        os.close(controller)
    bar = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)  # the terminal's own codes, from rich
    assert "40/40 inputs" in bar and "elapsed about" in bar and " left" in bar
    assert "ingest: " not in bar  # no plain progress line on a terminal


def _read_all(descriptor: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:  # the terminal's other end closed: the process is done writing
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
def test_the_models_loading_bar_stays_out_of_a_log(tmp_path: Path) -> None:
    source = tmp_path / "one.jsonl"
    write_records(source, 2)
    env = {key: value for key, value in environment().items() if key != EMBEDDER_VARIABLE}
    result = subprocess.run(
        storyline_command("ingest", str(source), "--db", str(tmp_path / "store.db")),
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    assert "Loading weights" not in result.stderr and "\r" not in result.stderr
