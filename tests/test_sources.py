"""Sources → documents: every input format, the id and locator rules, and every kind of bad input.

All fixtures are small invented articles written into ``tmp_path``; no real news text is stored.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import resource
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.ingest import sources
from storyline.ingest.sources import document_from_record, iter_documents
from storyline.models import ContentKind, Document, Notice, Origin, Rejection

ARTICLE_HTML = (
    "<!DOCTYPE html><html><head><title>Ferry returns</title></head>"
    "<body><p>The island ferry sailed again on Monday after the storm.</p></body></html>"
)


def read(
    paths: Iterable[str | Path], stdin: io.BytesIO | io.BufferedReader | None = None
) -> list[Document | Rejection]:
    return list(iter_documents([str(path) for path in paths], stdin=stdin))


def only(items: list[Document | Rejection]) -> Document | Rejection:
    assert len(items) == 1, items
    return items[0]


def document(item: Document | Rejection | Notice) -> Document:
    assert isinstance(item, Document), item
    return item


def rejection(item: Document | Rejection) -> Rejection:
    assert isinstance(item, Rejection), item
    return item


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return path


def jsonl(*records: object) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


# --- plain files ----------------------------------------------------------------------------------


def test_seeds_read_as_three_text_documents_named_by_file(seeds: Path) -> None:
    items = read([seeds])
    docs = [document(item) for item in items]
    assert [doc.external_id for doc in docs] == sorted(path.name for path in seeds.glob("*.txt"))
    assert len(docs) == 3
    assert all(doc.kind is ContentKind.TEXT for doc in docs)
    first = seeds / docs[0].external_id
    assert docs[0].content == first.read_text(encoding="utf-8")
    assert docs[0].raw_sha256 == sha(first.read_bytes())
    assert docs[0].locator == str(first)


def test_html_file_is_one_html_document(tmp_path: Path) -> None:
    path = write(tmp_path / "ferry.html", ARTICLE_HTML)
    doc = document(only(read([path])))
    assert (doc.external_id, doc.locator, doc.kind) == ("ferry.html", str(path), ContentKind.HTML)
    assert doc.content == ARTICLE_HTML
    assert doc.raw_sha256 == sha(ARTICLE_HTML.encode())
    assert doc.supplied.origin is Origin.NONE


@pytest.mark.parametrize("name", ["note.txt", "note.md", "NOTE.TXT", "note"])
def test_text_files_and_extensionless_text_are_text(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, "Harbour council approves new bridge.\n")
    doc = document(only(read([path])))
    assert doc.kind is ContentKind.TEXT
    assert doc.content == "Harbour council approves new bridge.\n"
    assert doc.external_id == name


def test_misleading_extension_is_overruled_by_an_unmistakable_signature(tmp_path: Path) -> None:
    html_as_txt = write(tmp_path / "page.txt", ARTICLE_HTML)
    feed_as_html = write(tmp_path / "feed.html", rss_feed())
    items = read([html_as_txt, feed_as_html])
    assert document(items[0]).kind is ContentKind.HTML
    assert [document(item).external_id for item in items[1:]] == [
        "urn:story:1",
        "https://example.org/2",
        "feed.html#3",
    ]


def test_unknown_extension_with_structured_content_is_sniffed(tmp_path: Path) -> None:
    path = write(tmp_path / "export.dat", jsonl({"id": "a", "text": "One."}, {"id": "b", "text": "Two."}))
    assert [document(item).external_id for item in read([path])] == ["a", "b"]


# --- folders and ids ------------------------------------------------------------------------------


def test_folder_is_read_recursively_in_sorted_order_skipping_hidden(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "b.txt", "Bee story.")
    write(root / "a" / "z.txt", "Zed story.")
    write(root / "a" / "c" / "deep.html", ARTICLE_HTML)
    write(root / "C.txt", "Capital story.")
    write(root / ".hidden.txt", "Never read.")
    write(root / ".git" / "inside.txt", "Never read.")
    write(root / "a" / "records.jsonl", jsonl({"text": "Line one."}, {"text": "Line two."}))
    items = read([root])
    assert [document(item).external_id for item in items] == [
        "C.txt",
        "a/c/deep.html",
        "a/records.jsonl#1",
        "a/records.jsonl#2",
        "a/z.txt",
        "b.txt",
    ]
    assert items[1].locator == str(root / "a" / "c" / "deep.html")
    assert items[2].locator == f"{root / 'a' / 'records.jsonl'}:1"


def test_file_given_directly_uses_its_basename(tmp_path: Path) -> None:
    path = write(tmp_path / "deep" / "er" / "story.txt", "Mayor opens museum.")
    assert document(only(read([path]))).external_id == "story.txt"


def test_missing_path_is_rejected_and_the_batch_goes_on(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", "Farmers welcome rain.")
    items = read([tmp_path / "missing.txt", good])
    missing = rejection(items[0])
    assert missing.locator == str(tmp_path / "missing.txt")
    assert "No such file" in missing.reason
    assert document(items[1]).external_id == "good.txt"


# --- stdin ----------------------------------------------------------------------------------------


class _Pipe(io.RawIOBase):
    """A stream that cannot seek, like a real pipe, handing out at most 1000 bytes per read."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self._data.read(min(len(buffer), 1000))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def pipe(data: bytes | str) -> io.BufferedReader:
    return io.BufferedReader(_Pipe(data.encode() if isinstance(data, str) else data))


