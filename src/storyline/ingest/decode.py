"""Bytes → text: the one decoder every input path uses (files, pages, feeds, JSON, WARC payloads).

People quote what storyline stores, so a wrong guess is worse than a refusal, and a guess we are
not sure of must say so. Evidence is taken strongest first:

1. a byte-order mark;
2. UTF-32/UTF-16 without a mark, from where their zero bytes fall (ASCII in UTF-16LE is ``x\\0``);
3. ISO-2022 escape sequences: these encodings are 7-bit, so UTF-8 would accept them with the escapes;
4. valid UTF-8, which legacy text almost never is by accident;
5. everything else is a guess. charset_normalizer proposes readings ranked by how messy each looks
   (``chaos``, its share of characters that look out of place). Each reading is also checked for
   what mojibake looks like and real text does not (`_anomalies`): letters no single language
   writes together, a foreign script inside a word, a capital inside a word, compatibility forms,
   stray symbols and control characters. Both shares add up to a reading's score, and the lowest
   wins: the detector's best guess stands unless our evidence says it is garbled. Among readings
   that score the same, a multi-byte reading that pairs up bytes beats a single-byte one (a few
   CJK quotation marks in an English text read as Latin letters fit some Latin alphabet too), a
   common encoding beats a rare one, then the detector's order; where the detector's scores are
   equal too, the encoding the web uses most.

A declared charset (HTTP header, ``<meta>``, XML declaration) is evidence, not truth: it is used
unless it scores worse than the guessed reading. Whenever the choice came down to usage between
readings that fit equally, or the declaration was overruled, or bytes had to be replaced, the
result carries a one-line warning for the article.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from charset_normalizer import from_bytes
from charset_normalizer.constant import FREQUENCIES, IANA_SUPPORTED, IANA_SUPPORTED_SIMILAR
from charset_normalizer.md import mess_ratio
from charset_normalizer.utils import is_multi_byte_encoding

__all__ = ["Decoded", "decode", "wide_encoding"]


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text and how it was read; ``warnings`` is empty when the decoder had no doubt."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


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

# Scores closer than this are equal: neither the detector nor we prefer one reading.
_SAME_SCORE = 0.01
# How many of a language's most used letters a tied reading's letters are matched against.
_FREQUENT = 10
# Anomalies are counted over this many non-ASCII characters at most: enough to tell readings apart.
_ANOMALY_SAMPLE = 5_000
# A UTF-16/32 reading with a larger share of mojibake-like characters is not text.
_WIDE_SUSPICION = 0.1
# A chosen reading with a larger share of them is stored with a warning.
_DOUBTFUL = 0.05

# Share of text on the web by encoding family (most used first), for readings that nothing else
# separates. windows-1252 comes first because legacy Western text is by far the most common.
_USAGE = (
    "cp1252",
    "cp1251",
    "shift_jis",
    "cp932",
    "gb18030",
    "gbk",
    "gb2312",
    "euc_kr",
    "cp949",
    "euc_jp",
    "big5",
    "cp950",
    "iso8859-15",
    "cp1250",
    "iso8859-2",
    "cp1256",
    "cp1254",
    "iso8859-9",
    "cp1253",
    "iso8859-7",
    "cp1255",
    "iso8859-8",
    "tis-620",
    "cp874",
    "koi8-r",
    "koi8-u",
    "cp1257",
    "iso8859-13",
    "iso8859-5",
    "cp866",
    "mac-roman",
)

# Letters beyond ASCII that each language of Latin, Cyrillic or Greek script writes (lower case).
# Mojibake between single-byte code pages swaps letters for others of the same script, and the
# result mixes letters that no one language uses together ('č' beside 'ñ'); real text does not.
_ALPHABETS: tuple[str, ...] = (
    "àâæçéèêëîïôœùûüÿ",  # French
    "äöüß",  # German
    "áéíñóúü",  # Spanish, Galician
    "áâãàçéêíóôõú",  # Portuguese
    "àèéìíîòóùú",  # Italian
    "àçèéíïòóúü",  # Catalan
    "áéíóúëïöüèàäĳ",  # Dutch
    "æøåéàóôü",  # Danish, Norwegian
    "åäöéü",  # Swedish
    "äöåšž",  # Finnish
    "áðéíóúýþæö",  # Icelandic
    "äöõüšž",  # Estonian
    "āčēģīķļņšūž",  # Latvian
    "ąčęėįšųūž",  # Lithuanian
    "ąćęłńóśźż",  # Polish
    "áčďéěíňóřšťúůýž",  # Czech
    "áäčďéíĺľňóôŕšťúýž",  # Slovak
    "čćđšž",  # Slovene, Croatian, Bosnian, Serbian (Latin)
    "áéíóöőúüű",  # Hungarian
    "ăâîșțşţ",  # Romanian (comma and cedilla forms)
    "çğıöşüâîû",  # Turkish
    "çəğıöşü",  # Azerbaijani
    "çë",  # Albanian
    "ċġħżàèìòù",  # Maltese
    "âêîôûŵŷäëïöüáéíóúàèìò",  # Welsh, Irish
    "ĉĝĥĵŝŭ",  # Esperanto
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ",  # Vietnamese
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",  # Russian
    "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",  # Ukrainian
    "абвгдеёжзійклмнопрстуўфхцчшыьэюя",  # Belarusian
    "абвгдежзийклмнопрстуфхцчшщъьюя",  # Bulgarian
    "абвгдђежзијклљмнњопрстћуфхцчџш",  # Serbian
    "абвгдѓежзѕијклљмнњопрстќуфхцчџш",  # Macedonian
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",  # Kazakh
    "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",  # Greek
)
_ALPHABET_SETS = tuple(frozenset(alphabet) for alphabet in _ALPHABETS)
_SCRIPTS_WITH_ALPHABETS = frozenset({"LATIN", "CYRILLIC", "GREEK"})
# Scripts that share words: Japanese mixes kanji and kana, Korean text may carry hanja.
_EAST_ASIAN = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "IDEOGRAPHIC", "HALFWIDTH"})
# Punctuation and symbols beyond ASCII that real text uses; the rest of the Latin-1, spacing
# modifier and general punctuation repertoire (¾, ´, ˇ, ‡, ‰, ¤ …) is what mojibake is made of.
_COMMON_MARKS = frozenset("“”‘’„«»–—…•·€£¥©®™°№§¡¿×′″\u00a0\u2002\u2003\u2009\u202f")
# Blocks whose punctuation belongs to the script around it (CJK, Arabic, Hebrew, Thai).
_SCRIPT_PUNCTUATION = frozenset({"ARABIC", "HEBREW", "THAI", "IDEOGRAPHIC", "FULLWIDTH", "CJK"})

_COMPATIBILITY_TAGS = ("<narrow>", "<initial>", "<medial>", "<final>", "<isolated>", "<small>", "<vertical>")
_MULTI_BYTE = [name for name in IANA_SUPPORTED if is_multi_byte_encoding(name)]
# The letters each language uses most, from the detector's own tables, for readings that tie.
_FREQUENT_LETTERS = tuple(frozenset(letters[:_FREQUENT]) for letters in FREQUENCIES.values())
_TAG = re.compile(rb"<[^<>]*>")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_WORD = re.compile(r"[^\W\d_]+")
_ISO2022_ESCAPE = re.compile(rb"\x1b[$()*+]")
# Control characters that never occur in text; their presence refuses a UTF-16/32 reading.
# Private-use characters stand for what random bytes read as UTF-16 look like.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ue000-\uf8ff\ufffe\uffff]")


def decode(raw: bytes, declared: str | None = None, *, markup: bool = False) -> Decoded | None:
    """Decode bytes to text, or return None if they are not text in any encoding we can detect.

    Each line that is not UTF-8 is decoded with one charset chosen from all such lines together
    when the input also holds UTF-8 lines beyond ASCII: concatenated dumps often mix UTF-8 lines
    with cp1252 ones, and a single whole-file reading would garble one of the two. With ``markup``
    (HTML, XML) the guess is made on the text between the tags: English element names would
    otherwise outweigh the letters that tell one language, and so one code page, from another.
    """
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return _lenient(raw, codec, ())
    wide = _unmarked_wide(raw)
    if wide is not None:
        return wide
    if _ISO2022_ESCAPE.search(raw) and raw.isascii():
        return _iso2022(raw)
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in raw:
        return None
    lines = raw.splitlines(keepends=True)
    as_utf8 = [_utf8_or_none(line) for line in lines]
    mixed = any(text is not None and not text.isascii() for text in as_utf8)
    foreign = b"".join(line for line, text in zip(lines, as_utf8, strict=True) if text is None)
    undecided = foreign if mixed else raw
    chosen = _choose(_visible(undecided) if markup else undecided, declared)
    if chosen is None:
        return None
    encoding, warnings = chosen
    if not mixed:
        return _lenient(raw, encoding, warnings)
    text = "".join(
        text if text is not None else line.decode(encoding, errors="replace")
        for line, text in zip(lines, as_utf8, strict=True)
    )
    return Decoded(text, encoding, warnings + _replaced(foreign.decode(encoding, errors="replace")))


def _visible(data: bytes) -> bytes:
    """Markup bytes without their tags; all of the input if nothing else is left.

    Safe before decoding: '<' and '>' are never the second byte of a character in any multi-byte
    encoding the detector proposes (trail bytes start at 0x40), so tags come out whole.
    """
    text = _TAG.sub(b" ", data)
    return text if not text.isascii() else data


def wide_encoding(head: bytes) -> str | None:
    """The UTF-16/32 codec of an input's first bytes (marked or not), None for byte-wide text.

    Format recognition looks at ASCII markup, which these encodings spread over 2 or 4 bytes.
    """
    for bom, codec in _BOMS:
        if head.startswith(bom) and codec != "utf-8-sig":
            return codec
    return _zero_pattern(head)


def _lenient(raw: bytes, codec: str, warnings: tuple[str, ...]) -> Decoded:
    """Decode with ``codec``; bytes it cannot read become U+FFFD, and the result says how many."""
    try:
        return Decoded(raw.decode(codec), codec, warnings)
    except UnicodeDecodeError:
        text = raw.decode(codec, errors="replace")
        return Decoded(text, codec, warnings + _replaced(text))


def _replaced(decoded: str) -> tuple[str, ...]:
    """A warning when decoding had to put U+FFFD in, counted over the part that was decoded.

    U+FFFD written by the author (valid UTF-8 lines of a mixed input) is not counted.
    """
    count = decoded.count("\ufffd")
    if not count:
        return ()
    return (f"{count} byte sequence(s) invalid in the chosen encoding were replaced with U+FFFD",)


def _utf8_or_none(line: bytes) -> str | None:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return None


# --- encodings with a signature -------------------------------------------------------------------


# The share of zero high bytes below which valid UTF-8 is taken for what it is (see _zero_pattern).
_UTF16_ZERO_SHARE = 0.3


def _stray_nul_utf8(raw: bytes) -> bool:
    """UTF-8 text with a stray NUL or two, not UTF-16: it decodes as UTF-8 with no other control
    code. (UTF-16 whose bytes happen to be valid UTF-8, as Cyrillic's 0x04 high bytes are, is full
    of control codes read that way.)"""
    text = _utf8_or_none(raw)
    return text is not None and not _CONTROL.search(text.replace("\x00", ""))


def _zero_pattern(raw: bytes) -> str | None:
    """UTF-32 or UTF-16 without a byte-order mark, told apart by where their zero bytes fall.

    Byte-wide text has no zero bytes at all. In UTF-32 every unit has a zero top byte; in UTF-16
    characters below U+0100 (ASCII spaces, digits and markup, even in CJK text) put their zero in
    the high byte, so the byte order with more zeros there is tried first. A reading counts only if
    it is text: no control codes, lone surrogates, private-use or unassigned characters, which
    binary data read as UTF-16 is full of.
    """
    if b"\x00" not in raw:
        return None
    for codec, zero_at, plane_at in (("utf-32-le", 3, 2), ("utf-32-be", 0, 1)):
        body = raw[: len(raw) // 4 * 4]
        if (
            len(body) >= 8
            and not any(body[zero_at::4])
            and max(body[plane_at::4]) <= 0x10
            and _is_text(body, codec)
        ):
            return codec
    body = raw[: len(raw) // 2 * 2]
    high_in_le, high_in_be = body[1::2].count(0), body[0::2].count(0)
    if max(high_in_le, high_in_be) < len(body) // 2 * _UTF16_ZERO_SHARE and _stray_nul_utf8(raw):
        return None
    orders = ("utf-16-le", "utf-16-be") if high_in_le >= high_in_be else ("utf-16-be", "utf-16-le")
    return next((codec for codec in orders if _is_text(body, codec)), None)


def _is_text(body: bytes, codec: str) -> bool:
    # Incremental, so a head cut inside a surrogate pair is not held against the input.
    text = codecs.getincrementaldecoder(codec)(errors="replace").decode(body)
    if "\ufffd" in text or _CONTROL.search(text):
        return False
    if any(unicodedata.category(char) == "Cn" for char in set(text)):
        return False
    # Binary data that survives the checks above still reads as a jumble of scripts.
    return _suspicion(text) <= _WIDE_SUSPICION


def _unmarked_wide(raw: bytes) -> Decoded | None:
    codec = _zero_pattern(raw)
    if codec is None:
        return None
    return _lenient(raw, codec, ())


def _iso2022(raw: bytes) -> Decoded:
    """ISO-2022-KR (designated with ESC $ ) C) or one of the ISO-2022-JP family, read strictly.

    A variant we cannot decode (ISO-2022-CN has no Python codec) is kept as it is, with a warning:
    the escapes stay visible rather than being guessed away.
    """
    korean: tuple[str, ...] = ("iso2022_kr",) if b"\x1b$)C" in raw else ()
    codecs_to_try = (*korean, "iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_2004")
    for codec in codecs_to_try:
        try:
            return Decoded(raw.decode(codec), codec)
        except UnicodeDecodeError:
            continue
    return Decoded(
        raw.decode("ascii"),
        "ascii",
        ("ISO-2022 escape sequences in no variant we can decode were kept as they are",),
    )


# --- guessing -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Reading:
    """One way to decode the bytes, with the detector's scores and ours."""

    encoding: str
    text: str
    chaos: float  # the detector's share of messy characters
    coherence: float  # the detector's fit to a language's letter frequencies
    rank: int  # the detector's order
    suspicion: float  # our share of non-ASCII characters that look like mojibake
    paired: bool  # some bytes were read together as one character (a multi-byte encoding at work)
    aliases: tuple[str, ...] = ()  # other encodings the detector found to give the same text

    @property
    def score(self) -> float:
        """Both shares of garbled-looking characters together: lower reads more like writing."""
        return self.chaos + self.suspicion


