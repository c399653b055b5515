"""Sources → documents: read files, folders, stdin, feeds, JSON(L), WARC and ARC into ``Document``s.

This is the only stage that touches raw bytes. It decides what an input is, decodes it to text (all
paths through the one decoder in ``decode.py``) and records where every record came from, so later
stages never guess about encodings or formats. Inputs are untrusted and often messy, so nothing
here raises for a bad file or record: each problem becomes exactly one ``Rejection`` and the batch
goes on. What is worth telling but refuses nothing (archive records that are not articles, a
library's warning about an input) becomes a one-line ``Notice``. Large inputs are streamed (JSONL,
WARC, gzip) or refused before they are read (single documents), so memory stays bounded whatever
we are fed.
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
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from functools import partial
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, overload
from xml.sax import SAXParseException

import feedparser
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from storyline.ingest.decode import decode, wide_encoding
from storyline.ingest.messages import listening
from storyline.models import ContentKind, Document, Notice, Origin, Rejection, Supplied

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_FEED_BYTES",
    "MAX_JSON_BYTES",
    "MAX_LINE_BYTES",
    "count_inputs",
    "document_from_record",
    "iter_documents",
    "read_fetched",
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
NOT_TEXT_REASON = "binary content: no text encoding fits these bytes"

Record = Document | Rejection
Item = Document | Rejection | Notice


class _Format(Enum):
    HTML = "html"
    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"
    FEED = "feed"
    ARCHIVE = "archive"  # WARC or ARC, gzipped per record, as one stream, or not at all
    GZIP = "gzip"  # any other input compressed with gzip: read as what it holds


# Longest suffix first, so ``.warc.gz`` is matched before anything shorter could be.
_EXTENSIONS: dict[str, _Format] = {
    ".warc.gz": _Format.ARCHIVE,
    ".warc": _Format.ARCHIVE,
    ".arc.gz": _Format.ARCHIVE,
    ".arc": _Format.ARCHIVE,
    ".html": _Format.HTML,
    ".htm": _Format.HTML,
    ".txt": _Format.TEXT,
    ".md": _Format.TEXT,
    ".jsonl": _Format.JSONL,
    ".json": _Format.JSON,
    ".xml": _Format.FEED,
    ".rss": _Format.FEED,
    ".atom": _Format.FEED,
    ".gz": _Format.GZIP,
}

# Only for a readable reason: any of these is refused as binary whatever its name says.
_MAGIC: dict[bytes, str] = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive",
}
_GZIP_MAGIC = b"\x1f\x8b"
_ARCHIVE_STARTS = (b"WARC/", b"filedesc://")  # a WARC record header, an ARC file header
_CUT_GZIP = "the compressed input ends inside a gzip member (truncated)"

# XML declaration, processing instructions, comments and doctypes (with an internal subset of
# entity declarations, which may hold '>') come before the root element.
_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*", re.S | re.I)
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.I)
_HTML_ROOT = re.compile(rb"<html\b", re.I)
_HTML_DOCTYPE = re.compile(rb"<!DOCTYPE\s+html\b", re.I)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([\w.:-]+)", re.I)
_XML_DECLARED_ENCODING = re.compile(r"^(\s*<\?xml[^>]*?encoding\s*=\s*[\"'])[\w.:-]+", re.I)
_META_CHARSET = re.compile(r"<meta[^>]*?charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Uncompressed WARC records are followed by a CRLF CRLF that warcio leaves out of a record's length.
_WARC_RECORD_TRAILER = 4
# Fields of a JSON record that become Document/Supplied values; everything else goes to ``extra``.
_META_FIELDS = ("title", "url", "published", "language", "author")


@overload
def iter_documents(
    paths: Sequence[str], stdin: BinaryIO | None = None, *, notices: Literal[False] = False
) -> Iterator[Record]: ...
@overload
def iter_documents(
    paths: Sequence[str], stdin: BinaryIO | None = None, *, notices: Literal[True]
) -> Iterator[Item]: ...
def iter_documents(
    paths: Sequence[str], stdin: BinaryIO | None = None, *, notices: bool = False
) -> Iterator[Item]:
    """Yield a ``Document`` per readable record and a ``Rejection`` per problem, lazily and in order.

    ``paths`` may name files, folders (read recursively in sorted order, hidden entries skipped) and
    ``-`` for ``stdin``. The format comes from the extension, with the content's own signature taking
    precedence when it is unmistakable (a feed saved as ``.html``, a WARC without a suffix), so what
    users name their files does not decide what gets read. The order of the output follows the
    input, which keeps downstream story assignment deterministic.

    With ``notices=True`` a ``Notice`` is yielded too, after the records of the input it is about:
    how many archive records were skipped, a library's warning about the input. Callers that do not
    ask are not handed a record type they do not know.
    """
    items = _iter_items(paths, stdin)
    return items if notices else (item for item in items if not isinstance(item, Notice))


def _iter_items(paths: Sequence[str], stdin: BinaryIO | None) -> Iterator[Item]:
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


def read_fetched(data: bytes, locator: str) -> Iterator[Item]:
    """The records of bytes fetched from ``locator`` (a feed's URL), read as a file's would be: the
    format from the content, and the URL as the container, so that an entry's id names the same
    thing from one fetch to the next (a changed entry is a new version, an unchanged one is
    already stored)."""
    items = _read_stream(io.BytesIO(data), locator=locator, external_id=locator, name="", size=len(data))
    return _contained(items, locator, locator)


def _contained(items: Iterator[Item], container: str, external_id: str) -> Iterator[Item]:
    """``items`` of the file ``container`` (known as ``external_id``) with their documents'
    ``container`` set: within it, their ids name the same thing from one ingest to the next. Not
    for a record without an id of its own: the one storyline gives it (``external_id#N``, its
    position) would take a reordered file's records for new versions of each other."""
    positional = f"{external_id}#"
    for item in items:
        if isinstance(item, Document) and not item.external_id.startswith(positional):
            yield replace(item, container=container)
        else:
            yield item


# --- where inputs come from -------------------------------------------------------------------


def _read_folder(root: str) -> Iterator[Item]:
    for file in _folder_files(root):
        if isinstance(file, Rejection):
            yield file
        else:
            yield from _read_path(*file)


def _folder_files(root: str, relative: str = "") -> Iterator[tuple[str, str] | Rejection]:
    """Each file of a folder, depth-first in name order, as (path, external id), the id a posix
    path relative to ``root``; a Rejection for each entry that cannot be read.

    Symlinked folders are not followed: they can loop, and following them would make the same
    article appear under two ids.
    """
    folder = os.path.join(root, relative)
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        yield Rejection(_storable(folder), f"cannot list folder: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = f"{relative}/{entry.name}" if relative else entry.name
        if entry.is_dir(follow_symlinks=False):
            yield from _folder_files(root, child)
        elif entry.is_file():
            yield entry.path, child
        else:
            yield Rejection(_storable(entry.path), "not a regular file (symlinked folders are not followed)")


# Inputs that are one record each, by name: what ``count_inputs`` can count without reading them.
_SINGLE_RECORD_FORMATS = (_Format.HTML, _Format.TEXT)


def count_inputs(paths: Sequence[str]) -> int | None:
    """How many inputs ``iter_documents(paths)`` will yield, for a progress bar's total; None when
    that cannot be known cheaply.

    Files are counted by name: a page or text file is one input, a JSONL file one per line that
    is not blank (its lines are read, not parsed). Whatever holds an unknown number of records
    without being parsed (stdin, JSON arrays, feeds, archives, gzip) makes the total unknown. It
    is a count for showing progress, not a promise: a file whose content overrides its name (a
    feed saved as ``.html``) yields what it holds.
    """
    total = 0
    for path in paths:
        if path == STDIN_LOCATOR:
            return None
        files = _folder_files(path) if os.path.isdir(path) else [(path, path)]
        for file in files:
            count = 1 if isinstance(file, Rejection) else _count_file(file[0])
            if count is None:
                return None
            total += count
    return total


def _count_file(path: str) -> int | None:
    fmt = next((fmt for suffix, fmt in _EXTENSIONS.items() if path.lower().endswith(suffix)), None)
    if fmt in _SINGLE_RECORD_FORMATS:
        return 1
    if fmt is not _Format.JSONL:
        return None
    try:
        with open(path, "rb") as lines:
            records = sum(1 for line in lines if line.strip())
    except OSError:
        return 1  # the reader rejects it: one input
    return records or 1  # a file of blank lines is one rejection


def _read_path(path: str, external_id: str) -> Iterator[Item]:
    locator = _storable(path)
    try:
        file = open(path, "rb")  # noqa: SIM115 - kept open while the generator streams from it
    except OSError as exc:
        yield Rejection(locator, f"cannot open: {exc.strerror or exc}")
        return
    with file:
        status = os.fstat(file.fileno())
        # A pipe or device reports size 0; only a regular file's size is worth trusting.
        size = status.st_size if stat.S_ISREG(status.st_mode) else None
        stored_id = _storable(external_id)
        items = _read_stream(
            file, locator=locator, external_id=stored_id, name=os.path.basename(path), size=size
        )
        yield from _contained(items, _storable(os.path.abspath(path)), stored_id)


def _storable(path: str) -> str:
    """A path as text that can be stored and printed: a name byte that is not UTF-8 (which Python
    holds as a lone surrogate) is written as its escape, ``caf\\xe9.txt``."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


@dataclass(frozen=True, slots=True)
class _Source:
    """One opened input, positioned at its first byte, as the format readers see it."""

    locator: str
    external_id: str
    size: int | None  # None when unknown (stdin): limits are then enforced while reading
    stream: io.BufferedReader[Any]  # buffered, so a reader can peek at what comes next
    name: str  # the file name ('' for stdin), for what a compressed input holds


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
        yield from _READERS[chosen](_Source(locator, external_id, size, replayed, name))
    except OSError as exc:
        yield Rejection(locator, f"read failed: {exc.strerror or exc}")
    except zlib.error as exc:
        yield Rejection(locator, f"compressed input is damaged: {_one_line(exc)}")


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

    An unmistakable signature (archive, gzip, feed root, HTML root) beats the extension; the
    extension beats a weak guess from the first character; an extensionless input that is text is
    read as text. UTF-16/32 input is looked at as the text it holds, so its markup is recognised.
    """
    wide = wide_encoding(head)
    if wide is not None:
        head = codecs.getincrementaldecoder(wide)(errors="replace").decode(head).encode()
    recognised = _recognise(head)
    if recognised is not None:
        return recognised
    binary = _binary_kind(head)
    if binary is not None:
        return f"binary file ({binary}), not text"
    by_name = next((fmt for suffix, fmt in _EXTENSIONS.items() if name.lower().endswith(suffix)), None)
    if by_name is not None and by_name is not _Format.GZIP:
        return by_name
    guessed = _guess(head)
    if guessed is not None:
        return guessed
    suffix = PurePosixPath(name).suffix
    if not suffix:
        return _Format.TEXT
    return f"unsupported file type {suffix!r} (expected one of {', '.join(_EXTENSIONS)})"


def _markup_start(head: bytes) -> tuple[bytes, bytes]:
    """The prolog (BOM, XML declaration, comments, doctypes) and the head from its first element on."""
    head = head.removeprefix(codecs.BOM_UTF8)
    prolog = _PROLOG.match(head)
    end = prolog.end() if prolog else 0
    return head[:end], head[end:]


def _recognise(head: bytes) -> _Format | None:
    """Formats whose signature cannot be mistaken, whatever the file is called.

    For markup a feed's root element decides over any doctype, since feeds generated from web
    templates often carry the template's ``<!DOCTYPE html>``.
    """
    if head.startswith(_ARCHIVE_STARTS):
        return _Format.ARCHIVE
    if head.startswith(_GZIP_MAGIC):
        return _Format.ARCHIVE if _gunzip_start(head).startswith(_ARCHIVE_STARTS) else _Format.GZIP
    prolog, start = _markup_start(head)
    if _FEED_ROOT.match(start):
        return _Format.FEED
    if _HTML_ROOT.match(start) or _HTML_DOCTYPE.search(prolog):
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
    # Text never holds NUL bytes once UTF-16/32 (with or without a mark) was read as what it is.
    if b"\x00" in head:
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
) -> Record:
    """A Document from one document's raw bytes (a file or a WARC payload), decoded and checked."""
    if kind is ContentKind.HTML:
        declared = declared or _meta_charset(raw)
    decoded = decode(raw, declared, markup=kind is ContentKind.HTML)
    if decoded is None:
        return Rejection(locator, NOT_TEXT_REASON)
    if not decoded.text.strip():
        return Rejection(locator, BLANK_REASON)
    return _without_unwritten_text(
        Document(external_id, locator, kind, decoded.text, _sha256(raw), supplied, warnings=decoded.warnings)
    )


def _without_unwritten_text(document: Document) -> Record:
    """The document, or its rejection if any of its text holds what no writer writes.

    One rule, whatever the format: a NUL character (how binary data and broken exports show, cut
    off by C-string tools, refused by PostgreSQL) or a lone surrogate (half of a UTF-16 pair, from
    a JSON escape such as ``\\ud800``: no character at all, and not encodable as UTF-8) in an
    input's text, id, metadata or any other field, at any depth, refuses the input here, before
    any work, naming the field. The store refuses NUL too, as the last guard.
    """
    supplied = document.supplied
    fields = [
        ("id", document.external_id),
        ("text", document.content),
        ("title", supplied.title),
        ("url", supplied.url),
        ("outlet", supplied.outlet),
        ("published", supplied.published),
        ("language", supplied.language),
        ("author", supplied.author),
        *supplied.extra.items(),
    ]
    for name, value in fields:
        flaw = _unwritten(name) or _unwritten(value)
        if flaw is not None:
            # repr: the reason is stored and printed, and must not hold what it reports.
            return Rejection(document.locator, f"field {name!r} holds {flaw}, which no text holds")
    return document


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _unwritten(value: object) -> str | None:
    """What in ``value`` (a string, or a JSON list or object of them) no writer writes, if anything."""
    if isinstance(value, str):
        if "\x00" in value:
            return "a NUL character (U+0000)"
        surrogate = _LONE_SURROGATE.search(value)
        return f"a lone surrogate (U+{ord(surrogate.group()):04X})" if surrogate else None
    items = value.items() if isinstance(value, dict) else value if isinstance(value, list | tuple) else ()
    return next((flaw for item in items if (flaw := _unwritten(item)) is not None), None)


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
    record: Mapping[str, Any],
    *,
    default_id: str,
    locator: str,
    raw: bytes,
    origin: Origin,
    warnings: tuple[str, ...] = (),
) -> Record:
    """A Document from a record of named fields (a JSON object or a feed entry mapped to one).

    ``html`` wins over ``text`` because it carries the structure the extractor uses; a record with
    only a title is kept as a headline. Fields not used (including a losing ``text``) stay in
    ``extra`` so nothing the feeder gave us is dropped. ``warnings`` are the decoder's doubts about
    the input the record came from.
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
    return _without_unwritten_text(
        Document(external_id, locator, kind, content, _sha256(raw), supplied, warnings=warnings)
    )


def document_from_record(record: Mapping[str, Any], default_id: str, locator: str) -> Record:
    """A Document from one in-memory record shaped like a JSONL line (library callers, JSON arrays).

    Fields and rules are those of JSONL records; ``default_id`` is used when the record has no
    ``id``. The record's original bytes are unknown, so ``raw_sha256`` is taken over its canonical
    JSON: the same record hashes the same whatever key order or spacing it arrived with.
    """
    return _record_document(
        record, default_id=default_id, locator=locator, raw=_canonical(record), origin=Origin.SUPPLIED
    )


def _canonical(record: Mapping[str, Any]) -> bytes:
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.encode()


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
    parsed = _parse_json(data, source.locator)
    if isinstance(parsed, Rejection):
        yield parsed
        return
    value, warnings = parsed
    if isinstance(value, dict):
        # One object is one document, like a .txt file, so it takes the file's own id.
        yield _record_document(
            value,
            default_id=source.external_id,
            locator=source.locator,
            raw=data,
            origin=Origin.SUPPLIED,
            warnings=warnings,
        )
    elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
        yield from _json_items(value, source, warnings)
    else:
        what = "an empty array" if value == [] else _json_type(value)
        yield Rejection(source.locator, f"JSON holds {what}, expected an object or an array of objects")


def _parse_json(raw: bytes, locator: str) -> tuple[Any, tuple[str, ...]] | Rejection:
    """The parsed value and the decoder's warnings (JSON is UTF-8 by spec, but dumps are not)."""
    decoded = decode(raw)
    if decoded is None:
        return Rejection(locator, NOT_TEXT_REASON)
    try:
        return json.loads(decoded.text), decoded.warnings
    except json.JSONDecodeError as exc:
        return Rejection(locator, f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
    except RecursionError:
        return Rejection(locator, "malformed JSON: nested too deeply to parse")


def _json_items(items: list[Any], source: _Source, warnings: tuple[str, ...]) -> Iterator[Item]:
    for number, item in enumerate(items, start=1):
        locator = f"{source.locator}#{number}"
        if isinstance(item, dict):
            yield _record_document(
                item,
                default_id=f"{source.external_id}#{number}",
                locator=locator,
                raw=_canonical(item),
                origin=Origin.SUPPLIED,
                warnings=warnings,
            )
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


def _jsonl_record(raw: bytes, locator: str, default_id: str) -> Record:
    parsed = _parse_json(raw, locator)
    if isinstance(parsed, Rejection):
        return parsed
    value, warnings = parsed
    if not isinstance(value, dict):
        return Rejection(locator, f"line holds {_json_type(value)}, expected a JSON object")
    return _record_document(
        value, default_id=default_id, locator=locator, raw=raw, origin=Origin.SUPPLIED, warnings=warnings
    )


def _read_feed(source: _Source) -> Iterator[Item]:
    """Entries of an RSS/Atom feed, decoded by our decoder rather than the feed parser's.

    feedparser falls back to windows-1252 for any feed that does not declare its encoding, and
    trusts a wrong declaration. So the feed's bytes go through ``decode`` like every other input
    (its XML declaration is a hint there), and feedparser gets UTF-8 that says it is UTF-8.
    """
    data = _read_limited(source, MAX_FEED_BYTES, "feed")
    if isinstance(data, Rejection):
        yield data
        return
    declaration = _XML_ENCODING.match(data)
    decoded = decode(data, declaration.group(1).decode("ascii") if declaration else None, markup=True)
    if decoded is None:
        yield Rejection(source.locator, NOT_TEXT_REASON)
        return
    as_utf8 = _XML_DECLARED_ENCODING.sub(r"\g<1>utf-8", decoded.text, count=1).encode()
    heard: list[str] = []
    with listening(heard):
        # A stream, not bytes or str: feedparser fetches anything that looks like a URL.
        parsed = feedparser.parse(io.BytesIO(as_utf8))
    if not parsed.entries:
        reason = (
            f"broken feed XML: {_one_line(parsed.bozo_exception)}" if parsed.bozo else "feed has no entries"
        )
        yield Rejection(source.locator, reason)
    # Bozo with entries: the feed is malformed somewhere but readable; salvage what feedparser got,
    # and say that the XML was broken (a watcher that gets nothing readable reports why).
    for number, entry in enumerate(parsed.entries, start=1):
        yield _feed_entry_document(entry, parsed.feed, source, number, decoded.warnings)
    if parsed.entries and isinstance(parsed.get("bozo_exception"), SAXParseException):
        yield Notice(
            source.locator,
            f"broken feed XML: {_one_line(parsed.bozo_exception)}; entries read from what was salvaged",
        )
    yield from _notices(source.locator, heard)


def _feed_entry_document(
    entry: Mapping[str, Any],
    feed: Mapping[str, Any],
    source: _Source,
    number: int,
    warnings: tuple[str, ...],
) -> Record:
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
        warnings=warnings,
    )