def test_stdin_plain_text() -> None:
    doc = document(only(read(["-"], stdin=pipe("Glacier retreats further.\n"))))
    assert (doc.external_id, doc.locator, doc.kind) == ("stdin", "-", ContentKind.TEXT)


def test_stdin_jsonl_records_are_numbered_from_stdin() -> None:
    items = read(["-"], stdin=pipe(jsonl({"text": "One."}, {"id": 42, "text": "Two."})))
    assert [(document(item).external_id, item.locator) for item in items] == [
        ("stdin#1", "-:1"),
        ("42", "-:2"),
    ]


def test_stdin_pretty_printed_json_and_array() -> None:
    pretty = json.dumps({"title": "Budget passes", "text": "The budget passed."}, indent=2)
    assert document(only(read(["-"], stdin=pipe(pretty)))).supplied.title == "Budget passes"
    array = json.dumps([{"text": "A."}, {"text": "B."}])
    assert [document(item).external_id for item in read(["-"], stdin=pipe(array))] == ["stdin#1", "stdin#2"]


def test_stdin_html_feed_and_warc_are_sniffed() -> None:
    assert document(only(read(["-"], stdin=pipe("<div><p>Fragment.</p></div>")))).kind is ContentKind.HTML
    feed_items = read(["-"], stdin=pipe(rss_feed()))
    assert [item.locator for item in feed_items] == ["-#1", "-#2", "-#3"]
    *warc_documents, gone = read(["-"], stdin=pipe(build_warc(gzipped=True)))
    assert [document(item).external_id for item in warc_documents] == [
        "https://example.org/a",
        "https://example.org/b",
    ]
    assert rejection(gone).locator.startswith("-@")


def test_dash_without_stdin_is_rejected() -> None:
    assert rejection(only(read(["-"]))).locator == "-"


# --- JSON and JSONL records -----------------------------------------------------------------------


def test_jsonl_fields_map_to_supplied_metadata(tmp_path: Path) -> None:
    record = {
        "id": "r1",
        "html": "<p>Tunnel opens.</p>",
        "text": "Tunnel opens.",
        "title": "Tunnel opens",
        "url": "https://example.org/tunnel",
        "outlet": "Example Post",
        "source": "wire",
        "published": "2026-02-05T06:25:00Z",
        "language": "en",
        "author": ["Ana Ruiz", "Li Wei"],
        "section": "transport",
    }
    path = write(tmp_path / "batch.jsonl", jsonl(record))
    doc = document(only(read([path])))
    assert (doc.external_id, doc.locator, doc.kind, doc.content) == (
        "r1",
        f"{path}:1",
        ContentKind.HTML,
        "<p>Tunnel opens.</p>",
    )
    supplied = doc.supplied
    assert supplied.origin is Origin.SUPPLIED
    assert (supplied.title, supplied.url, supplied.outlet, supplied.published) == (
        "Tunnel opens",
        "https://example.org/tunnel",
        "Example Post",
        "2026-02-05T06:25:00Z",
    )
    assert (supplied.language, supplied.author) == ("en", "Ana Ruiz, Li Wei")
    # html won, so the unused text and the unused source stay with the record, as does any unknown field
    assert supplied.extra == {"text": "Tunnel opens.", "source": "wire", "section": "transport"}
    assert doc.raw_sha256 == sha(json.dumps(record).encode())