def _choose(data: bytes, declared: str | None) -> tuple[str, tuple[str, ...]] | None:
    """The encoding for bytes that are not UTF-8, and warnings if the choice was not clear-cut."""
    guessed = _guess(data)
    label = _usable_charset(declared)
    if label is None:
        return guessed
    stated = _declared_reading(data, label)
    if stated is None:
        if guessed is None:
            return label, ()
        return guessed[0], (_overruled(declared, guessed[0], "cannot decode these bytes"), *guessed[1])
    if guessed is None or stated.score <= _reading(data, guessed[0]).score + _SAME_SCORE:
        return label, ()
    return guessed[0], (_overruled(declared, guessed[0], "reads as garbled text"), *guessed[1])


def _overruled(declared: str | None, chosen: str, why: str) -> str:
    return f"declared charset {declared!r} {why}; read as {_display(chosen)} instead"


def _guess(data: bytes) -> tuple[str, tuple[str, ...]] | None:
    readings = _readings(data)
    if not readings:
        return None
    rivals = _distinct(readings)
    lowest = min(r.score for r in rivals)
    best = [r for r in rivals if r.score <= lowest + _SAME_SCORE]
    # Among readings that look equally clean: a multi-byte fit, then a common encoding before one
    # hardly anyone uses (a DOS or Mac code page needs more than a letter-frequency preference),
    # then the cleanest, then the detector's order.
    best.sort(key=lambda r: (not r.paired, not _common(r.encoding), r.score, r.rank))
    top = best[0]
    # Where the detector's own scores are equal too, the most used encoding is the likeliest.
    tied = [r for r in best if r.paired == top.paired and _same_scores(r, top)]
    # Still tied: the reading whose most used letters are its language's most used letters (a
    # Hebrew text read as Cyrillic is all 'д', 'й' and 'е'), then the most used encoding.
    chosen = min(tied, key=lambda r: (-round(_frequency_fit(r.text), 1), _usage_rank(r.encoding), r.rank))
    doubts = [r for r in tied if r is not chosen and _common(r.encoding)]
    warnings = []
    if doubts:
        warnings.append(
            f"encoding uncertain: read as {_display(chosen.encoding)}, "
            f"but {_display(doubts[0].encoding)} fits these bytes as well"
        )
    if chosen.suspicion > _DOUBTFUL:
        warnings.append(
            f"text may be garbled: read as {_display(chosen.encoding)}, the best of the encodings tried, "
            f"{chosen.suspicion:.0%} of its non-ASCII characters still look out of place"
        )
    return chosen.encoding, tuple(warnings)


