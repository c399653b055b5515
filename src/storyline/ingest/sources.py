"""Sources → documents: read files, folders, stdin, feeds, JSON(L) and WARC into ``Document`` records.

This is the only stage that touches raw bytes. It decides what an input is, decodes it to text and
records where every record came from, so later stages never guess about encodings or formats.
Inputs are untrusted and often messy, so nothing here raises for a bad file or record: each problem
becomes exactly one ``Rejection`` and the batch goes on. Large inputs are streamed (JSONL, WARC) or
refused before they are read (single documents), so memory stays bounded whatever we are fed.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import partial
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, BinaryIO

import feedparser
from charset_normalizer import from_bytes
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from storyline.models import ContentKind, Document, Origin, Rejection, Supplied

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_FEED_BYTES",
    "MAX_JSON_BYTES",
    "MAX_LINE_BYTES",
    "document_from_record",
    "iter_documents",
]

MiB = 1024 * 1024
# One article never needs more than this; anything bigger is a dump or a mistake, not a report.
MAX_DOCUMENT_BYTES = 20 * MiB
# JSON files and feeds are parsed whole (neither parser streams), so they get a ceiling of their own.
MAX_JSON_BYTES = 50 * MiB
MAX_FEED_BYTES = 50 * MiB
# A JSONL line is one record; a longer one is refused alone while the rest of the file streams on.
MAX_LINE_BYTES = 10 * MiB
# Enough of the start of an input to recognise every format we read.
SNIFF_BYTES = 4096

STDIN_LOCATOR = "-"
STDIN_ID = "stdin"
BLANK_REASON = "input holds only whitespace"

Item = Document | Rejection


class _Format(Enum):
    HTML = "html"
    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"
    FEED = "feed"
    WARC = "warc"


# Longest suffix first, so ``.warc.gz`` is matched before anything shorter could be.
_EXTENSIONS: dict[str, _Format] = {
    ".warc.gz": _Format.WARC,
    ".warc": _Format.WARC,
    ".html": _Format.HTML,
    ".htm": _Format.HTML,
    ".txt": _Format.TEXT,
    ".md": _Format.TEXT,
    ".jsonl": _Format.JSONL,
    ".json": _Format.JSON,
    ".xml": _Format.FEED,
    ".rss": _Format.FEED,
    ".atom": _Format.FEED,
}

# Only for a readable reason: any of these is refused as binary whatever its name says.
_MAGIC: dict[bytes, str] = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip data that is not a WARC",
}
_GZIP_MAGIC = b"\x1f\x8b"

# UTF-32 LE starts with the UTF-16 LE mark, so it has to be tried first.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Browsers (WHATWG) read pages labelled latin-1 or ascii as windows-1252; so do the pages' authors.
_LEGACY_LABELS = {"iso8859-1": "cp1252", "ascii": "cp1252"}
# On a short line every single-byte code page looks equally plausible to the detector; among near
# ties we take windows-1252, the usual encoding of legacy Western news text.
_PREFERRED_LEGACY = "cp1252"
_DETECTION_TIE = 0.05

# XML declaration, processing instructions, comments and non-HTML doctypes come before the root tag.
_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?!\s+html)[^>]*>)*", re.S | re.I)
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.I)
_HTML_ROOT = re.compile(rb"<(?:!DOCTYPE\s+html|html)\b", re.I)
_META_CHARSET = re.compile(r"<meta[^>]*?charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Uncompressed WARC records are followed by a CRLF CRLF that warcio leaves out of a record's length.
_WARC_RECORD_TRAILER = 4
# Fields of a JSON record that become Document/Supplied values; everything else goes to ``extra``.
_META_FIELDS = ("title", "url", "published", "language", "author")


def iter_documents(paths: Sequence[str], stdin: BinaryIO | None = None) -> Iterator[Item]:
    """Yield a ``Document`` per readable record and a ``Rejection`` per problem, lazily and in order.

    ``paths`` may name files, folders (read recursively in sorted order, hidden entries skipped) and
    ``-`` for ``stdin``. The format comes from the extension, with the content's own signature taking
    precedence when it is unmistakable (a feed saved as ``.html``, a WARC without a suffix), so what
    users name their files does not decide what gets read. The order of the output follows the
    input, which keeps downstream story assignment deterministic.
    """
    for path in paths:
        if path == STDIN_LOCATOR:
            if stdin is None:
                yield Rejection(STDIN_LOCATOR, "'-' was given but there is no stdin to read")
            else:
                yield from _read_stream(
                    stdin, locator=STDIN_LOCATOR, external_id=STDIN_ID, name="", size=None
                )
        elif os.path.isdir(path):
            yield from _read_folder(path)
        else:
            yield from _read_path(path, external_id=os.path.basename(path))


# --- where inputs come from -------------------------------------------------------------------


def _read_folder(root: str, relative: str = "") -> Iterator[Item]:
    """Read a folder depth-first in name order; external ids are posix paths relative to ``root``.

    Symlinked folders are not followed: they can loop, and following them would make the same
    article appear under two ids.
    """
    folder = os.path.join(root, relative)
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        yield Rejection(folder, f"cannot list folder: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = f"{relative}/{entry.name}" if relative else entry.name
        if entry.is_dir(follow_symlinks=False):
            yield from _read_folder(root, child)
        elif entry.is_file():
            yield from _read_path(entry.path, external_id=child)
        else:
            yield Rejection(entry.path, "not a regular file (symlinked folders are not followed)")


def _read_path(path: str, external_id: str) -> Iterator[Item]:
    try:
        file = open(path, "rb")  # noqa: SIM115 - kept open while the generator streams from it
    except OSError as exc:
        yield Rejection(path, f"cannot open: {exc.strerror or exc}")
        return
    with file:
        status = os.fstat(file.fileno())
        # A pipe or device reports size 0; only a regular file's size is worth trusting.
        size = status.st_size if stat.S_ISREG(status.st_mode) else None
        yield from _read_stream(
            file, locator=path, external_id=external_id, name=os.path.basename(path), size=size
        )


@dataclass(frozen=True, slots=True)
class _Source:
    """One opened input, positioned at its first byte, as the format readers see it."""

    locator: str
    external_id: str
    size: int | None  # None when unknown (stdin): limits are then enforced while reading
    stream: BinaryIO


def _read_stream(
    stream: BinaryIO, *, locator: str, external_id: str, name: str, size: int | None
) -> Iterator[Item]:
    try:
        head = stream.read(SNIFF_BYTES)
        if not head.strip() and len(head) < SNIFF_BYTES:
            yield Rejection(locator, BLANK_REASON if head else "empty input")
            return
        chosen = _choose_format(name, head)
        if isinstance(chosen, str):
            yield Rejection(locator, chosen)
            return
        replayed = io.BufferedReader(_Replay(head, stream))
        yield from _READERS[chosen](_Source(locator, external_id, size, replayed))
    except OSError as exc:
        yield Rejection(locator, f"read failed: {exc.strerror or exc}")


class _Replay(io.RawIOBase):
    """Hands back the bytes already read for sniffing, then the rest of the stream.

    stdin cannot be rewound, and reading it whole would defeat streaming. ``tell`` counts the bytes
    handed out so far, which lets the WARC reader notice input left over after the last record.
    """

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest
        self._position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        target = memoryview(buffer).cast("B")
        if self._head:
            count = min(len(target), len(self._head))
            target[:count] = self._head[:count]
            self._head = self._head[count:]
        else:
            data = self._rest.read(len(target))
            count = len(data)
            target[:count] = data
        self._position += count
        return count

    def tell(self) -> int:
        return self._position


# --- recognising formats ------------------------------------------------------------------------


def _choose_format(name: str, head: bytes) -> _Format | str:
    """Pick the reader for an input, or return why it cannot be read.

    An unmistakable signature (WARC, feed root, HTML root) beats the extension; the extension beats
    a weak guess from the first character; an extensionless input that is text is read as text.
    """
    recognised = _recognise(head)
    if recognised is not None:
        return recognised
    binary = _binary_kind(head)
    if binary is not None:
        return f"binary file ({binary}), not text"
    by_name = next((fmt for suffix, fmt in _EXTENSIONS.items() if name.lower().endswith(suffix)), None)
    if by_name is not None:
        return by_name
    guessed = _guess(head)
    if guessed is not None:
        return guessed
    suffix = PurePosixPath(name).suffix
    if not suffix:
        return _Format.TEXT
    return f"unsupported file type {suffix!r} (expected one of {', '.join(_EXTENSIONS)})"


def _markup_start(head: bytes) -> bytes:
    """The head from its first element on, past any BOM, XML declaration, comments and doctype."""
    head = head.removeprefix(codecs.BOM_UTF8)
    prolog = _PROLOG.match(head)
    return head[prolog.end() if prolog else 0 :]


def _recognise(head: bytes) -> _Format | None:
    """Formats whose signature cannot be mistaken, whatever the file is called."""
    if head.startswith(b"WARC/") or (
        head.startswith(_GZIP_MAGIC) and _gunzip_start(head).startswith(b"WARC/")
    ):
        return _Format.WARC
    start = _markup_start(head)
    if _FEED_ROOT.match(start):
        return _Format.FEED
    if _HTML_ROOT.match(start):
        return _Format.HTML
    return None


def _gunzip_start(head: bytes) -> bytes:
    try:
        return zlib.decompressobj(wbits=zlib.MAX_WBITS | 16).decompress(head, 16)
    except zlib.error:
        return b""


def _binary_kind(head: bytes) -> str | None:
    kind = next((kind for magic, kind in _MAGIC.items() if head.startswith(magic)), None)
    if kind is not None:
        return kind
    # UTF-16/32 text is full of NULs; with a BOM it is text we can decode, not binary.
    if b"\x00" in head and not any(head.startswith(bom) for bom, codec in _BOMS if codec != "utf-8-sig"):
        return "contains NUL bytes"
    return None


def _guess(head: bytes) -> _Format | None:
    """Weak signatures, used only when the name says nothing (stdin, unknown extensions)."""
    start = head.removeprefix(codecs.BOM_UTF8).lstrip()
    if start.startswith(b"["):
        return _Format.JSON
    if start.startswith(b"{"):
        return _json_or_jsonl(start)
    if start.startswith(b"<"):
        return _Format.HTML
    return None


def _json_or_jsonl(start: bytes) -> _Format:
    """A first line that is JSON on its own means JSONL; one that is not means pretty-printed JSON.

    A first line longer than the head is read as JSONL: a single-line object means the same either
    way, and a pretty-printed document never starts with such a long line.
    """
    first, newline, _ = start.partition(b"\n")
    if not newline:
        return _Format.JSONL
    try:
        json.loads(first)
    except ValueError:
        return _Format.JSON
    return _Format.JSONL


# --- decoding -----------------------------------------------------------------------------------


def _decode(raw: bytes, declared: str | None = None) -> str | None:
    """Decode bytes to text, or return None if they are not text in any encoding we can detect.

    UTF-8 is tried first because it almost never decodes non-UTF-8 text by accident. Otherwise each
    line that is not UTF-8 is decoded with the declared charset or, failing that, with one guessed
    from all such lines together: concatenated dumps often mix UTF-8 lines with cp1252 ones, and a
    single whole-file guess would garble one of the two.
    """
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw.decode(codec, errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in raw:
        return None
    lines = raw.splitlines(keepends=True)
    as_utf8 = [_utf8_or_none(line) for line in lines]
    foreign = b"".join(line for line, text in zip(lines, as_utf8, strict=True) if text is None)
    encoding = _usable_charset(declared) or _detect_charset(foreign)
    if encoding is None:
        return None
    return "".join(
        text if text is not None else line.decode(encoding, errors="replace")
        for line, text in zip(lines, as_utf8, strict=True)
    )


def _utf8_or_none(line: bytes) -> str | None:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _usable_charset(label: str | None) -> str | None:
    """A declared charset we can decode with; a UTF-8 label is ignored because UTF-8 already failed."""
    if label is None:
        return None
    try:
        name = codecs.lookup(label).name
        b"".decode(name)  # refuses codecs that are not text encodings: base64, zlib, rot13...
    except LookupError:
        return None
    if name == "utf-8":
        return None
    return _LEGACY_LABELS.get(name, name)


def _detect_charset(data: bytes) -> str | None:
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        if _PREFERRED_LEGACY in match.could_be_from_charset and match.chaos <= best.chaos + _DETECTION_TIE:
            return _PREFERRED_LEGACY
    encoding: str = best.encoding
    return encoding


def _meta_charset(raw: bytes) -> str | None:
    # latin-1 maps every byte to one character, so the ASCII markup of any page survives it.
    found = _META_CHARSET.search(raw[:SNIFF_BYTES].decode("latin-1"))
    return found.group(1) if found else None


# --- building records ---------------------------------------------------------------------------


def _sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _content_document(
    raw: bytes,
    kind: ContentKind,
    *,
    external_id: str,
    locator: str,
    supplied: Supplied,
    declared: str | None = None,
) -> Item:
    """A Document from one document's raw bytes (a file or a WARC payload), decoded and checked."""
    if kind is ContentKind.HTML:
        declared = declared or _meta_charset(raw)
    text = _decode(raw, declared)
    if text is None:
        return Rejection(locator, "binary content: no text encoding fits these bytes")
    if not text.strip():
        return Rejection(locator, BLANK_REASON)
    return Document(external_id, locator, kind, text, _sha256(raw), supplied)