def test_jsonl_source_is_the_outlet_when_there_is_no_outlet_field(tmp_path: Path) -> None:
    path = write(tmp_path / "b.jsonl", jsonl({"text": "Strike ends.", "source": "Devdiscourse"}))
    doc = document(only(read([path])))
    assert (doc.kind, doc.supplied.outlet, doc.external_id) == (ContentKind.TEXT, "Devdiscourse", "b.jsonl#1")


def test_headline_only_record_and_empty_record(tmp_path: Path) -> None:
    path = write(
        tmp_path / "h.jsonl", jsonl({"title": "Storm nears coast"}, {"id": "x", "url": "https://e.org"})
    )
    headline, empty = document(read([path])[0]), rejection(read([path])[1])
    assert (headline.content, headline.kind, headline.supplied.title) == (
        "",
        ContentKind.TEXT,
        "Storm nears coast",
    )
    assert empty.locator == f"{path}:2"
    assert "no text, html or title" in empty.reason


def test_malformed_jsonl_line_is_rejected_alone(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "1", "text": "First."}),
        '{"id": "2", "text": "Broken',
        "",
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "5", "text": "Fifth."}),
    ]
    path = write(tmp_path / "mixed.jsonl", "\n".join(lines) + "\n")
    items = read([path])
    assert [type(item).__name__ for item in items] == ["Document", "Rejection", "Rejection", "Document"]
    assert (items[1].locator, items[2].locator) == (f"{path}:2", f"{path}:4")
    assert "malformed JSON" in rejection(items[1]).reason
    assert "an array" in rejection(items[2]).reason
    assert [document(items[0]).external_id, document(items[3]).external_id] == ["1", "5"]
    assert items[3].locator == f"{path}:5"


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"text": "Ok.", "title": True}, "'title' is a boolean"),
        ({"text": {"body": "nested"}}, "'text' is an object"),
        ({"text": "Ok.", "source": {"name": "Wire"}}, "'source' is an object"),
        ({"id": [1, 2], "text": "Ok."}, "'id' is an array"),
    ],
)
def test_uncoercible_field_rejects_the_record(tmp_path: Path, record: dict[str, object], field: str) -> None:
    path = write(tmp_path / "bad.jsonl", jsonl(record))
    assert field in rejection(only(read([path]))).reason


def test_scalar_fields_are_coerced_to_strings(tmp_path: Path) -> None:
    path = write(
        tmp_path / "n.jsonl", jsonl({"id": 7, "text": "Ok.", "published": 1770272700, "title": 2026})
    )
    doc = document(only(read([path])))
    assert (doc.external_id, doc.supplied.published, doc.supplied.title) == ("7", "1770272700", "2026")


def test_json_object_file_is_one_document_with_the_file_id(tmp_path: Path) -> None:
    data = json.dumps({"title": "Verdict due", "text": "The judge will rule."}, indent=2).encode()
    path = write(tmp_path / "one.json", data)
    doc = document(only(read([path])))
    assert (doc.external_id, doc.locator, doc.raw_sha256) == ("one.json", str(path), sha(data))


def test_json_array_items_are_numbered_and_non_objects_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "many.json", json.dumps([{"text": "A."}, 5, {"id": "c", "text": "C."}]))
    items = read([path])
    assert [item.locator for item in items] == [f"{path}#1", f"{path}#2", f"{path}#3"]
    assert document(items[0]).external_id == "many.json#1"
    assert "a number" in rejection(items[1]).reason
    assert document(items[2]).external_id == "c"


