"""What the command line writes, made safe to show: every table, line and export goes through here.

Input text is untrusted: a title holding ``ESC[2J`` must not clear the reader's screen, a carriage
return must not overwrite the line it sits on, and a file name with an undecodable byte (a lone
surrogate in Python) must not end a listing in a ``UnicodeEncodeError``. One rule, on every output:

- **Unprintable characters** are C0 controls except tab and newline (carriage return included),
  DEL, C1 controls (U+0080–U+009F: some terminals obey U+009B as ``ESC[``) and lone surrogates.
- **Terminal** (tables, titles, lines, stderr): each is shown as its escape, ``\\x1b``, ``\\x00``,
  ``\\x9b``, ``\\udcff``, so the reader sees that it is there and which it is, and the terminal
  never acts on it (``SafeConsole``).
- **JSONL**: ``json.dumps`` escapes C0 controls itself (``\\u001b``); DEL, C1 controls and lone
  surrogates are escaped the same JSON way (``\\u009b``), so a line holds no unprintable character
  and still parses back to exactly what the store holds (``json_text``).
- **CSV** has no escapes of its own: a text cell follows the terminal rule, and a cell holding a
  list or an object holds its JSON text as above.

The store keeps text as it was written; only what is printed is neutralised.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.text import Text

_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# What json.dumps(ensure_ascii=False) leaves unescaped of the above.
_UNESCAPED_BY_JSON = re.compile(r"[\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with each unprintable character shown as its escape (``\\x1b``, ``\\udcff``)."""
    # str.isprintable runs in C and holds for nearly every text: only the others are scanned (an
    # export spends a third of the time on a 5 KB article that a scan costs).
    return text if text.isprintable() else _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def json_text(value: Any) -> str:
    """``value`` as one line of JSON holding no unprintable character."""
    text = json.dumps(value, ensure_ascii=False)
    if text.isprintable():  # as in printable(): the scan only where it can find something
        return text
    return _UNESCAPED_BY_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


class SafeConsole(Console):
    """A rich console that shows every string it renders (a line, a cell, a title) by the rule
    above. Emoji codes stay text: ``:fire:`` in a headline is what the outlet wrote."""

    def __init__(self, *, stderr: bool = False) -> None:
        super().__init__(stderr=stderr, emoji=False)

    def render_str(self, text: str, **options: Any) -> Text:
        # Escaping before the markup is parsed is safe: an escape holds no '[' and its backslash
        # is followed by 'x' or 'u', so it can neither open a tag nor escape one.
        return super().render_str(printable(text), **options)


def write_jsonl(records: Iterable[Mapping[str, Any]], stream: TextIO) -> None:
    for record in records:
        stream.write(json_text(record) + "\n")


# A cell that starts with one of these is a formula to a spreadsheet: '=HYPERLINK(...)' in a
# scraped title would run when an editor opens the export.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_csv(records: Iterable[Mapping[str, Any]], fields: Sequence[str], stream: TextIO) -> None:
    """Records as CSV for a spreadsheet: lists and mappings as JSON, control characters as escapes,
    and a text cell that a spreadsheet would read as a formula behind a leading apostrophe (the
    OWASP advice; JSONL exports give every text back exactly)."""
    writer = csv.DictWriter(stream, fieldnames=list(fields))
    writer.writeheader()
    writer.writerows({name: _csv_cell(value) for name, value in record.items()} for record in records)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json_text(value)
    if isinstance(value, str):
        text = printable(value)
        return "'" + text if text.startswith(_FORMULA_STARTS) else text
    return value