class _FieldError(ValueError):
    """A record field whose value has no sensible string reading; rejects that record."""


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _scalar(key: str, value: object) -> str:
    # bool is an int subclass; "True" as a title or id would be a silent lie, so it is refused.
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, date):  # also datetime: library callers hand us real dates
        return value.isoformat()
    raise _FieldError(f"field {key!r} is {_json_type(value)}, expected a string")


def _meta_value(key: str, value: object) -> str | None:
    """A metadata field as text: numbers become strings, lists (several authors) are joined."""
    if value is None:
        return None
    text = ", ".join(_scalar(key, item) for item in value) if isinstance(value, list) else _scalar(key, value)
    return text if text.strip() else None


def _content_value(key: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _FieldError(f"field {key!r} is {_json_type(value)}, expected a string")
    return value if value.strip() else None


def _record_document(
    record: Mapping[str, Any], *, default_id: str, locator: str, raw: bytes, origin: Origin
) -> Item:
    """A Document from a record of named fields (a JSON object or a feed entry mapped to one).

    ``html`` wins over ``text`` because it carries the structure the extractor uses; a record with
    only a title is kept as a headline. Fields not used (including a losing ``text``) stay in
    ``extra`` so nothing the feeder gave us is dropped.
    """
    try:
        html = _content_value("html", record.get("html"))
        text = _content_value("text", record.get("text"))
        outlet_key = next((key for key in ("outlet", "source") if record.get(key) is not None), None)
        outlet = _meta_value(outlet_key, record[outlet_key]) if outlet_key else None
        meta = {key: _meta_value(key, record.get(key)) for key in _META_FIELDS}
        given_id = _scalar("id", record["id"]) if record.get("id") is not None else ""
    except _FieldError as exc:
        return Rejection(locator, str(exc))
    if html is not None:
        kind, content, used = ContentKind.HTML, html, "html"
    elif text is not None:
        kind, content, used = ContentKind.TEXT, text, "text"
    elif meta["title"] is not None:
        kind, content, used = ContentKind.TEXT, "", ""
    else:
        return Rejection(locator, "record has no text, html or title")
    consumed = {"id", used, outlet_key, *_META_FIELDS}
    extra = {key: value for key, value in record.items() if key not in consumed}
    supplied = Supplied(origin=origin, outlet=outlet, extra=extra, **meta)
    external_id = given_id if given_id.strip() else default_id
    return Document(external_id, locator, kind, content, _sha256(raw), supplied)


def document_from_record(record: Mapping[str, Any], default_id: str, locator: str) -> Item:
    """A Document from one in-memory record shaped like a JSONL line (library callers, JSON arrays).

    Fields and rules are those of JSONL records; ``default_id`` is used when the record has no
    ``id``. The record's original bytes are unknown, so ``raw_sha256`` is taken over its canonical
    JSON: the same record hashes the same whatever key order or spacing it arrived with.
    """
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return _record_document(
        record, default_id=default_id, locator=locator, raw=canonical.encode(), origin=Origin.SUPPLIED
    )


def _too_large(what: str, size: int | None, limit: int) -> str:
    if size is None:
        return f"{what} is larger than the {_size(limit)} limit"
    return f"{what} is {_size(size)}, over the {_size(limit)} limit"


def _size(count: int) -> str:
    return f"{count / MiB:.1f} MB" if count >= MiB else f"{count:,} bytes"


def _read_limited(source: _Source, limit: int, what: str) -> bytes | Rejection:
    """Read a whole input that must fit in memory, refusing before reading when its size is known."""
    if source.size is not None and source.size > limit:
        return Rejection(source.locator, _too_large(what, source.size, limit))
    data = source.stream.read(limit + 1)
    if len(data) > limit:
        return Rejection(source.locator, _too_large(what, None, limit))
    return data


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


# --- format readers -------------------------------------------------------------------------------


def _read_single(source: _Source, kind: ContentKind) -> Iterator[Item]:
    data = _read_limited(source, MAX_DOCUMENT_BYTES, "document")
    if isinstance(data, Rejection):
        yield data
        return
    yield _content_document(
        data, kind, external_id=source.external_id, locator=source.locator, supplied=Supplied(Origin.NONE)
    )


def _read_json(source: _Source) -> Iterator[Item]:
    data = _read_limited(source, MAX_JSON_BYTES, "JSON file")
    if isinstance(data, Rejection):
        yield data
        return
    value = _parse_json(data, source.locator)
    if isinstance(value, Rejection):
        yield value
    elif isinstance(value, dict):
        # One object is one document, like a .txt file, so it takes the file's own id.
        yield _record_document(
            value, default_id=source.external_id, locator=source.locator, raw=data, origin=Origin.SUPPLIED
        )
    elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
        yield from _json_items(value, source)
    else:
        what = "an empty array" if value == [] else _json_type(value)
        yield Rejection(source.locator, f"JSON holds {what}, expected an object or an array of objects")


def _parse_json(raw: bytes, locator: str) -> Any:
    text = _decode(raw)
    if text is None:
        return Rejection(locator, "binary content: no text encoding fits these bytes")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        return Rejection(locator, f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
    except RecursionError:
        return Rejection(locator, "malformed JSON: nested too deeply to parse")


def _json_items(items: list[Any], source: _Source) -> Iterator[Item]:
    for number, item in enumerate(items, start=1):
        locator = f"{source.locator}#{number}"
        if isinstance(item, dict):
            yield document_from_record(item, f"{source.external_id}#{number}", locator)
        else:
            yield Rejection(locator, f"array item is {_json_type(item)}, expected an object")


def _read_jsonl(source: _Source) -> Iterator[Item]:
    """Stream one record per line; a bad line is rejected alone and the file goes on."""
    any_line = False
    number = 0
    while line := source.stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        locator = f"{source.locator}:{number}"
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            size = len(line) + _skip_rest_of_line(source.stream)
            yield Rejection(locator, _too_large("line", size, MAX_LINE_BYTES))
            any_line = True
            continue
        raw = line.rstrip(b"\r\n")
        if not raw.strip():
            continue  # blank lines carry nothing; skipping them keeps numbering equal to line numbers
        any_line = True
        yield _jsonl_record(raw, locator, default_id=f"{source.external_id}#{number}")
    if not any_line:
        yield Rejection(source.locator, "no records: every line is blank")


def _skip_rest_of_line(stream: BinaryIO) -> int:
    skipped = 0
    while chunk := stream.readline(MiB):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def _jsonl_record(raw: bytes, locator: str, default_id: str) -> Item:
    value = _parse_json(raw, locator)
    if isinstance(value, Rejection):
        return value
    if not isinstance(value, dict):
        return Rejection(locator, f"line holds {_json_type(value)}, expected a JSON object")
    return _record_document(value, default_id=default_id, locator=locator, raw=raw, origin=Origin.SUPPLIED)


def _read_feed(source: _Source) -> Iterator[Item]:
    data = _read_limited(source, MAX_FEED_BYTES, "feed")
    if isinstance(data, Rejection):
        yield data
        return
    # A stream, not bytes or str: feedparser fetches anything that looks like a URL.
    parsed = feedparser.parse(io.BytesIO(data))
    if not parsed.entries:
        reason = (
            f"broken feed XML: {_one_line(parsed.bozo_exception)}" if parsed.bozo else "feed has no entries"
        )
        yield Rejection(source.locator, reason)
        return
    # Bozo with entries: the feed is malformed somewhere but readable; salvage what feedparser got.
    for number, entry in enumerate(parsed.entries, start=1):
        yield _feed_entry_document(entry, parsed.feed, source, number)


def _feed_entry_document(
    entry: Mapping[str, Any], feed: Mapping[str, Any], source: _Source, number: int
) -> Item:
    """Map a feed entry onto record fields so it goes through the same checks as a JSON record."""
    # FeedParserDict answers lookups of missing keys with aliases (``updated`` gives ``published``);
    # a plain dict sees only what the feed really had.
    entry, feed = dict(entry), dict(feed)
    details = entry.get("content") or [entry.get("summary_detail") or {}]
    body = details[0]
    # Atom allows type="text" content; calling that HTML would make the extractor eat its angle brackets.
    body_field = "html" if "html" in (body.get("type") or "html") else "text"
    fields = {
        "id": entry.get("id") or entry.get("link"),
        body_field: body.get("value"),
        "title": entry.get("title"),
        "url": entry.get("link"),
        "published": entry.get("published"),
        "author": entry.get("author"),
        "language": body.get("language") or feed.get("language"),
        "updated": entry.get("updated"),
        "feed_title": feed.get("title"),
    }
    record = {key: value for key, value in fields.items() if value}
    raw = (record.get(body_field) or record.get("title") or "").encode()
    return _record_document(
        record,
        default_id=f"{source.external_id}#{number}",
        locator=f"{source.locator}#{number}",
        raw=raw,
        origin=Origin.FEED,
    )


class _DamagedWarc(Exception):
    """warcio could not parse the next record: the archive is cut short or corrupt from here on."""


def _next_warc_record(records: Iterator[Any]) -> Any | None:
    try:
        return next(records, None)
    except AttributeError as exc:  # warcio trips over a cut-off header that lacks its Target-URI
        raise _DamagedWarc("a record header is incomplete") from exc
    except (ArchiveLoadFailed, EOFError, zlib.error, ValueError) as exc:
        raise _DamagedWarc(_one_line(exc)) from exc


def _read_warc(source: _Source) -> Iterator[Item]:
    """Stream HTML responses out of a (gzipped) WARC; damage ends the file with one Rejection.

    warcio reads a truncated archive without complaint, handing out short records and dropping a
    cut-off header, so truncation is detected here: a record shorter than its Content-Length or
    whose gzip member stops early, or bytes left over after the last whole record.
    """
    archive = ArchiveIterator(source.stream)
    records = iter(archive)
    end = 0  # offset just past the last whole record
    slack = _WARC_RECORD_TRAILER
    yielded = False
    try:
        while (record := _next_warc_record(records)) is not None:
            payload = _html_payload(record)
            offset = archive.get_record_offset()  # reads the record to its end
            locator = f"{source.locator}@{offset}"
            decompressor = _gzip_member(archive)
            if _is_short(record) or (decompressor is not None and not decompressor.eof):
                yield Rejection(locator, f"WARC is truncated: the record at offset {offset} is cut short")
                return
            end = offset + archive.get_record_length()
            # A gzip member's length covers everything up to the next member: nothing may be left over.
            slack = 0 if decompressor is not None else _WARC_RECORD_TRAILER
            if payload is not None:
                yielded = True
                yield _warc_document(record, payload, locator, f"{source.external_id}@{offset}")
    except _DamagedWarc as exc:
        yield Rejection(f"{source.locator}@{end}", f"WARC is truncated or damaged after offset {end}: {exc}")
        return
    if source.stream.tell() - end > slack:
        yield Rejection(
            f"{source.locator}@{end}", f"WARC is truncated: a partial record follows offset {end}"
        )
    elif not yielded:
        yield Rejection(source.locator, "WARC holds no HTML response records")


def _is_short(record: Any) -> bool:
    # raw_stream is a LimitReader counting down the declared Content-Length; bytes still owed after
    # the record was read to its end mean the input stopped early. No usable length: a cut header.
    declared = record.rec_headers.get_header("Content-Length") or ""
    return not declared.strip().isdigit() or getattr(record.raw_stream, "limit", 0) > 0


def _gzip_member(archive: Any) -> Any | None:
    """The zlib decompressor of the current gzip member, None for a plain WARC.

    warcio does not report a member that stops before its end (a missing trailer); the
    decompressor's ``eof`` does. It is a warcio internal, so its absence degrades to "not gzip".
    """
    return getattr(getattr(archive, "reader", None), "decompressor", None)


def _html_payload(record: Any) -> bytes | None:
    """The HTML body of a response record (at most one byte over the limit), None for anything else."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if not content_type.startswith(_HTML_TYPES):
        return None
    payload: bytes = record.content_stream().read(MAX_DOCUMENT_BYTES + 1)
    return payload


def _warc_document(record: Any, payload: bytes, locator: str, fallback_id: str) -> Item:
    if len(payload) > MAX_DOCUMENT_BYTES:
        return Rejection(locator, _too_large("HTML payload", None, MAX_DOCUMENT_BYTES))
    status = record.http_headers.get_statuscode() or "?"
    if not status.startswith("2"):
        return Rejection(locator, f"HTTP {status} response, not an article")
    uri = record.rec_headers.get_header("WARC-Target-URI")
    # WARC-Date is when the crawler fetched the page, not when it was published.
    crawled = record.rec_headers.get_header("WARC-Date")
    charset = _HEADER_CHARSET.search(record.http_headers.get_header("Content-Type") or "")
    return _content_document(
        payload,
        ContentKind.HTML,
        external_id=uri or fallback_id,
        locator=locator,
        supplied=Supplied(Origin.WARC, url=uri, extra={"crawled": crawled} if crawled else {}),
        declared=charset.group(1) if charset else None,
    )


_READERS: dict[_Format, Callable[[_Source], Iterator[Item]]] = {
    _Format.HTML: partial(_read_single, kind=ContentKind.HTML),
    _Format.TEXT: partial(_read_single, kind=ContentKind.TEXT),
    _Format.JSON: _read_json,
    _Format.JSONL: _read_jsonl,
    _Format.FEED: _read_feed,
    _Format.WARC: _read_warc,
}
