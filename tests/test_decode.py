"""Bytes → text: the decoder every input path shares, and its doubts as warnings.

Every sample is a sentence invented for these tests, encoded here; declarations and BOMs are left
out unless a test is about them.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from storyline.ingest.decode import decode, wide_encoding
from storyline.ingest.sources import iter_documents
from storyline.models import Document, Rejection

CZECH = "Už týdny cloumá českou obcí spor o lávku přes řeku; starosta slíbil, že ji opraví do žní."
TURKISH = "İzmir'de köprü onarımı için ayrılan bütçe şaşırtıcı biçimde küçük; muhtar ağustosta söz verdi."
POLISH = "Mieszkańcy żądają naprawy kładki, a wójt obiecał, że prace zaczną się jeszcze przed żniwami."

# One sentence per script, each with the legacy encodings that newsrooms have used for it.
LEGACY = [
    ("ゆうべの大雨で川の水があふれ、町の中心部で三百軒が浸水しました。", "euc-jp"),
    ("ゆうべの大雨で川の水があふれ、町の中心部で三百軒が浸水しました。", "shift_jis"),
    ("ゆうべの大雨で川の水があふれ、町の中心部で三百軒が浸水しました。", "cp932"),
    ("어젯밤 폭우로 강물이 넘쳐 시내 중심가의 주택 삼백 채가 물에 잠겼다.", "euc-kr"),
    ("어젯밤 폭우로 강물이 넘쳐 시내 중심가의 주택 삼백 채가 물에 잠겼다.", "cp949"),
    ("昨晚的大雨使河水泛滥，市中心三百户住宅被淹。", "gb2312"),
    ("昨晚的大雨使河水氾濫，市中心三百戶住宅被淹。", "big5"),
    ("Вчерашний ливень затопил триста домов в центре города, сообщили спасатели.", "koi8-r"),
    ("ฝนตกหนักเมื่อคืนทำให้น้ำในแม่น้ำล้นตลิ่งและท่วมบ้านเรือนในตัวเมืองสามร้อยหลัง", "tis-620"),
    ("הגשם הכבד אמש הציף שלוש מאות בתים במרכז העיר, כך מסרו כוחות ההצלה.", "cp1255"),
    (CZECH, "iso-8859-2"),
    (CZECH, "cp1250"),
    (POLISH, "iso-8859-2"),
    (TURKISH, "cp1254"),
    (TURKISH, "iso-8859-9"),
]


def rss(title: str, body: str, declaration: str = '<?xml version="1.0"?>') -> str:
    return (
        f'{declaration}\n<rss version="2.0"><channel><title>Wire</title>'
        f"<item><title>{title}</title><description>{body}</description></item></channel></rss>"
    )


def only_document(path: Path) -> Document:
    items = list(iter_documents([str(path)]))
    assert len(items) == 1 and isinstance(items[0], Document), items
    return items[0]


@pytest.mark.parametrize(("text", "codec"), LEGACY)
def test_legacy_text_file_is_decoded_exactly(tmp_path: Path, text: str, codec: str) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(text.encode(codec))
    doc = only_document(path)
    assert doc.content == text


@pytest.mark.parametrize(("text", "codec"), LEGACY)
def test_legacy_feed_without_declaration_gets_the_same_detection(
    tmp_path: Path, text: str, codec: str
) -> None:
    headline = text.split(" ")[0] if " " in text else text[:8]
    path = tmp_path / "feed.xml"
    path.write_bytes(rss(headline, text).encode(codec))
    doc = only_document(path)
    assert (doc.supplied.title, doc.content) == (headline, text)


def test_feed_with_a_wrong_declaration_is_read_right_and_says_so(tmp_path: Path) -> None:
    text = "Вчерашний ливень затопил триста домов в центре города, сообщили спасатели."
    path = tmp_path / "feed.rss"
    path.write_bytes(rss("Ливень", text, '<?xml version="1.0" encoding="iso-8859-1"?>').encode("koi8-r"))
    doc = only_document(path)
    assert doc.content == text
    assert any("declared charset 'iso-8859-1'" in warning for warning in doc.warnings), doc.warnings


def test_a_declaration_that_fits_is_kept_without_warning(tmp_path: Path) -> None:
    path = tmp_path / "feed.rss"
    path.write_bytes(rss("Lávka", CZECH, '<?xml version="1.0" encoding="iso-8859-2"?>').encode("iso-8859-2"))
    doc = only_document(path)
    assert (doc.content, doc.warnings) == (CZECH, ())


def test_central_european_text_is_not_forced_into_windows_1252() -> None:
    decoded = decode(CZECH.encode("iso-8859-2"))
    assert decoded is not None and decoded.text == CZECH
    assert "U¾" not in decoded.text


def test_windows_1252_wins_only_a_genuine_tie() -> None:
    french = "Le maire a promis une passerelle neuve avant l’été, « sans faute »."
    decoded = decode(french.encode("cp1252"))
    assert decoded is not None and decoded.text == french


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("ゆうべの大雨で川があふれ、三百軒が浸水しました。", "iso2022_jp"),
        ("어젯밤 폭우로 강물이 넘쳤다.", "iso2022_kr"),
    ],
)
def test_iso_2022_is_decoded_not_stored_with_its_escapes(tmp_path: Path, text: str, codec: str) -> None:
    path = tmp_path / "mail.txt"
    path.write_bytes(text.encode(codec))
    doc = only_document(path)
    assert doc.content == text
    assert "\x1b" not in doc.content


WIDE = ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]
WIDE_TEXTS = [
    "The ferry sailed again on Monday.",
    "Вчерашний ливень затопил триста домов.",
    "昨晚的大雨使河水泛滥，市中心三百户住宅被淹。",
]


@pytest.mark.parametrize("codec", WIDE)
@pytest.mark.parametrize("text", WIDE_TEXTS)
def test_utf16_and_utf32_without_bom_are_text(tmp_path: Path, codec: str, text: str) -> None:
    page = f"<html><body><p>{text}</p></body></html>"
    feed = rss("Flood", text)
    (tmp_path / "a.txt").write_bytes(text.encode(codec))
    (tmp_path / "b.html").write_bytes(page.encode(codec))
    (tmp_path / "c.xml").write_bytes(feed.encode(codec))
    items = list(iter_documents([str(tmp_path)]))
    assert [item.content for item in items if isinstance(item, Document)] == [text, page, text], items


def test_wide_encoding_of_a_sniffed_head() -> None:
    head = "<rss version='2.0'>".encode("utf-16-be")
    assert wide_encoding(head) == "utf-16-be"
    assert wide_encoding(codecs.BOM_UTF16_LE + head) == "utf-16"
    assert wide_encoding(b"plain bytes") is None


def test_binary_with_nul_bytes_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(bytes(range(256)) * 4)
    items = list(iter_documents([str(path)]))
    assert len(items) == 1 and isinstance(items[0], Rejection)


def test_doubt_is_a_warning_never_silence() -> None:
    # Two curly quotes are all the non-ASCII here; Mac Roman and other single-byte code pages read
    # them as different letters, and nothing in so little text can tell which was meant.
    english = "The mayor called the plan “fair” and left."
    decoded = decode(english.encode("mac-roman"))
    assert decoded is not None
    assert decoded.text == english or decoded.warnings


def test_replaced_bytes_are_reported() -> None:
    decoded = decode(b"\xff\xfeA\x00\x00\xd8")  # UTF-16 BOM, then a lone high surrogate
    assert decoded is not None
    assert "\ufffd" in decoded.text
    assert any("U+FFFD" in warning for warning in decoded.warnings)


def test_mixed_utf8_and_legacy_lines_keep_each_line() -> None:
    data = "Größe in UTF-8.\n".encode() + f"{CZECH}\n".encode("cp1250")
    decoded = decode(data)
    assert decoded is not None and decoded.text == f"Größe in UTF-8.\n{CZECH}\n"


def test_utf8_text_with_a_stray_nul_far_in_is_utf8_not_utf16() -> None:
    # A NUL is a zero byte, as UTF-16's are; one in a long UTF-8 text does not make it UTF-16 (the
    # ingest then refuses it for the NUL, naming it, instead of storing CJK garbage).
    raw = ("The harbour reopened on Monday after the storm. " * 120).encode() + b"\x00 and a tail."
    decoded = decode(raw)
    assert decoded is not None and decoded.encoding == "utf-8" and "\x00" in decoded.text