def _frequency_fit(text: str) -> float:
    """The largest share of the text's non-ASCII letters that one language's most used letters make."""
    letters = Counter(
        char.lower() for char in text[: _ANOMALY_SAMPLE * 4] if char.isalpha() and not char.isascii()
    )
    total = sum(letters.values())
    if not total:
        return 0.0
    return (
        max(sum(n for char, n in letters.items() if char in frequent) for frequent in _FREQUENT_LETTERS)
        / total
    )


def _same_scores(one: _Reading, other: _Reading) -> bool:
    return abs(one.score - other.score) <= _SAME_SCORE and abs(one.coherence - other.coherence) <= _SAME_SCORE


def _common(encoding: str) -> bool:
    return _usage_rank(encoding) < len(_USAGE)


def _readings(data: bytes) -> list[_Reading]:
    """The detector's readings, and those it skipped when every one it offers looks garbled.

    charset_normalizer stops at the first multi-byte encoding that decodes everything (Shift_JIS
    decodes any KOI8-R text, as half-width katakana), and does not try a code page similar to one
    it tried (ISO-8859-15 after windows-1252, though they differ on 'œ' and '€').
    """
    readings = _detected(data, from_bytes(data))
    if readings and all(r.paired for r in readings) and min(r.suspicion for r in readings) > _WIDE_SUSPICION:
        single_byte = from_bytes(data, cp_exclusion=_MULTI_BYTE)
        readings += _detected(data, single_byte, first_rank=len(readings))
    if readings and min(r.suspicion for r in readings) > 0:
        readings += _siblings(data, readings)
    return readings


