"""Documents → articles: clean text, metadata with provenance, paragraphs and sentences.

Metadata precedence follows trust: a value supplied with the record (JSON field, feed entry) wins
over what the extractor reads from the page, which wins over what we infer from visible text or
the URL, which wins over what a model detects (the language). Every value keeps its ``Origin`` so a
reader can see why a date is what it is. Numeric dates are read in the order of the outlet's locale
(its language and country domain); where nothing tells the order, the article says so in a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, time
from urllib.parse import urlsplit

import lxml.html

from storyline.clock import as_utc
from storyline.ingest.clean import clean_scraped_text
from storyline.ingest.extract_html import extract_html
from storyline.ingest.language import detect_language
from storyline.ingest.messages import listening
from storyline.ingest.outlets import normalise_outlet, outlet_for_host, web_url
from storyline.ingest.published import (
    check_published,
    day_first_for,
    local_day_shown,
    parse_dateline,
    parse_published,
    read_in_order,
    reads_both_ways,
    states_time,
    url_day,
)
from storyline.ingest.segment import segment
from storyline.models import (
    Article,
    ContentKind,
    Document,
    MetaValue,
    Origin,
    PublishedTime,
    Rejection,
    Supplied,
)

# 'Devdiscourse News Desk | Washington DC | Updated: …' — the desk/bureau byline names the outlet.
_DESK_BYLINE = re.compile(
    r"^\s*(?P<outlet>[A-Z][\w.&' -]{1,40}?)\s+(?:News\s+Desk|Newsroom|Staff|Bureau|Wire)\b"
)
# Keys of ``Article.extra`` for the calendar day the outlet shows when it differs from the day of the
# stored instant (a UTC timestamp just before midnight on a page whose URL names the next day).
LOCAL_DATE_KEY = "published_local_date"
LOCAL_DATE_ORIGIN_KEY = "published_local_date_origin"


class ArticleError(ValueError):
    """A document that cannot become an article; the message is the one-line reason."""


def build_article(document: Document, *, now: datetime) -> Article | Rejection:
    """Turn one document into an article, or say in one line why it cannot be one.

    The document's own warnings (how it was decoded) come first among the article's; what the
    libraries used here say about it (a date parser's time-zone warning) follows, one line each.
    """
    heard: list[str] = []
    try:
        with listening(heard):
            built = (
                _from_html(document, now) if document.kind is ContentKind.HTML else _from_text(document, now)
            )
    except ArticleError as exc:
        return Rejection(document.locator, str(exc))
    except Exception as exc:  # a bug or a library failure on one page must not sink the batch
        reason = " ".join(str(exc).split())[:200]
        return Rejection(document.locator, f"could not process ({type(exc).__name__}: {reason})")
    return replace(built, warnings=(*document.warnings, *built.warnings, *heard))


def _from_html(document: Document, now: datetime) -> Article:
    supplied = document.supplied
    page = extract_html(document.content, supplied.url, now=now)
    if page is None:
        # Feed entries often carry only a short HTML summary that no extractor calls an article.
        if supplied.origin is not Origin.FEED:
            raise ArticleError("no article text found in the HTML page")
        text = _fragment_text(document.content)
        if not text:
            # An image-only summary says no more than no summary: the entry is its headline.
            return _headline(document, now, "feed entry has no text")
        return _assemble(document, text, now)
    return _assemble(
        document,
        page.text,
        now,
        title=page.title,
        outlet=page.outlet,
        url=page.url,
        author=page.author,
        language=page.language,
        published=page.published,
    )


def _from_text(document: Document, now: datetime) -> Article:
    supplied = document.supplied
    if not document.content.strip():
        return _headline(document, now, "record has no text, html or title")
    cleaned = clean_scraped_text(document.content)
    if not cleaned.text.strip():
        raise ArticleError("no text left after removing page chrome")
    language = _language(supplied, None, cleaned.text)
    dateline = cleaned.dateline or cleaned.text[:500]
    dateline_time, ambiguous = read_in_order(
        lambda day_first: parse_dateline(dateline, day_first=day_first),
        day_first_for(language.value, url=web_url(supplied.url)),
    )
    outlet = MetaValue.missing()
    if cleaned.dateline and (desk := _DESK_BYLINE.match(cleaned.dateline)):
        outlet = MetaValue(desk.group("outlet"), Origin.DATELINE)
    return _assemble(
        document,
        cleaned.text,
        now,
        title=MetaValue(cleaned.title, Origin.TEXT) if cleaned.title else MetaValue.missing(),
        outlet=outlet,
        language=language,
        published=(
            PublishedTime(dateline_time, Origin.DATELINE, cleaned.dateline)
            if dateline_time
            else PublishedTime.unknown()
        ),
        extra={"removed_lines": len(cleaned.removed)} if cleaned.removed else None,
        warnings=[_ambiguous_date(cleaned.dateline or dateline[:80], dateline_time)] if ambiguous else None,
    )


def _headline(document: Document, now: datetime, reason: str) -> Article:
    """A record whose only text is its title (aggregator feeds): the headline is all there is."""
    title = document.supplied.title
    if not title or not title.strip():
        raise ArticleError(reason)
    return _assemble(document, title.strip(), now)


def _assemble(
    document: Document,
    text: str,
    now: datetime,
    *,
    title: MetaValue | None = None,
    outlet: MetaValue | None = None,
    url: MetaValue | None = None,
    author: MetaValue | None = None,
    language: MetaValue | None = None,
    published: PublishedTime | None = None,
    extra: dict[str, object] | None = None,
    warnings: list[str] | None = None,
) -> Article:
    """Merge supplied and extracted metadata (supplied first), check the date, segment the text."""
    supplied = document.supplied
    warnings = list(warnings or ())
    url_value = _url(supplied, url, warnings)
    language_value = _language(supplied, language, text)
    feed_title = supplied.extra.get("feed_title")
    titles = [supplied.title, title.value if title else None]
    titles.append(feed_title if isinstance(feed_title, str) else None)
    outlet_value = _outlet(supplied, outlet, url_value, titles)
    page_order = published if document.kind is ContentKind.HTML else None
    published_value = _published(supplied, published, page_order, url_value, language_value, now, warnings)
    extra_values = {**supplied.extra, **(extra or {})}
    if published_value.value and (shown := local_day_shown(published_value.value, url_day(url_value.value))):
        extra_values |= {LOCAL_DATE_KEY: shown.isoformat(), LOCAL_DATE_ORIGIN_KEY: Origin.URL.value}
    paragraphs, sentences = segment(text)
    if not sentences:
        raise ArticleError("no sentences in the text")
    return Article(
        external_id=document.external_id,
        locator=document.locator,
        raw_sha256=document.raw_sha256,
        text=text,
        title=_prefer(supplied, supplied.title, title),
        outlet=outlet_value,
        url=url_value,
        author=_prefer(supplied, supplied.author, author),
        language=language_value,
        published=published_value,
        paragraphs=paragraphs,
        sentences=sentences,
        extra=extra_values,
        warnings=tuple(warnings),
    )


def _prefer(supplied: Supplied, value: str | None, extracted: MetaValue | None) -> MetaValue:
    if value and value.strip():
        return MetaValue(value.strip(), supplied.origin)
    return extracted if extracted is not None else MetaValue.missing()


def _url(supplied: Supplied, extracted: MetaValue | None, warnings: list[str]) -> MetaValue:
    """The supplied URL, else the page's own; only an http(s) address is a URL ('hard::x.html' is an id)."""
    for candidate in (_prefer(supplied, supplied.url, None), extracted or MetaValue.missing()):
        if candidate.value is None:
            continue
        if web_url(candidate.value):
            return candidate
        warnings.append(f"{candidate.value!r} is not an http(s) URL; not kept as the article's URL")
    return MetaValue.missing()


def _language(supplied: Supplied, extracted: MetaValue | None, text: str) -> MetaValue:
    """Supplied or declared language first; else the one the text shows clearly, if it does."""
    chosen = _prefer(supplied, supplied.language, extracted)
    if chosen.value is not None:
        return chosen
    detected = detect_language(text)
    return MetaValue(detected, Origin.DETECTED) if detected else MetaValue.missing()


def _outlet(
    supplied: Supplied, extracted: MetaValue | None, url: MetaValue, titles: list[str | None]
) -> MetaValue:
    """The named outlet if any; else the URL's host, spelled as a title at hand spells it."""
    chosen = _prefer(supplied, supplied.outlet, extracted)
    if chosen.value is None and url.value and urlsplit(url.value).hostname:
        chosen = MetaValue(url.value, Origin.URL)
    if chosen.value is None:
        return chosen
    if chosen.origin is Origin.URL:  # a host, whoever derived it from the URL
        return MetaValue(outlet_for_host(chosen.value, titles), Origin.URL)
    return MetaValue(normalise_outlet(chosen.value), chosen.origin)


def _published(
    supplied: Supplied,
    extracted: PublishedTime | None,
    page_order: PublishedTime | None,
    url: MetaValue,
    language: MetaValue,
    now: datetime,
    warnings: list[str],
) -> PublishedTime:
    """The supplied date if readable, else the extracted one; checked for plausibility.

    Numeric dates follow the outlet's order (``day_first_for``). ``page_order`` is a page's date whose
    raw text the extractor could not order (its raw is then the page's '05/02/2026', read day first):
    the article's language may still tell the order.
    """
    candidate = extracted or PublishedTime.unknown()
    order = day_first_for(language.value, url=url.value)
    if supplied.published:
        text, languages = supplied.published, [language.value] if language.value else []
        parsed, ambiguous = read_in_order(
            lambda day_first: parse_published(text, day_first=day_first, languages=languages), order
        )
        if parsed is None:
            warnings.append(f"unreadable published date {text!r}")
        else:
            candidate = PublishedTime(parsed, supplied.origin, text)
            if ambiguous:
                warnings.append(_ambiguous_date(text, parsed))
    elif page_order and page_order.value and page_order.raw and reads_both_ways(page_order.raw):
        if order is False:
            swapped = page_order.value.replace(month=page_order.value.day, day=page_order.value.month)
            candidate = PublishedTime(swapped, page_order.origin, page_order.raw)
        elif order is None:
            warnings.append(_ambiguous_date(page_order.raw, page_order.value))
    candidate = _as_evidenced(candidate, warnings)
    _, warning = check_published(candidate.value, now=now)
    if warning:
        warnings.append(warning)
        return PublishedTime(None, Origin.NONE, candidate.raw)
    return candidate


def _as_evidenced(published: PublishedTime, warnings: list[str]) -> PublishedTime:
    """The publication time no finer than what was written: a day when no time of day was given
    (a parser's midnight is not a time anybody wrote), else an aware instant. A time of day with no
    zone is read as UTC (``clock.as_utc``), and the article says so."""
    value = published.value
    if not isinstance(value, datetime):
        return published
    written = published.raw if published.raw is not None else value.isoformat()
    if not states_time(written) and value.time() == time(0):
        return replace(published, value=value.date())
    if value.tzinfo is None or value.utcoffset() is None:
        warnings.append(f"published time {written!r} gives no time zone; read as UTC")
        return replace(published, value=as_utc(value))
    return published


def _ambiguous_date(raw: str, value: datetime | date | None) -> str:
    read = f"{value:%d %B %Y}" if value else "day first"
    return (
        f"published date {raw!r} could be read day or month first and nothing tells the outlet's order;"
        f" read as {read}"
    )


_BLOCK_TAGS = frozenset({"p", "div", "li", "br", "h1", "h2", "h3", "h4", "blockquote", "tr"})
# Characters no author writes: what a character reference cut short (``&#2``) parses to.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _fragment_text(html: str) -> str:
    """Plain text of a feed summary, one paragraph per block element.

    The tree is read, never written to: lxml refuses to set text holding control characters,
    which a summary cut inside a character reference parses to, and those are dropped here.
    """
    pieces: list[str] = []
    # A list of a leading string and elements: nothing is assigned, unlike fragment_fromstring.
    for fragment in lxml.html.fragments_fromstring(html):
        if isinstance(fragment, str):
            pieces.append(fragment)
        else:
            pieces.extend(_text_pieces(fragment))
            pieces.append(fragment.tail or "")
    text = _CONTROL_CHARACTERS.sub("", "".join(pieces))
    blocks = (" ".join(block.split()) for block in text.split("\n\n"))
    return "\n\n".join(b for b in blocks if b)


def _text_pieces(element: lxml.html.HtmlElement) -> Iterator[str]:
    """The text of an element in reading order, a paragraph break after each block element."""
    if isinstance(element.tag, str):  # comments and processing instructions hold no visible text
        yield element.text or ""
        for child in element:
            yield from _text_pieces(child)
            yield child.tail or ""
        if element.tag in _BLOCK_TAGS:
            yield "\n\n"
