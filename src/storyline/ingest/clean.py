"""Plain-text cleaning for article text scraped from web pages.

A page scraped as text keeps its site chrome: menus, share buttons, "Trending" teaser lists, footers.
``clean_scraped_text`` keeps the report (title, standfirst, dateline, every body sentence) and drops the
chrome with general rules, not site-specific strings:

* **Line rules** mark a line as chrome wherever it is: lines without letters; lines that repeat an
  earlier line (or a truncated "…" copy of one); numbered teaser items (a bare number line and up to
  three non-sentence lines after it); label bullets ('• Country:') and their short values; menus (lines
  made only of menu words like 'Home', 'Subscribe', 'LinkedIn', or short segments joined by '|' '/' '•');
  short ALL-CAPS section labels not followed by a sentence; social/newsletter/contact/legal/cookie
  footers ('Follow us on', e-mail addresses, phone numbers, '©', 'Privacy Policy'). Rules that could hit
  prose only look at lines shorter than body paragraphs or at lines that are not sentences, so body text
  is not lost; only the legal/cookie rule ('©', 'All rights reserved', 'We use cookies') applies to any
  line.
* **Position rules** use the report's shape. The body starts at the first sentence; before it, the
  first headline-like line is the title and anything above the title is chrome. The body ends after the
  last long prose paragraph plus any sentences or credit lines right after it ('(With inputs from
  agencies.)', 'Reporting by …'); from the first non-sentence line after that, the rest of the page is
  teasers and footer and is dropped.

**Title rule**: the first line before the body's first sentence that has 3 to 25 words, does not end
like a sentence (a Title Cased question still counts as a headline), carries no date, is not a byline
('By …') or a label ending in ':', and is not chrome. A clean text that starts with a paragraph has no
title (``None``); the caller may fall back to metadata.

Output text is one paragraph per scraped line (hard-wrapped lines whose continuation starts in lower
case are joined), paragraphs separated by one blank line, whitespace inside lines collapsed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

from storyline.ingest.published import date_in_line, find_dateline

# Paragraphs with at least this many words that end like sentences are body prose; headlines and
# teasers are shorter.
_LONG_WORDS: Final = 20
_TITLE_WORDS: Final = range(3, 26)
_MENU_MAX_WORDS: Final = 8
_LABEL_MAX_WORDS: Final = 5
_BULLET_VALUE_MAX_WORDS: Final = 4
_TEASER_MAX_LINES: Final = 3  # headline, its repeat, its section label
_REPEAT_MIN_SENTENCE_WORDS: Final = 8  # a repeated short sentence may be real speech ("No.")
_TRUNCATED_MIN_CHARS: Final = 20

_INVISIBLE: Final = "\u200b\ufeff\u2060\u00ad"  # zero-width space, BOM, joiner, soft hyphen
_CLOSERS: Final = "\"'”’)]"  # may follow a sentence's final stop: 'he said."', '(… agencies.)'
_BARE_NUMBER_RE: Final = re.compile(r"\d{1,3}[.)]?")
_HAS_LETTER_RE: Final = re.compile(r"[^\W\d_]")
_WORD_RE: Final = re.compile(r"[^\W\d_]+")
_BULLET_RE: Final = re.compile(r"[•·▪◦‣●■*–-]\s")
_LABEL_BULLET_RE: Final = re.compile(r"[•·▪◦‣●■*–-]\s*[^\W\d_][\w .&/()'-]{0,40}:")
_MENU_SEPARATORS: Final = "|/•·»>"
_MENU_SEPARATOR_RE: Final = re.compile(rf"\s+[{_MENU_SEPARATORS}]\s+")
_BYLINE_RE: Final = re.compile(r"(?i:by)\s+\w")
_CREDIT_RE: Final = re.compile(
    r"(?i)[(\[—–-]*\s*(?:with inputs from|(?:additional\s+)?(?:reporting|writing|editing)\s+by|"
    r"compiled by|source:|sources:)"
)
# Footer/legal/cookie text: safe on any line that is not body-length prose, and cookie banners are long.
# The patterns below run on lower-cased text (case-insensitive matching is several times slower).
_LEGAL_RE: Final = re.compile(
    r"©|\(c\)\s*\d{4}|\b(?:all rights reserved\b|copyright\s*(?:©|\d{4})|we use cookies\b"
    r"|(?:accept|allow|reject|manage)\s+(?:all\s+)?cookies\b|cookie\s+(?:policy|settings|preferences|notice))"
)
# Social/newsletter/contact/navigation phrases: only checked on lines shorter than body prose.
_PROMO_RE: Final = re.compile(
    r"\b(?:(?:phone|tel|telephone|fax|mobile|whatsapp)\s*[:.]?\s*\+?\(?\d|follow us\b|connect (?:with )?us\b"
    r"|share (?:this|on)\s+(?:article|story|page|post|facebook|x\b|twitter|whatsapp|linkedin)"
    r"|(?:subscribe|sign up|register)\b.{0,30}\bnewsletters?\b|skip to (?:main )?(?:content|navigation)\b"
    r"|click here\b|download (?:our|the) app\b|privacy policy\b"
    r"|terms (?:of|and) (?:use|service|conditions)\b)"
    r"|^(?:advertisement|advertising|sponsored(?: content)?|ad)$"
)
# First words of the _PROMO_RE phrases: a line without any of them cannot match.
_PROMO_TRIGGER_WORDS: Final = """phone tel telephone fax mobile whatsapp follow connect share subscribe sign
    register skip click download privacy terms advertisement advertising sponsored ad"""
# One of them as a whole word (a maximal run of letters, as _WORD_RE finds words).
_PROMO_TRIGGER_RE: Final = re.compile(
    r"(?<![^\W\d_])(?:"
    + "|".join(sorted(_PROMO_TRIGGER_WORDS.split(), key=len, reverse=True))
    + r")(?![^\W\d_])"
)
_EMAIL_RE: Final = re.compile(r"[\w.+-]@[\w-]+\.[a-z]{2,}")
# A navigation label that opens a line, alone or followed by a separator ('Read more: …', 'ALSO READ | …').
_NAV_LABEL_RE: Final = re.compile(
    r"(?:related(?: articles| stories| topics| coverage| content| news)?|read more|read also|also read"
    r"|see also|more on this(?: story)?|recommended(?: for you)?|most (?:read|popular|viewed|shared)"
    r"|latest news|top stories|you may also like|more from [\w ]{1,30})\s*(?:[:|»>]|$)"
)
_MENU_VOCABULARY: Final = """
    home menu search login logout log sign in up out register subscribe subscription subscriptions
    newsletter newsletters account profile contact about us more latest news top stories trending popular
    most read viewed shared related topics recommended sections section advertisement advertising ad ads
    sponsored feedback give share follow facebook twitter x linkedin instagram youtube rss quora whatsapp
    telegram tiktok pinterest reddit threads email print comments comment back to next previous prev left
    right skip content main navigation nav close open privacy policy terms of use service cookies cookie
    disclaimer sitemap careers help faq video videos podcast podcasts listen watch live world sport sports
    business politics tech technology science health entertainment opinion weather culture lifestyle travel
    local national international edition editions"""
_MENU_WORDS: Final = frozenset(_MENU_VOCABULARY.split())


@dataclass(frozen=True, slots=True)
class CleanedText:
    """The report text of a scraped page, with what was recognised and what was dropped."""

    text: str  # paragraphs separated by one blank line
    title: str | None  # the headline line, also the first paragraph of ``text``
    dateline: str | None  # the line carrying the publication date ('… | Updated: 05-02-2026 06:25 IST')
    removed: tuple[str, ...]  # dropped lines in page order, for debugging and provenance


class _Line(NamedTuple):  # a NamedTuple: built once per line, and much cheaper than a frozen dataclass
    text: str
    words: int
    sentence: bool  # ends like a sentence (a truncated teaser ending in '...' does not)
    long: bool  # body-length prose

    @classmethod
    def of(cls, text: str) -> _Line:
        words = text.count(" ") + 1
        core = text.rstrip(_CLOSERS)
        if core.endswith(("?", "!")):
            sentence = not _is_title_cased_question(text)
        else:  # '...' ends a truncated teaser, not a sentence
            sentence = core.endswith(".") and not core.endswith("..")
        return cls(text, words, sentence, sentence and words >= _LONG_WORDS)


def clean_scraped_text(raw: str) -> CleanedText:
    """Keep the report of a scraped page and drop its site chrome (see the module docstring)."""
    lines = [_Line.of(text) for text in _paragraphs(raw)]
    chrome = _mark_chrome(lines)
    start = next((i for i, line in enumerate(lines) if line.sentence and not chrome[i]), len(lines))
    end = _body_end(lines, chrome, start)
    title = _title_index(lines, chrome, start)
    first_kept = 0 if title is None else title
    keep = [first_kept <= i <= end and not chrome[i] for i in range(len(lines))]
    dateline = find_dateline([line.text for line in lines[: end + 1]])
    return CleanedText(
        text="\n\n".join(line.text for line, kept in zip(lines, keep, strict=True) if kept),
        title=None if title is None else lines[title].text,
        dateline=None if dateline is None else lines[dateline[0]].text,
        removed=tuple(line.text for line, kept in zip(lines, keep, strict=True) if not kept),
    )


def _paragraphs(raw: str) -> list[str]:
    """Non-blank lines with whitespace collapsed; a hard-wrapped continuation joins its line."""
    paragraphs: list[str] = []
    after_blank = True
    for invisible in _INVISIBLE:  # str.replace finds nothing fast; a regex scans the whole page
        raw = raw.replace(invisible, "")
    for raw_line in raw.splitlines():
        text = _collapse_spaces(raw_line)
        if not text:
            after_blank = True
            continue
        if not after_blank and paragraphs and _continues(paragraphs[-1], text):
            paragraphs[-1] += " " + text
        else:
            paragraphs.append(text)
        after_blank = False
    return paragraphs


def _collapse_spaces(line: str) -> str:
    """``" ".join(line.split())``, without splitting the many lines that have nothing to collapse.

    Every whitespace character but the space is unprintable, so a printable line holds only spaces.
    """
    if line.isprintable() and "  " not in line and line[:1] != " " and line[-1:] != " ":
        return line
    return " ".join(line.split())


def _continues(previous: str, text: str) -> bool:
    # A line cut mid-sentence by wrapping: the next line goes on in lower case.
    return text[0].islower() and previous[-1] not in ".!?:;\"'”’)]"


def _is_title_cased_question(text: str) -> bool:
    """'Is Its Care System Fit for Purpose?' is a headline, 'Is it fit for purpose?' a sentence."""
    words = [word for word in _WORD_RE.findall(text) if len(word) > 3]
    return bool(words) and sum(word[0].isupper() for word in words) >= 0.8 * len(words)


def _mark_chrome(lines: Sequence[_Line]) -> list[bool]:
    """Position-independent chrome: True for lines that are never part of a report."""
    chrome = [
        _is_chrome_line(line, lines[i + 1] if i + 1 < len(lines) else None) for i, line in enumerate(lines)
    ]
    _mark_repeats(lines, chrome)
    _mark_runs(lines, chrome)
    return chrome


def _is_chrome_line(line: _Line, following: _Line | None) -> bool:
    text = line.text
    lowered = text.lower()
    if not _HAS_LETTER_RE.search(text) or _is_legal(lowered):
        return True
    if line.long:
        return False
    if _is_promo(lowered) or _NAV_LABEL_RE.match(lowered):
        return True
    if line.sentence:
        return False
    return (
        _is_menu(line, lowered)
        or _is_separated_menu(text)
        or _is_section_label(line, following)
        or _LABEL_BULLET_RE.fullmatch(text) is not None
    )


def _is_legal(lowered: str) -> bool:
    # Substring tests first: the regex is slow on long paragraphs, and almost none contain these.
    hinted = "©" in lowered or "(c)" in lowered or "rights reserved" in lowered or "cookie" in lowered
    return (hinted or "copyright" in lowered) and _LEGAL_RE.search(lowered) is not None


def _is_promo(lowered: str) -> bool:
    # The trigger-word test spares most lines the full regex, which costs microseconds per line.
    if _PROMO_TRIGGER_RE.search(lowered) and _PROMO_RE.search(lowered):
        return True
    return "@" in lowered and _EMAIL_RE.search(lowered) is not None


def _is_menu(line: _Line, lowered: str) -> bool:
    if line.words > _MENU_MAX_WORDS:
        return False
    words = set(_WORD_RE.findall(lowered))
    return bool(words) and words <= _MENU_WORDS


def _is_separated_menu(text: str) -> bool:
    """'Home | World | Sport', 'OPINION / BLOG / INTERVIEW': short items between separators."""
    if not any(separator in text for separator in _MENU_SEPARATORS):  # most lines: skip the regex
        return False
    segments = _MENU_SEPARATOR_RE.split(text)
    return (
        len(segments) >= 3
        and all(segment.count(" ") < 4 for segment in segments)
        and date_in_line(text) is None  # 'Desk | Washington DC | Updated: 05-02-2026' is a dateline
    )


def _is_section_label(line: _Line, following: _Line | None) -> bool:
    # 'TRENDING', 'OTHER LINKS': an ALL-CAPS label that does not introduce prose (a subheading does).
    return (
        line.words <= _LABEL_MAX_WORDS
        and line.text.isupper()
        and (following is None or not following.sentence)
    )


def _mark_repeats(lines: Sequence[_Line], chrome: list[bool]) -> None:
    """Repeated headlines (and '…'-truncated copies of earlier lines) are teasers; keep the first."""
    seen: set[str] = set()
    earlier: list[str] = []  # sorted, so a prefix lookup is a bisection, not a scan of the page
    for i, line in enumerate(lines):
        key = line.text.casefold()
        truncated = key.removesuffix("...").removesuffix("…").rstrip()
        if key in seen:
            chrome[i] = chrome[i] or not line.sentence or line.words >= _REPEAT_MIN_SENTENCE_WORDS
        elif truncated != key and len(truncated) >= _TRUNCATED_MIN_CHARS:
            at = bisect.bisect_left(earlier, truncated)
            chrome[i] = chrome[i] or (at < len(earlier) and earlier[at].startswith(truncated))
        if key not in seen:
            seen.add(key)
            bisect.insort(earlier, key)


def _mark_runs(lines: Sequence[_Line], chrome: list[bool]) -> None:
    """Lines that belong to a chrome line before them: teaser items and label-bullet values."""
    for i, line in enumerate(lines):
        if _BARE_NUMBER_RE.fullmatch(line.text):
            _mark_following(lines, chrome, i, _is_teaser_part, _TEASER_MAX_LINES)
        elif _LABEL_BULLET_RE.fullmatch(line.text):
            _mark_following(lines, chrome, i, _is_bullet_value, len(lines))


def _mark_following(
    lines: Sequence[_Line], chrome: list[bool], index: int, belongs: Callable[[_Line], bool], limit: int
) -> None:
    for j in range(index + 1, min(index + 1 + limit, len(lines))):
        if not belongs(lines[j]):
            return
        chrome[j] = True


def _is_teaser_part(line: _Line) -> bool:
    # Stop at a sentence: a short report paragraph may follow the last teaser directly.
    return not line.sentence and not _BARE_NUMBER_RE.fullmatch(line.text)


def _is_bullet_value(line: _Line) -> bool:
    return (
        _BULLET_RE.match(line.text) is not None
        and line.words <= _BULLET_VALUE_MAX_WORDS + 1  # the bullet sign counts as a word
        and not line.sentence
    )


def _body_end(lines: Sequence[_Line], chrome: Sequence[bool], start: int) -> int:
    """Index of the report's last line: the last long paragraph, then the sentences/credits after it."""
    body = [i for i in range(start, len(lines)) if not chrome[i]]
    anchors = [i for i in body if lines[i].long] or [i for i in body if lines[i].sentence]
    if not anchors:
        return len(lines) - 1  # no prose at all: nothing tells us where the body ends, keep it
    end = anchors[-1]
    # Sentences right after the last paragraph belong to it (chrome among them is dropped anyway); the
    # first heading-like line starts the teasers and footer, so a sentence after it is a teaser.
    for i in range(end + 1, len(lines)):
        if not (lines[i].sentence or _CREDIT_RE.match(lines[i].text)):
            break
        end = i
    return end


def _title_index(lines: Sequence[_Line], chrome: Sequence[bool], start: int) -> int | None:
    for i in range(start):
        if not chrome[i] and _is_title_like(lines[i]):
            return i
    return None


def _is_title_like(line: _Line) -> bool:
    return (
        line.words in _TITLE_WORDS
        and not line.sentence
        and not line.text.endswith(":")
        and _BYLINE_RE.match(line.text) is None
        and date_in_line(line.text) is None
        and _mostly_words(line.text)
    )


def _mostly_words(text: str) -> bool:
    """Whether most space-separated tokens hold a letter: a headline is words, while a timestamp the
    date parser does not read ('POSTED: 04 / 02 / 07, 9: 00 PM PDT |') is mostly figures and marks."""
    tokens = text.split()
    return 2 * sum(1 for t in tokens if any(c.isalpha() for c in t)) > len(tokens)