def _siblings(data: bytes, readings: list[_Reading]) -> list[_Reading]:
    """Readings in the code pages similar to the detector's best ones that it did not try itself."""
    tried = {codecs.lookup(name).name for r in readings for name in (r.encoding, *r.aliases)}
    best = min(readings, key=lambda r: r.score)
    siblings: list[_Reading] = []
    for name in IANA_SUPPORTED_SIMILAR.get(codecs.lookup(best.encoding).name.replace("-", "_"), ()):
        if codecs.lookup(name).name in tried:
            continue
        try:
            data.decode(name)
        except UnicodeDecodeError:
            continue
        sibling = _reading(data, name)
        siblings.append(replace(sibling, rank=len(readings) + len(siblings), coherence=best.coherence))
    return siblings


def _detected(data: bytes, matches: Iterable[Any], first_rank: int = 0) -> list[_Reading]:
    readings = []
    for rank, match in enumerate(matches, start=first_rank):
        text = str(match)
        # Encodings that decode to the same text are one reading; name it by the most used of them.
        encoding = min(match.could_be_from_charset, key=_usage_rank)
        paired = len(text) < len(data)
        aliases = tuple(match.could_be_from_charset)
        readings.append(
            _Reading(encoding, text, match.chaos, match.coherence, rank, _suspicion(text), paired, aliases)
        )
    return readings