@pytest.mark.parametrize(
    ("content", "expected"),
    [("42", "a number"), ("[1, 2]", "an array"), ("[]", "an empty array"), ("{", "malformed")],
)
def test_json_that_is_not_objects_is_one_rejection(tmp_path: Path, content: str, expected: str) -> None:
    path = write(tmp_path / "odd.json", content)
    assert expected in rejection(only(read([path]))).reason


def test_document_from_record_hashes_canonical_json() -> None:
    first = document(document_from_record({"text": "A.", "published": date(2026, 2, 5)}, "r#1", "r#1"))
    second = document(document_from_record({"published": date(2026, 2, 5), "text": "A."}, "r#9", "r#9"))
    assert first.supplied.published == "2026-02-05"
    assert first.raw_sha256 == second.raw_sha256
    assert first.external_id == "r#1"


# --- feeds ----------------------------------------------------------------------------------------


def rss_feed() -> str:
    return """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Example Post</title><language>en</language>
<item><guid>urn:story:1</guid><title>Bridge reopens</title><link>https://example.org/1</link>
  <pubDate>Thu, 05 Feb 2026 06:25:00 GMT</pubDate><author>desk@example.org (Ana Ruiz)</author>
  <description>Short summary.</description>
  <content:encoded><![CDATA[<p>The bridge reopened on Thursday.</p>]]></content:encoded></item>
<item><title>Market dips</title><link>https://example.org/2</link>
  <description>&lt;p&gt;Shares fell.&lt;/p&gt;</description></item>
<item><title>Headline only</title></item>
</channel></rss>"""


def test_rss_entries_become_documents(tmp_path: Path) -> None:
    path = write(tmp_path / "feed.xml", rss_feed())
    first, second, third = (document(item) for item in read([path]))
    assert (first.external_id, first.locator, first.kind) == ("urn:story:1", f"{path}#1", ContentKind.HTML)
    assert first.content == "<p>The bridge reopened on Thursday.</p>"
    assert first.raw_sha256 == sha(first.content.encode())
    supplied = first.supplied
    assert supplied.origin is Origin.FEED
    assert (supplied.title, supplied.url, supplied.published) == (
        "Bridge reopens",
        "https://example.org/1",
        "Thu, 05 Feb 2026 06:25:00 GMT",
    )
    assert supplied.language == "en"
    assert supplied.author is not None and "Ana Ruiz" in supplied.author
    assert supplied.extra["feed_title"] == "Example Post"
    assert (second.external_id, second.content) == ("https://example.org/2", "<p>Shares fell.</p>")
    assert (third.external_id, third.content, third.kind) == ("feed.xml#3", "", ContentKind.TEXT)


def test_atom_text_content_is_text(tmp_path: Path) -> None:
    atom = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>
