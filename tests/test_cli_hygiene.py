"""Output safety and command-line hygiene, through the command in-process on both backends: control
characters from the input never reach the terminal or a CSV raw, NUL in input is refused when read,
a read command never creates a store, exit codes, help, progress and the export's fields."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from storyline import __version__
from storyline.store import DB_VARIABLE, StoreNotFound, open_database
from storyline.tracker import Tracker

from .support.cli import storyline

pytestmark = pytest.mark.usefixtures("cli_environment")

# What must never be printed raw: C0 controls but tab and newline, DEL, C1 controls.
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CLEAR_SCREEN = "\x1b[2J"
HOSTILE = {
    "id": f"{CLEAR_SCREEN}wire-1",
    "title": f"{CLEAR_SCREEN}Harbour bridge reopens\x9b31m after repairs\rFAKE",
    "outlet": "\x1b[31mHarbor Wire",
    "author": "Dana Reyes\x1b]0;owned\x07",
    "text": "The harbour bridge reopened\x07 on Friday after repairs that took a month.\x1b[0m",
    "desk": "metro\x1b[5m",
}


def ingest_records(location: str, *records: Mapping[str, object]) -> None:
    lines = "".join(json.dumps(record) + "\n" for record in records)
    result = storyline("ingest", "-", "--db", location, stdin=lines)
    assert result.exit_code == 0, result.output


def test_control_characters_from_input_are_shown_as_escapes_in_every_table_and_line(location: str) -> None:
    ingest_records(location, HOSTILE)
    for command in (
        ["articles"],
        ["article", HOSTILE["id"]],
        ["article", "--id", "1"],
        ["stories"],
        ["story", "1"],
        ["runs"],
    ):
        result = storyline(*command, "--db", location)
        assert result.exit_code == 0, result.output
        assert not UNPRINTABLE.search(result.output), (command, result.output)
    shown = storyline("article", "--id", "1", "--db", location).stdout
    assert "\\x1b[2JHarbour bridge reopens\\x9b31m after repairs\\x0dFAKE" in shown
    assert "\\x1b[31mHarbor Wire" in shown
    assert "reopened\\x07 on Friday" in shown


def test_the_store_keeps_the_text_as_written_and_jsonl_gives_it_back_exactly(location: str) -> None:
    ingest_records(location, HOSTILE)
    exported = storyline("export", "--db", location).stdout
    assert not UNPRINTABLE.search(exported)  # JSON escapes them: \u001b, \u009b
    (record,) = [json.loads(line) for line in exported.splitlines()]
    assert (record["external_id"], record["title"], record["outlet"], record["author"]) == (
        HOSTILE["id"],
        HOSTILE["title"],
        HOSTILE["outlet"],
        HOSTILE["author"],
    )
    assert record["extra"] == {"desk": HOSTILE["desk"]}


def test_csv_cells_show_control_characters_as_escapes(location: str) -> None:
    ingest_records(location, HOSTILE)
    exported = storyline("export", "--format", "csv", "--db", location).stdout
    assert not UNPRINTABLE.search(exported.replace("\r\n", "\n"))  # CSV's own line ends stay
    (row,) = csv.DictReader(io.StringIO(exported))
    assert row["external_id"] == "\\x1b[2Jwire-1"
    assert row["title"] == "\\x1b[2JHarbour bridge reopens\\x9b31m after repairs\\x0dFAKE"
    assert row["outlet"] == "\\x1b[31mHarbor Wire"
    assert json.loads(row["extra"]) == {"desk": HOSTILE["desk"]}  # JSON cells parse back exactly


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_kept_as_text(location: str) -> None:
    ingest_records(
        location,
        {"id": "=cmd|' /C calc'!A0", "title": '=HYPERLINK("http://evil.example","click")',
         "outlet": "@Harbour Wire", "text": "-40 degrees at the harbour this morning, the wire said."},
    )  # fmt: skip
    (row,) = csv.DictReader(io.StringIO(storyline("export", "--format", "csv", "--db", location).stdout))
    assert row["external_id"] == "'=cmd|' /C calc'!A0"
    assert row["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["outlet"] == "'@Harbour Wire"
    (record,) = [json.loads(line) for line in storyline("export", "--db", location).stdout.splitlines()]
    assert record["title"] == '=HYPERLINK("http://evil.example","click")'  # JSONL: exactly as written


def test_a_rejection_naming_a_hostile_file_is_printed_safely(location: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"{CLEAR_SCREEN}notes.txt").write_text("   \n")  # blank: rejected, by its name
    (folder / "good.txt").write_text("The council approved the new library budget on Tuesday evening.")
    result = storyline("ingest", str(folder), "--db", location)
    assert result.exit_code == 3
    assert "\\x1b[2Jnotes.txt" in result.stderr and not UNPRINTABLE.search(result.output)
    runs = storyline("runs", "--db", location)
    assert not UNPRINTABLE.search(runs.output)


def test_an_input_holding_nul_is_refused_when_read_naming_the_field(location: str) -> None:
    good = {"id": "good", "text": "The council approved the new library budget on Tuesday evening."}
    records = [
        good,
        {"id": "in-text", "text": "The mayor opened\x00 the bridge."},
        {"id": "in-title", "title": "Bridge\x00", "text": "The mayor opened the bridge."},
        {"id": "in-id\x00", "text": "The mayor opened the bridge."},
        {"id": "nested", "text": "The mayor opened the bridge.", "tags": [{"name": "x\x00"}]},
    ]
    stdin = "".join(json.dumps(record) + "\n" for record in records)
    result = storyline("ingest", "-", "--db", location, stdin=stdin)
    assert result.exit_code == 3
    for line, field in ((2, "text"), (3, "title"), (4, "id"), (5, "tags")):
        assert f"-:{line}: field '{field}' holds a NUL character" in result.stderr
    exported = [json.loads(line) for line in storyline("export", "--db", location).stdout.splitlines()]
    assert [record["external_id"] for record in exported] == ["good"]


def test_a_nul_past_the_start_of_a_text_file_is_refused(location: str, tmp_path: Path) -> None:
    # Past the head the reader sniffs (a NUL there makes it binary), in UTF-8 marked by a BOM.
    page = tmp_path / "late-nul.txt"
    page.write_text("The council approved the budget. " * 200 + "\x00 and more.", encoding="utf-8-sig")
    result = storyline("ingest", str(page), "--db", location)
    assert result.exit_code == 4
    assert "field 'text' holds a NUL character" in result.stderr
    # Without the byte-order mark too: one NUL does not make UTF-8 text UTF-16.
    page.write_text("The council approved the budget. " * 200 + "\x00 and more.", encoding="utf-8")
    result = storyline("ingest", str(page), "--db", location)
    assert result.exit_code == 4
    assert "field 'text' holds a NUL character" in result.stderr


def test_a_store_failing_mid_ingest_is_one_line_and_no_traceback(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    # A failure of the write itself, not of one article (which would be that article's rejection).
    monkeypatch.setattr("storyline.duplicates.DuplicateStage.commit", full_disk)
    stdin = json.dumps({"id": "r1", "text": "The river burst its banks after three days of rain."}) + "\n"
    result = storyline("ingest", "-", "--db", location, stdin=stdin)
    assert result.exit_code == 1
    assert "ingest stopped: OSError: [Errno 28] No space left on device" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "command",
    [["articles"], ["article", "wire-1"], ["stories"], ["story", "1"], ["export"], ["runs"]],
    ids=lambda command: command[0],
)
def test_a_read_command_on_a_missing_store_refuses_and_creates_nothing(
    empty_location: str, command: list[str]
) -> None:
    result = storyline(*command, "--db", empty_location)
    assert result.exit_code == 1
    assert "no store at" in result.stderr and "ingest into it first" in result.stderr
    assert result.stdout == ""
    try:
        db = open_database(empty_location, create=False)
    except StoreNotFound:
        return  # SQLite: still no file
    try:
        assert db.tables() == set()  # PostgreSQL: still no table
    finally:
        db.close()


def test_without_db_the_store_is_looked_for_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(DB_VARIABLE, raising=False)
    missing = storyline("articles")
    assert missing.exit_code == 1
    assert "looked for ./storyline.db, ./demo.db" in missing.stderr and "no store at" in missing.stderr
    assert list(tmp_path.iterdir()) == []
    ingest_records("demo.db", {"id": "d1", "text": "Flood waters receded in the valley on Sunday."})
    found = storyline("articles")
    assert found.exit_code == 0 and "d1" in found.stdout
    assert "store: ./demo.db" in found.stderr


def test_the_store_named_by_the_environment_is_used_without_a_note(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_records(location, {"id": "e1", "text": "Flood waters receded in the valley on Sunday."})
    monkeypatch.setenv(DB_VARIABLE, location)
    result = storyline("articles")
    assert result.exit_code == 0 and "e1" in result.stdout
    assert "store:" not in result.stderr


def test_exit_codes_tell_all_handled_partial_and_nothing_ingested(location: str, tmp_path: Path) -> None:
    good = json.dumps({"id": "g", "text": "The ferry service resumed on Monday morning."}) + "\n"
    assert storyline("ingest", "-", "--db", location, stdin=good).exit_code == 0
    assert storyline("ingest", "-", "--db", location, stdin=good).exit_code == 0  # already stored
    partial = storyline("ingest", "-", "--db", location, stdin=good.replace('"g"', '"h"') + "{broken\n")
    assert partial.exit_code == 3
    rejected = storyline("ingest", "-", "--db", location, stdin="{broken\n[1]\n")
    assert rejected.exit_code == 4 and "every input was rejected" in rejected.stderr
    (tmp_path / "empty").mkdir()
    nothing = storyline("ingest", str(tmp_path / "empty"), "--db", location)
    assert nothing.exit_code == 4 and "no input was found" in nothing.stderr


def test_without_a_terminal_progress_is_a_plain_line_with_the_total(location: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("The ferry service resumed on Monday morning after the storm.")
    (folder / "b.jsonl").write_text(
        json.dumps({"id": "b1", "text": "Schools reopened on Tuesday across the district."})
        + "\n\n"
        + json.dumps({"id": "b2", "text": "The dam's spillway was opened on Wednesday night."})
        + "\n"
    )
    result = storyline("ingest", str(folder), "--db", location)
    assert result.exit_code == 0, result.output
    assert "ingest: 3 of 3 inputs (100%)" in result.stderr
    assert "\r" not in result.stderr  # no bar redrawn in place


def test_help_reads_cleanly_and_h_is_help() -> None:
    for command in ([], ["ingest"], ["articles"], ["article"], ["stories"], ["story"], ["export"], ["runs"]):
        short, long = storyline(*command, "-h"), storyline(*command, "--help")
        assert short.exit_code == 0 and short.stdout == long.stdout
        assert "Usage" in short.stdout
        assert not re.search(r"<[a-z\[\]| ]+>|\b(TEXT|INTEGER|BOOLEAN)\b", short.stdout), short.stdout
    assert "--db" in storyline("export", "-h").stdout and "LOCATION" in storyline("export", "-h").stdout
    assert "Exit codes" in storyline("-h").stdout
    version = storyline("--version")
    assert version.exit_code == 0 and version.stdout.strip() == f"storyline {__version__}"
    bare = storyline()
    assert bare.exit_code == 2 and "Usage" in bare.output


def test_the_export_carries_every_field_of_the_record(location: str) -> None:
    ingest_records(
        location,
        {
            "id": "full",
            "title": "Dam spillway opened",
            "text": "Engineers opened the dam's spillway on Wednesday night as the river rose.",
            "outlet": "Valley Courier",
            "url": "https://valleycourier.example/dam",
            "author": ["Ana Ruiz", "Tom Hale"],
            "language": "en",
            "published": "2999-01-01T00:00:00Z",  # in the future: dropped with a warning
            "section": "Environment",
            "tags": ["dam", "flood"],
        },
    )
    (record,) = [json.loads(line) for line in storyline("export", "--db", location).stdout.splitlines()]
    assert record["author"] == "Ana Ruiz, Tom Hale" and record["language"] == "en"
    assert record["url"] == "https://valleycourier.example/dam" and record["outlet"] == "Valley Courier"
    assert record["extra"] == {"section": "Environment", "tags": ["dam", "flood"]}
    assert record["published"] is None and any("future" in w for w in record["warnings"])
    assert record["sources"] == ["full"]
    (row,) = csv.DictReader(io.StringIO(storyline("export", "--format", "csv", "--db", location).stdout))
    assert set(row) == set(record)
    assert json.loads(row["extra"]) == record["extra"] and json.loads(row["warnings"]) == record["warnings"]
    assert row["author"] == "Ana Ruiz, Tom Hale"


def test_inputs_are_counted_where_that_is_cheap_for_the_progress_total(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.html").write_text("<html><body><p>One page.</p></body></html>")
    (folder / "sub" / "b.md").write_text("One note.")
    (folder / ".hidden.txt").write_text("Skipped, as the reader skips it.")
    (folder / "c.jsonl").write_text('{"id": 1}\n\n{"id": 2}\n   \n{"id": 3}')
    assert Tracker.count_inputs([folder]) == 5
    assert Tracker.count_inputs([folder, tmp_path / "missing.txt"]) == 6  # rejected: one input
    (folder / "feed.xml").write_text("<rss></rss>")
    assert Tracker.count_inputs([folder]) is None  # a feed holds an unknown number of entries
    assert Tracker.count_inputs(["-"]) is None


def test_progress_without_a_known_total_counts_what_was_read(location: str) -> None:
    stdin = json.dumps({"id": "s1", "text": "The harbour reopened to ships on Thursday."}) + "\n"
    result = storyline("ingest", "-", "--db", location, stdin=stdin)
    assert result.exit_code == 0 and "ingest: 1 inputs, " in result.stderr