def _reading(data: bytes, encoding: str) -> _Reading:
    text = data.decode(encoding, errors="replace")
    return _Reading(encoding, text, mess_ratio(text), 0.0, 0, _suspicion(text), len(text) < len(data))


def _declared_reading(data: bytes, label: str) -> _Reading | None:
    try:
        data.decode(label)
    except UnicodeDecodeError:
        return None
    return _reading(data, label)


def _distinct(readings: Iterable[_Reading]) -> list[_Reading]:
    seen: set[str] = set()
    out = []
    for reading in readings:
        if reading.text not in seen:
            seen.add(reading.text)
            out.append(reading)
    return out


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


@cache
def _usage_rank(encoding: str) -> int:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return len(_USAGE)
    return next((i for i, used in enumerate(_USAGE) if codecs.lookup(used).name == name), len(_USAGE))


def _display(encoding: str) -> str:
    return codecs.lookup(encoding).name


# --- what mojibake looks like ---------------------------------------------------------------------


@cache
def _script(char: str) -> str:
    """The script a character belongs to, from the first word of its Unicode name ('' if unnamed)."""
    if char.isascii():
        return "LATIN"
    first = re.split(r"[ -]", unicodedata.name(char, ""), maxsplit=1)[0]  # 'KATAKANA-HIRAGANA ...'
    return "CJK" if first in _EAST_ASIAN else first