def _notices(locator: str, heard: list[str]) -> Iterator[Notice]:
    """What libraries said while reading an input, one notice per line heard, then forgotten."""
    for message in heard:
        yield Notice(locator, message)
    heard.clear()


def _read_gzip(source: _Source) -> Iterator[Item]:
    """Read what a gzip file holds as if it had been given uncompressed: ``x.jsonl.gz`` is JSONL.

    Decompression streams, so JSONL stays streamed and the size limits apply to what it unpacks to.
    """
    inner_name = source.name[: -len(".gz")] if source.name.lower().endswith(".gz") else ""
    members = _GzipMembers(source.stream)
    yield from _read_stream(
        io.BufferedReader(members),
        locator=source.locator,
        external_id=source.external_id,
        name=inner_name,
        size=None,
    )
    if members.truncated:
        yield Rejection(source.locator, _CUT_GZIP)


class _GzipMembers(io.RawIOBase):
    """The decompressed content of a gzip stream, whether one member per record or one for all.

    warcio decompresses gzip itself, but only one member per record: an archive compressed as a
    single stream (valid, and common) stops it after the first record. Decompressing here lets
    warcio read a plain archive either way, while ``offset_of`` still gives a record the offset of
    its own gzip member in the file, the offset that indexes (CDX) and other tools use to seek.
    Other gzipped inputs (``.jsonl.gz``) are read through it too, for the same ``truncated`` flag.
    """

    def __init__(self, compressed: BinaryIO) -> None:
        super().__init__()
        self._compressed = compressed
        self._member = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
        self._input = b""  # compressed bytes read but not yet decompressed
        self._read = 0  # compressed bytes read so far
        self._position = 0  # decompressed bytes handed out so far
        self._member_starts = {0: 0}  # decompressed offset -> compressed offset, for each member
        self.truncated = False  # the input ended inside a member

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def offset_of(self, position: int) -> int:
        """The file offset of the member that starts at ``position``, else ``position`` itself."""
        return self._member_starts.get(position, position)

    def readinto(self, buffer: WriteableBuffer) -> int:
        target = memoryview(buffer).cast("B")
        while True:
            if self._member.eof:
                rest = self._member.unused_data + self._input or self._more()
                if not rest:
                    return 0  # the last member ended cleanly
                self._member_starts[self._position] = self._read - len(rest)
                self._member = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
                self._input = rest
            data = self._member.decompress(self._input, len(target))
            self._input = self._member.unconsumed_tail
            if data:
                target[: len(data)] = data
                self._position += len(data)
                return len(data)
            if not self._member.eof and not self._input:
                self._input = self._more()
                if not self._input:
                    # Not an exception: a buffered reader above would drop the data already
                    # decompressed. The readers end cleanly and then report ``truncated``.
                    self.truncated = True
                    return 0

    def _more(self) -> bytes:
        chunk = self._compressed.read(io.DEFAULT_BUFFER_SIZE)
        self._read += len(chunk)
        return chunk