<entry><id>tag:wire,2026:9</id><title>Dam holds</title><updated>2026-02-05T06:25:00Z</updated>
<content type="text">Engineers say the dam holds.</content></entry></feed>"""
    doc = document(only(read([write(tmp_path / "wire.atom", atom)])))
    assert (doc.external_id, doc.kind, doc.content) == (
        "tag:wire,2026:9",
        ContentKind.TEXT,
        "Engineers say the dam holds.",
    )
    assert doc.supplied.published is None  # updated is not published
    assert doc.supplied.extra["updated"] == "2026-02-05T06:25:00Z"


def test_broken_feed_without_entries_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "broken.rss", "<rss><channel><item")
    assert "broken feed XML" in rejection(only(read([path]))).reason


FEED_BODY = (
    '<rss version="2.0"><channel><title>Wire</title>'
    "<item><title>Dam holds</title><description>Engineers say the dam holds.</description></item>"
    "</channel></rss>"
)


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "rss-0.91.dtd">',
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY nbsp "&#160;">\n<!ENTITY mdash "&#8212;">\n]>',
        "<!DOCTYPE html>",
    ],
)
def test_feed_that_starts_with_a_doctype_is_a_feed(prolog: str) -> None:
    item = document(only(read(["-"], stdin=pipe(f"{prolog}\n{FEED_BODY}"))))
    assert (item.locator, item.supplied.origin, item.content) == (
        "-#1",
        Origin.FEED,
        "Engineers say the dam holds.",
    )


def test_html_doctype_page_is_still_html() -> None:
    item = document(only(read(["-"], stdin=pipe("<!DOCTYPE html>\n<head><title>x</title></head><p>Hi.</p>"))))
    assert item.kind is ContentKind.HTML and item.supplied.origin is Origin.NONE


def test_broken_feed_with_entries_yields_them(tmp_path: Path) -> None:
    path = write(tmp_path / "cut.rss", rss_feed().split("<item><title>Headline only")[0])
    assert [document(item).external_id for item in read([path])] == ["urn:story:1", "https://example.org/2"]


# --- WARC -----------------------------------------------------------------------------------------


def build_warc(gzipped: bool) -> bytes:
    """Two HTML responses plus a request, an image and a 404 page that must not become articles."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzipped)

    def response(uri: str, body: bytes, content_type: str, status: str = "200 OK") -> None:
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers)
        )

    response("https://example.org/a", ARTICLE_HTML.encode(), "text/html; charset=utf-8")
    writer.write_record(
        writer.create_warc_record("https://example.org/a", "request", payload=io.BytesIO(b"GET /"))
    )
    response("https://example.org/logo.png", b"\x89PNG\r\n\x1a\n", "image/png")
    cyrillic = "<html><body><p>Новости дня</p></body></html>".encode("cp1251")
    response("https://example.org/b", cyrillic, "text/html; charset=windows-1251")
    response("https://example.org/gone", b"<html><body>Not found</body></html>", "text/html", "404 Not Found")
    return out.getvalue()


@pytest.mark.parametrize(("name", "gzipped"), [("crawl.warc", False), ("crawl.warc.gz", True)])
def test_warc_html_responses_become_documents(tmp_path: Path, name: str, gzipped: bool) -> None:
    path = write(tmp_path / name, build_warc(gzipped))
    first, second, gone = read([path])
    first, second = document(first), document(second)
    assert (first.external_id, first.kind, first.content) == (
        "https://example.org/a",
        ContentKind.HTML,
        ARTICLE_HTML,
    )
    assert first.locator == f"{path}@0"
    assert first.raw_sha256 == sha(ARTICLE_HTML.encode())
    assert first.supplied.origin is Origin.WARC
    assert first.supplied.url == "https://example.org/a"
    assert first.supplied.published is None  # a crawl time is not a publication time
    assert first.supplied.extra["crawled"].startswith("20")
    assert "Новости дня" in second.content  # the HTTP charset decodes the cp1251 page
    assert second.locator.startswith(f"{path}@") and second.locator != first.locator
    assert "HTTP 404" in rejection(gone).reason


@pytest.mark.parametrize(("gzipped", "cut"), [(True, 0.6), (False, 0.6), (True, 0.1), (False, 0.05)])
def test_truncated_warc_yields_what_came_before_then_one_rejection(
    tmp_path: Path, gzipped: bool, cut: float
) -> None:
    data = build_warc(gzipped)
    complete = [item.locator for item in read([write(tmp_path / "full.warc.gz", data)])]
    path = write(tmp_path / "cut.warc.gz", data[: int(len(data) * cut)])
    items = read([path])
    *before, last = items
    assert all(isinstance(item, Document) for item in before)
    assert [item.locator.split("@")[1] for item in before] == [
        loc.split("@")[1] for loc in complete[: len(before)]
    ]
    assert "truncated" in rejection(last).reason
    assert last.locator.startswith(f"{path}@")


def test_warc_cut_inside_the_gzip_trailer_is_truncated(tmp_path: Path) -> None:
    data = build_warc(gzipped=True)
    items = read([write(tmp_path / "t.warc.gz", data[:-3])])
    assert "truncated" in rejection(items[-1]).reason
    assert sum(isinstance(item, Document) for item in items) == 2


def single_stream(gzipped_per_record: bytes) -> bytes:
    """The same archive compressed as one gzip stream, as ``gzip crawl.warc`` would write it."""
    return gzip.compress(gzip.decompress(gzipped_per_record))