def _odd_character(char: str, previous: str, following: str) -> bool:
    """A non-ASCII character that real text does not use where it stands (letters aside)."""
    category = unicodedata.category(char)
    if category[0] == "M":
        # A combining mark belongs after a letter of its script or composes with the one before it.
        if previous and _script(previous) == _script(char):
            return False
        return len(unicodedata.normalize("NFC", previous + char)) != 1
    if category in ("Cc", "Cn", "Co", "Cs"):
        return True
    if category == "Po" and previous.isspace() and following.isalpha() and char not in "¡¿":
        return True  # sentence punctuation closes a word, it does not open one (' ：far')
    if category in ("Zs", "Cf") or char in _COMMON_MARKS:
        return False
    if category[0] in "PS":
        return _script(char) not in _SCRIPT_PUNCTUATION and not 0x3000 <= ord(char) < 0x3040
    return False


@cache
def _compatibility_form(char: str) -> bool:
    """Half-width katakana, Arabic presentation forms, small and vertical variants.

    They exist to round-trip old terminal and typesetting encodings; text keeps the ordinary
    characters, and mojibake of a single-byte text read as Shift_JIS or cp1006 is made of them.
    """
    return unicodedata.decomposition(char).startswith(_COMPATIBILITY_TAGS)


def _suspicion(text: str) -> float:
    """The share of ``text``'s non-ASCII characters (in the sample) that look like mojibake.

    Composed first: cp1258 decodes an Italian 'ì' to a combining accent, which makes 'cosś' of
    'così', and only the composed 'ś' shows that no language writes it beside 'ù'.
    """
    count, seen = _anomalies(unicodedata.normalize("NFC", text[: _ANOMALY_SAMPLE * 4]))
    return count / seen if seen else 0.0


def _anomalies(text: str) -> tuple[int, int]:
    """How many non-ASCII characters of ``text`` look like mojibake rather than writing, of how many.

    Counted: characters that are odd anywhere (`_odd_character`); a capital right after a small
    letter; a run of another script inside a word ('b将tçe'); and letters of Latin, Cyrillic or Greek
    script that the language fitting the rest of them best does not write.
    """
    count = seen = 0
    letters: Counter[str] = Counter()
    for match in _NON_ASCII.finditer(text):
        if seen >= _ANOMALY_SAMPLE:
            break
        seen += 1
        at = match.start()
        char = text[at]
        previous = text[at - 1] if at else ""
        if _compatibility_form(char):
            count += 1
        elif not char.isalpha():
            count += _odd_character(char, previous, text[at + 1 : at + 2])
        elif char.isupper() and previous.islower():
            count += 1
        elif _script(char) in _SCRIPTS_WITH_ALPHABETS:
            lower = char.lower()
            letters[lower if len(lower) == 1 else char] += 1  # 'İ' lowers to 'i' + a combining dot
    count += _foreign_runs(text) + sum(_uncovered(letters, script) for script in _SCRIPTS_WITH_ALPHABETS)
    return min(count, seen), seen


def _foreign_runs(text: str) -> int:
    """Non-ASCII letters of one script wedged inside a word of another script."""
    count = 0
    for word in _WORD.findall(text):
        if word.isascii() or len({_script(char) for char in word}) == 1:
            continue
        runs = _script_runs(word)
        for before, (script, run), after in zip(runs, runs[1:], runs[2:], strict=False):
            if before[0] == after[0] != script:
                count += sum(not char.isascii() for char in run)
    return count


def _script_runs(word: str) -> list[tuple[str, str]]:
    runs: list[tuple[str, str]] = []
    for char in word:
        script = _script(char)
        if runs and runs[-1][0] == script:
            runs[-1] = (script, runs[-1][1] + char)
        else:
            runs.append((script, char))
    return runs


def _uncovered(letters: Counter[str], script: str) -> int:
    """Letters of ``script`` outside the alphabet of the language that covers most of them."""
    own = {letter: n for letter, n in letters.items() if _script(letter) == script}
    total = sum(own.values())
    if not total:
        return 0
    covered = max(sum(n for letter, n in own.items() if letter in alphabet) for alphabet in _ALPHABET_SETS)
    return total - covered