class _DamagedWarc(Exception):
    """warcio could not parse the next record: the archive is cut short or corrupt from here on."""


@dataclass(frozen=True, slots=True)
class _ArchiveRecord:
    record: Any
    html_type: str | None  # the Content-Type of an HTML page, None for any other record
    payload: bytes  # an HTML page's body (at most one byte over the limit), else empty
    offset: int  # where the record starts in the (decompressed) archive
    length: int


def _next_archive_record(archive: ArchiveIterator, records: Iterator[Any]) -> _ArchiveRecord | None:
    """The next record, read to its end, or None after the last; damage raises ``_DamagedWarc``."""
    try:
        record = next(records, None)
        if record is None:
            return None
        html_type = _html_type(record)
        payload = record.content_stream().read(MAX_DOCUMENT_BYTES + 1) if html_type else b""
        offset = archive.get_record_offset()  # reads the record to its end
        return _ArchiveRecord(record, html_type, payload, offset, archive.get_record_length())
    except AttributeError as exc:  # warcio trips over a cut-off header that lacks its Target-URI
        raise _DamagedWarc("a record header is incomplete") from exc
    except (ArchiveLoadFailed, EOFError, zlib.error, ValueError) as exc:
        raise _DamagedWarc(_one_line(exc)) from exc


def _read_archive(source: _Source) -> Iterator[Item]:
    """Stream HTML pages out of a WARC or ARC (plain or gzipped); damage ends it with one Rejection.

    Pages are HTML ``response`` records (HTTP status checked) and HTML ``resource`` records; every
    other record is counted in one ``Notice``. ``@offset`` in a locator is the record's offset in
    the file, or, in an archive compressed as one gzip stream, in its decompressed content.
    warcio reads a truncated archive without complaint, handing out short records and dropping a
    cut-off header, so truncation is detected here: a record shorter than its Content-Length, a
    gzip member that stops early, or bytes left over after the last whole record.
    """
    stream = source.stream
    members = None
    if stream.peek(len(_GZIP_MAGIC)).startswith(_GZIP_MAGIC):
        members = _GzipMembers(stream)
        stream = io.BufferedReader(members)
    # arc2warc gives ARC records WARC headers, so one code path reads both.
    archive = ArchiveIterator(stream, arc2warc=True)
    records = iter(archive)
    end = 0  # offset just past the last whole record
    yielded = False
    skipped: Counter[str] = Counter()
    heard: list[str] = []
    try:
        while True:
            with listening(heard):
                item = _next_archive_record(archive, records)
            if item is None:
                break
            offset = members.offset_of(item.offset) if members else item.offset
            locator = f"{source.locator}@{offset}"
            # What warcio said while reading this record (a wrong Content-Length) is about its text.
            said = tuple(heard)
            yield from _notices(locator, heard)
            if _is_short(item.record):
                yield from _skipped_notice(source.locator, skipped)
                yield Rejection(locator, f"WARC is truncated: the record at offset {offset} is cut short")
                return
            end = item.offset + item.length
            if item.html_type is None:
                if item.record.rec_type != "warcinfo":  # the archive's own header, not content
                    skipped[_skipped_kind(item.record)] += 1
                continue
            yielded = True
            page = _warc_document(item, locator, f"{source.external_id}@{offset}")
            yield replace(page, warnings=(*page.warnings, *said)) if isinstance(page, Document) else page
    except _DamagedWarc as exc:
        yield from _notices(source.locator, heard)
        yield from _skipped_notice(source.locator, skipped)
        yield Rejection(f"{source.locator}@{end}", f"WARC is truncated or damaged after offset {end}: {exc}")
        return
    yield from _skipped_notice(source.locator, skipped)
    if members is not None and members.truncated:
        yield Rejection(f"{source.locator}@{end}", f"WARC is truncated after offset {end}: {_CUT_GZIP}")
    elif stream.tell() - end > _WARC_RECORD_TRAILER:
        yield Rejection(
            f"{source.locator}@{end}", f"WARC is truncated: a partial record follows offset {end}"
        )
    elif not yielded:
        yield Rejection(source.locator, "WARC holds no HTML response or resource records")