def test_warc_compressed_as_one_gzip_stream_is_read(tmp_path: Path) -> None:
    per_record = read([write(tmp_path / "a.warc.gz", build_warc(gzipped=True))])
    path = write(tmp_path / "b.warc.gz", single_stream(build_warc(gzipped=True)))
    items = read([path])
    assert [type(item) for item in items] == [type(item) for item in per_record]
    assert [item.content for item in items if isinstance(item, Document)] == [
        item.content for item in per_record if isinstance(item, Document)
    ]
    assert items[0].locator == f"{path}@0"
    assert all("-" not in item.locator.rsplit("@", 1)[1] for item in items)  # no negative offsets


def test_truncated_single_stream_warc_keeps_what_came_before(tmp_path: Path) -> None:
    data = single_stream(build_warc(gzipped=True))
    items = read([write(tmp_path / "cut.warc.gz", data[: int(len(data) * 0.8)])])
    *before, last = items
    assert before and all(isinstance(item, Document) for item in before)
    assert "truncated" in rejection(last).reason


def arc_record(header: str, body: bytes) -> bytes:
    return f"{header} {len(body)}\n".encode() + body + b"\n"


def build_arc() -> bytes:
    """An ARC v1 file: its header record, one HTML page and one image."""
    version = b"1 0 Storyline\nURL IP-address Archive-date Content-type Archive-length\n"
    page = ARTICLE_HTML.encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + page
    image = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n"
    return (
        arc_record("filedesc://crawl.arc 0.0.0.0 20260203040506 text/plain", version)
        + arc_record("http://example.org/a 192.0.2.1 20260203040506 text/html", http)
        + arc_record("http://example.org/logo.png 192.0.2.1 20260203040507 image/png", image)
    )


@pytest.mark.parametrize(("name", "compress"), [("crawl.arc", False), ("crawl.arc.gz", True)])
def test_arc_files_are_read(tmp_path: Path, name: str, compress: bool) -> None:
    data = gzip.compress(build_arc()) if compress else build_arc()
    path = write(tmp_path / name, data)
    items = list(iter_documents([str(path)], notices=True))
    doc = document(items[0])
    assert (doc.external_id, doc.content, doc.supplied.origin) == (
        "http://example.org/a",
        ARTICLE_HTML,
        Origin.WARC,
    )
    assert doc.supplied.extra["crawled"] == "2026-02-03T04:05:06Z"
    assert [str(item) for item in items[1:]] == [
        f"{path}: skipped 1 records that are not HTML pages (1 non-HTML response)"
    ]