def _skipped_kind(record: Any) -> str:
    kind: str = record.rec_type
    return f"non-HTML {kind}" if kind in ("response", "resource") else kind


def _skipped_notice(locator: str, skipped: Counter[str]) -> Iterator[Notice]:
    total = sum(skipped.values())
    if total:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(skipped.items()))
        yield Notice(locator, f"skipped {total} records that are not HTML pages ({kinds})", skipped=total)


def _is_short(record: Any) -> bool:
    # raw_stream is a LimitReader counting down the declared Content-Length; bytes still owed after
    # the record was read to its end mean the input stopped early. No usable length: a cut header.
    declared = record.rec_headers.get_header("Content-Length") or ""
    return not declared.strip().isdigit() or getattr(record.raw_stream, "limit", 0) > 0


def _html_type(record: Any) -> str | None:
    """The Content-Type of an HTML page: an HTTP response's header, or a resource record's own."""
    if record.rec_type == "response" and record.http_headers is not None:
        content_type = record.http_headers.get_header("Content-Type")
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type")
    else:
        return None
    content_type = (content_type or "").lower()
    return content_type if content_type.startswith(_HTML_TYPES) else None


def _warc_document(item: _ArchiveRecord, locator: str, fallback_id: str) -> Record:
    record = item.record
    if len(item.payload) > MAX_DOCUMENT_BYTES:
        return Rejection(locator, _too_large("HTML payload", None, MAX_DOCUMENT_BYTES))
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode() or "?"
        if not status.startswith("2"):
            return Rejection(locator, f"HTTP {status} response, not an article")
    uri = record.rec_headers.get_header("WARC-Target-URI")
    # WARC-Date is when the crawler fetched the page, not when it was published.
    crawled = record.rec_headers.get_header("WARC-Date")
    charset = _HEADER_CHARSET.search(item.html_type or "")
    return _content_document(
        item.payload,
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
    _Format.ARCHIVE: _read_archive,
    _Format.GZIP: _read_gzip,
}