def build_mixed_warc() -> bytes:
    """An HTML resource record among the records a crawl keeps beside its responses."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    page = ARTICLE_HTML.encode()
    writer.write_record(
        writer.create_warc_record(
            "file:///ferry.html", "resource", payload=io.BytesIO(page), warc_content_type="text/html"
        )
    )
    writer.write_record(
        writer.create_warc_record("https://example.org/a", "request", payload=io.BytesIO(b"GET"))
    )
    writer.write_record(
        writer.create_warc_record(
            "https://example.org/a", "metadata", payload=io.BytesIO(b"via: x"), warc_content_type="text/plain"
        )
    )
    for _ in range(2):
        writer.write_record(
            writer.create_warc_record("https://example.org/a", "revisit", payload=io.BytesIO(b""))
        )
    return out.getvalue()


def test_html_resource_records_are_taken_and_skipped_records_counted(tmp_path: Path) -> None:
    path = write(tmp_path / "mixed.warc.gz", build_mixed_warc())
    items = list(iter_documents([str(path)], notices=True))
    assert document(items[0]).content == ARTICLE_HTML
    assert document(items[0]).external_id == "file:///ferry.html"
    notice = items[1]
    assert isinstance(notice, Notice)
    assert (notice.locator, notice.skipped) == (str(path), 4)
    assert notice.message == "skipped 4 records that are not HTML pages (1 metadata, 1 request, 2 revisit)"
    assert len(items) == 2


def test_notices_are_yielded_only_to_callers_who_ask(tmp_path: Path) -> None:
    path = write(tmp_path / "mixed.warc.gz", build_mixed_warc())
    assert [type(item) for item in read([path])] == [Document]


def test_warc_reader_warnings_become_one_line_notices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def one(uri: str, body: bytes) -> bytes:
        out = io.BytesIO()
        writer = WARCWriter(out, gzip=False)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers)
        )
        return out.getvalue()

    first = one("https://example.org/a", b"<p>Bridge opens.</p>")
    length = re.search(rb"Content-Length: (\d+)", first)
    assert length is not None
    # A Content-Length two bytes short: warcio reads on, but writes a warning to stderr.
    first = first.replace(length.group(0), b"Content-Length: %d" % (int(length.group(1)) - 2), 1)
    path = write(tmp_path / "odd.warc", first + one("https://example.org/b", b"<p>Tunnel closes.</p>"))
    items = list(iter_documents([str(path)], notices=True))
    assert capsys.readouterr().err == ""
    notices = [item for item in items if isinstance(item, Notice)]
    assert len(notices) == 1 and notices[0].locator == f"{path}@0"
    assert "\n" not in str(notices[0]) and "Content-Length is invalid" in notices[0].message
    cut = document(items[1])
    assert cut.warnings == (notices[0].message,)  # the shortened page says so itself
    assert document(items[2]).warnings == ()


@pytest.mark.parametrize("name", ["batch.jsonl.gz", "batch.json.gz", "batch.gz"])
def test_gzipped_json_and_jsonl_are_read(tmp_path: Path, name: str) -> None:
    records = [{"id": "a", "text": "Bridge opens."}, {"id": "b", "text": "Tunnel closes."}]
    content = json.dumps(records) if ".json." in name else jsonl(*records)
    path = write(tmp_path / name, gzip.compress(content.encode()))
    assert [document(item).external_id for item in read([path])] == ["a", "b"]


def test_gzipped_text_is_read_and_gzipped_binary_refused(tmp_path: Path) -> None:
    text = write(tmp_path / "notes.txt.gz", gzip.compress(b"Harbour council meets."))
    png = write(tmp_path / "logo.png.gz", gzip.compress(b"\x89PNG\r\n\x1a\n" + bytes(64)))
    items = read([text, png])
    assert document(items[0]).content == "Harbour council meets."
    assert "PNG image" in rejection(items[1]).reason


def test_truncated_jsonl_gz_keeps_whole_records_then_says_truncated(tmp_path: Path) -> None:
    data = gzip.compress(jsonl(*({"id": str(n), "text": f"Report {n}."} for n in range(200))).encode())
    items = read([write(tmp_path / "cut.jsonl.gz", data[: len(data) - 20])])
    *before, last = items
    assert len(before) > 100
    assert "truncated" in rejection(last).reason


# --- bad input ------------------------------------------------------------------------------------


def test_binary_file_named_txt_is_rejected(tmp_path: Path) -> None:
    png = write(tmp_path / "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    blob = write(tmp_path / "blob.txt", b"abc\x00\x01\x02" * 10)
    items = read([png, blob])
    assert "PNG image" in rejection(items[0]).reason
    assert "NUL" in rejection(items[1]).reason


@pytest.mark.parametrize(
    ("content", "reason"), [(b"", "empty"), (b"  \n\t\n", "whitespace"), (b"\n\n", "whitespace")]
)
@pytest.mark.parametrize("name", ["e.txt", "e.jsonl", "e.json", "e.html", "e.warc.gz", "e.xml"])
def test_empty_or_blank_input_is_one_rejection(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    assert reason in rejection(only(read([write(tmp_path / name, content)]))).reason


def test_unsupported_file_type_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "table.csv", "a,b\n1,2\n")
    assert "unsupported file type '.csv'" in rejection(only(read([path]))).reason


def test_jsonl_of_blank_lines_beyond_the_sniffed_head_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "blank.jsonl", "\n" * (sources.SNIFF_BYTES + 10))
    assert "every line is blank" in rejection(only(read([path]))).reason


# --- encodings ------------------------------------------------------------------------------------


def test_cp1252_text_file_is_decoded(tmp_path: Path) -> None:
    text = "Le café était “très” chaud — déjà.\n"
    doc = document(only(read([write(tmp_path / "fr.txt", text.encode("cp1252"))])))
    assert doc.content == text


def test_mixed_encodings_decode_line_by_line(tmp_path: Path) -> None:
    data = "Größe in UTF-8.\n".encode() + "Größe in cp1252.\n".encode("cp1252") + "Naïve café.\n".encode()
    doc = document(only(read([write(tmp_path / "mixed.txt", data)])))
    assert doc.content == "Größe in UTF-8.\nGröße in cp1252.\nNaïve café.\n"


def test_jsonl_lines_in_different_encodings(tmp_path: Path) -> None:
    data = (
        json.dumps({"text": "Crème brûlée wins."}, ensure_ascii=False).encode()
        + b"\n"
        + json.dumps({"text": "Crème brûlée loses."}, ensure_ascii=False).encode("cp1252")
        + b"\n"
    )
    items = read([write(tmp_path / "enc.jsonl", data)])
    assert [document(item).content for item in items] == ["Crème brûlée wins.", "Crème brûlée loses."]


def test_html_meta_charset_is_respected_when_utf8_fails(tmp_path: Path) -> None:
    page = '<html><head><meta charset="windows-1251"></head><body>Выборы в парламент</body></html>'
    doc = document(only(read([write(tmp_path / "ru.html", page.encode("cp1251"))])))
    assert "Выборы в парламент" in doc.content


def test_latin1_label_is_read_as_windows_1252(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head>'
        "<body>“Quoted”</body></html>"
    )
    doc = document(only(read([write(tmp_path / "q.htm", page.encode("cp1252"))])))
    assert "“Quoted”" in doc.content


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16"])
def test_byte_order_marks(tmp_path: Path, codec: str) -> None:
    doc = document(only(read([write(tmp_path / "bom.txt", "Reservoir fills.".encode(codec))])))
    assert doc.content == "Reservoir fills."


# --- size limits and streaming --------------------------------------------------------------------


def test_oversize_document_is_refused_from_its_size_alone(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    with path.open("wb") as handle:
        handle.write(ARTICLE_HTML.encode())
        handle.truncate(25 * sources.MiB)  # sparse: costs no disk, and must not be read
    reason = rejection(only(read([path]))).reason
    assert "25.0 MB" in reason and "20.0 MB limit" in reason


def test_oversize_stdin_document_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_DOCUMENT_BYTES", 100)
    item = rejection(only(read(["-"], stdin=pipe("word " * 100))))
    assert "larger than the 100 bytes limit" in item.reason


def test_oversize_json_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_JSON_BYTES", 50)
    path = write(tmp_path / "big.json", json.dumps([{"text": "x" * 100}]))
    assert "over the 50 bytes limit" in rejection(only(read([path]))).reason


def test_overlong_jsonl_line_is_rejected_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_LINE_BYTES", 200)
    path = write(
        tmp_path / "long.jsonl",
        jsonl({"id": "a", "text": "Short."}, {"text": "x" * 5000}, {"id": "c", "text": "Short."}),
    )
    items = read([path])
    assert [item.locator for item in items] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert "5,013 bytes, over the 200 bytes limit" in rejection(items[1]).reason
    assert [document(items[0]).external_id, document(items[2]).external_id] == ["a", "c"]


class _CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1, /) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        count = super().readinto(buffer)
        self.bytes_read += count
        return count


def test_jsonl_streams_instead_of_reading_the_whole_input() -> None:
    data = jsonl(*({"text": f"Report number {n}. " * 20} for n in range(5000))).encode()
    stream = _CountingStream(data)
    items = iter_documents(["-"], stdin=stream)
    assert document(next(items)).external_id == "stdin#1"
    assert stream.bytes_read < 100_000 < len(data)


@pytest.mark.slow
def test_200_mb_jsonl_streams_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    line = json.dumps({"text": "Harbour council meets on the budget. " * 25}).encode() + b"\n"
    count = 200 * sources.MiB // len(line)
    with path.open("wb") as handle:
        for _ in range(count):
            handle.write(line)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seen = sum(1 for item in iter_documents([str(path)]) if isinstance(item, Document))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024  # ru_maxrss is KiB
    assert seen == count
    assert grown_mb < 64
