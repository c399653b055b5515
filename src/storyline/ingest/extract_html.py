"""HTML page -> main article text plus metadata, each value tagged with where it came from.

trafilatura finds the article body and the page metadata, htmldate the publication date. The
page is parsed once: trafilatura and htmldate both take the lxml tree (trafilatura extracts
from a copy of it). We run the metadata steps ourselves rather than through trafilatura, to skip
the ones whose output we do not keep, and re-read the cheap markup steps of htmldate to say
*where* the date came from: htmldate returns only a string, and a date read from a ``<meta>``
tag deserves more trust than one guessed from the visible text.

Settings were chosen on the dev splits in /work/shared/data with ``bench/extraction.py``; see
the "HTML extraction" section of docs/benchmarks.md for the figures behind each choice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from htmldate import find_date
from htmldate.core import examine_header
from htmldate.extractors import extract_url_date, json_search
from htmldate.utils import Extractor as DateOptions
from htmldate.validators import get_max_date, get_min_date
from lxml.etree import ElementDefaultClassLookup, LxmlError, _Element
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    fromstring,
)
from trafilatura import bare_extraction
from trafilatura.metadata import (
    examine_meta,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document
from trafilatura.utils import is_dubious_html, repair_faulty_html

from storyline.ingest.outlets import normalise_outlet, outlet_key
from storyline.models import MetaValue, Origin, PublishedTime

# Date and time with zone when the page gives them; a page giving only a day yields midnight
# without a zone, which _parse_published turns back into a day.
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
_DAY_ONLY_SUFFIX = "T00:00:00"
# htmldate's last resorts in the page body are a bare year or the copyright year, returned as
# 1 January: a year is no publication date, and anchoring 'on Tuesday' to it would mislead.
_YEAR_ONLY_SUFFIX = "-01-01"
# A date in the URL (/2024/05/03/) has no time: let <meta>/JSON-LD, which often do, go first.
_DEFER_URL_DATE = True

# ' | ', ' - ', ' – ', ' › ', ' · ', ' :: ' ... between a headline and a site name or section;
# the capture group keeps the separators so the kept parts are rejoined exactly.
_TITLE_SEPARATOR_RE = re.compile(r"(\s+(?:[|\-–—›»·•]|::)\s+)")
_MIN_CONTAINED_KEY = 4
# Fallbacks after <html lang>: the HTTP-equiv header and Open Graph's locale.
_LANGUAGE_META_XPATH = (
    './/meta[translate(@http-equiv, "CONTENT-LANGUAGE", "content-language")="content-language"]/@content'
    ' | .//meta[@property="og:locale"]/@content'
)

# trafilatura returns whatever text is left on a page with no article (a cookie notice, a
# teaser list); fewer words than this is not a report. The shortest real posts in the dev
# sets have ~18 words.
_MIN_ARTICLE_WORDS = 15
_WORD_RE = re.compile(r"\w+")

# Keyword arguments for trafilatura.bare_extraction, chosen with bench/extraction.py on the
# dev sets (F1 Zyte / trafilatura-eval, docs/benchmarks.md): tables hold article text on some
# sites (off: 0.961 / 0.922); deduplicate keeps a cache across calls, which would make one
# page's output depend on the pages before it; favor_precision / favor_recall lose on the
# larger eval set (0.926 / 0.922 against 0.928 for the balanced default).
_TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,  # reader comments are not the report
    "include_tables": True,
    "deduplicate": False,
}
# trafilatura's fast mode (its own extractor only) first; its full cascade (readability and
# justext compared, the escalation retries; ~1.5x the cost) only when the fast text is shorter
# than this. The cascade changes 5 of 119 / 44 of 645 dev pages, and where the fast text is
# long it is as often worse as better; where it is short it mostly finds the missing article.
# F1 fast alone 0.963 / 0.923, cascade on every page 0.959 / 0.928, this gate 0.963 / 0.926
# (baseline, bare trafilatura: 0.949 / 0.923), the cascade running on ~5% of pages. 500
# characters is twice trafilatura's own "too short" mark (MIN_EXTRACTED_SIZE): a teaser.
_FULL_CASCADE_BELOW_CHARS = 500


# trafilatura's parser settings (trafilatura.utils.HTML_PARSER) with lxml's C-level default
# class lookup in place of lxml.html's per-tag one, a Python call for every element object lxml
# creates -- ~2,300 a page over trafilatura's and htmldate's passes and copies, ~7% of
# extraction time. Every element is then a plain HtmlElement (no FormElement, InputElement...),
# whose form APIs neither trafilatura nor htmldate uses.
_HTML_PARSER = HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
)
_HTML_PARSER.set_element_class_lookup(
    ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """What one HTML page says about the article it carries."""

    text: str  # main text; one paragraph per block element, paragraphs joined by "\n\n"
    title: MetaValue
    author: MetaValue
    outlet: MetaValue
    url: MetaValue
    language: MetaValue
    published: PublishedTime  # META/URL from markup or address, DATELINE from the visible page


def extract_html(html: str, url: str | None = None) -> ExtractedPage | None:
    """Extract the article of an HTML page; None when the page carries no article text.

    ``url`` is where the page was fetched from; it is kept as the page's URL (origin SUPPLIED),
    helps date and outlet detection, and is never fetched. Nothing here touches the network.
    """
    tree = _parse(html)
    if tree is None:
        return None
    date_params = _date_params()
    metadata = _page_metadata(tree, url, date_params)
    document = _main_text(tree, url or metadata.url)
    if document is None:
        return None
    outlet = _outlet(_clean(metadata.sitename), url or _clean(metadata.url))
    headings = (_leading_heading(document.body), _first_h1(tree))
    title = _headline(_clean(metadata.title), headings, outlet.value)
    text = _paragraphs(document.text or "", title)
    if len(_WORD_RE.findall(text)) < _MIN_ARTICLE_WORDS:
        return None
    return ExtractedPage(
        text=text,
        title=_meta(title),
        author=_meta(_clean(metadata.author)),
        outlet=outlet,
        url=_url(url, _clean(metadata.url)),
        language=_language(tree),
        published=_published(_clean(metadata.date), tree, metadata.url, date_params),
    )


# A date line in a script dateparser recognises in no language: asking about it makes dateparser load
# and compile the patterns of all its ~200 locales, once per process (global caches).
_UNMATCHED_DATE_PAGE = "<html><body><p>Германия 15 августа 2016, 13:43</p></body></html>"


def warm_up() -> None:
    """Pay the date search's one-time set-up now rather than on some later page.

    The first date string htmldate hands to dateparser that matches no language costs ~2 s of CPU
    (dateparser compiles every locale's patterns); every later one costs ~20 ms. Long-running
    processes and benchmarks call this once up front, as they load models up front.
    """
    find_date(_UNMATCHED_DATE_PAGE, **_date_params())


def _parse(html: str) -> HtmlElement | None:
    """The page's tree, as trafilatura.utils.load_html (pinned 2.3.1) builds it, on our parser.

    The same repairs for libxml2's quirks and the same rejection of text that is not HTML;
    parsing the UTF-8 bytes (load_html's fallback) also takes pages that declare another
    encoding. The trees equal load_html's on all 764 dev pages.
    """
    beginning = html[:50].lower()
    try:
        tree = fromstring(
            repair_faulty_html(html, beginning).encode("utf-8", "surrogatepass"), parser=_HTML_PARSER
        )
    except (LxmlError, ValueError):  # nothing to parse ("Document is empty")
        return None
    # no <html> near the start and under two elements: text or a fragment, not a page
    if is_dubious_html(beginning) and len(tree) < 2:
        return None
    return tree


def _main_text(tree: HtmlElement, url: str | None) -> Document | None:
    """The article body: trafilatura's fast mode, its full cascade when that finds little.

    bare_extraction works on a copy of a tree it is given, so both runs see the same page.
    """
    document = bare_extraction(tree, url=url, fast=True, **_TRAFILATURA_OPTIONS)
    if isinstance(document, Document) and len(document.text or "") >= _FULL_CASCADE_BELOW_CHARS:
        return document
    document = bare_extraction(tree, url=url, **_TRAFILATURA_OPTIONS)
    # None: nothing extractable (a dict only with as_dict)
    return document if isinstance(document, Document) else None


def _page_metadata(tree: HtmlElement, url: str | None, date_params: dict[str, Any]) -> Document:
    """Title, author, URL, site name and date: trafilatura's metadata pass minus what we drop.

    The same steps in the same order as trafilatura.metadata.extract_metadata (pinned 2.3.1,
    whose step functions these are) without three of them. Categories, tags and licence: we do
    not keep them (~4 ms a page). The author search in the visible page when <meta>/JSON-LD
    name none: ~6 ms a page, more than the rest of this pass, for a byline that on the dev
    pages is as often a label ('Article by', 'Name') or a site handle as a person. The site
    name is left as the page gives it (normalise_outlet recases it) and not filled in from
    the URL (_outlet does that).
    """
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:  # a one-word "author" is a site handle
        metadata.author = None
    with suppress(Exception):  # trafilatura guards its JSON-LD reader the same way
        metadata = extract_meta_json(tree, metadata)
    metadata.title = metadata.title or extract_title(tree)
    metadata.url = metadata.url or extract_url(tree, url)
    metadata.date = find_date(tree, url=metadata.url, **date_params)
    metadata.sitename = (metadata.sitename or extract_sitename(tree) or "").lstrip("@") or None
    metadata.clean_and_trim()  # entities decoded, whitespace and control characters trimmed
    return metadata


def _date_params() -> dict[str, Any]:
    # Same as trafilatura's defaults (original publication date, full search, nothing later
    # than today) except for the format: we want the time and zone when the page states them.
    return {
        "original_date": True,
        "extensive_search": True,
        "deferred_url_extractor": _DEFER_URL_DATE,
        "max_date": datetime.now().astimezone().strftime("%Y-%m-%d"),
        "outputformat": _DATE_FORMAT,
    }


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(value.split()) or None


def _meta(value: str | None) -> MetaValue:
    return MetaValue(value, Origin.META) if value else MetaValue.missing()


def _leading_heading(body: _Element | None) -> str | None:
    """Text of the body's first element when it is a heading (usually the page's <h1>)."""
    if body is None or len(body) == 0 or body[0].tag != "head":
        return None
    return _clean("".join(body[0].itertext()))


def _first_h1(tree: HtmlElement) -> str | None:
    h1 = tree.find(".//h1")
    return None if h1 is None else _clean(h1.text_content())


def _headline(title: str | None, headings: tuple[str | None, ...], outlet: str | None) -> str | None:
    """The article's headline out of a page title such as 'Headline | Site name'.

    Titles often carry the site name, a section or a slogan; the part that repeats one of the
    page's own headings is the headline, else a first or last part naming the outlet is cut.
    """
    if not title:
        return next((heading for heading in headings if heading), None)
    parts = _TITLE_SEPARATOR_RE.split(title)
    if len(parts) == 1:
        return title
    texts = {part.casefold() for part in parts[::2]}
    for heading in headings:
        if heading and heading.casefold() in texts:
            return heading
    if outlet and _names_outlet(parts[-1], outlet):
        parts = parts[:-2]
    elif outlet and _names_outlet(parts[0], outlet):
        parts = parts[2:]
    return "".join(parts)


def _names_outlet(part: str, outlet: str) -> bool:
    part_key, site_key = outlet_key(part), outlet_key(outlet)
    # containment catches 'Rezept von Backen.de' for 'Backen'; short keys ('ap') only match whole
    return part_key == site_key or (len(site_key) >= _MIN_CONTAINED_KEY and site_key in part_key)


def _paragraphs(text: str, title: str | None) -> str:
    """One paragraph per line of trafilatura's text, which ends a line at every block element
    and <br>; a leading headline equal to the title is dropped since title is its own field."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    paragraphs = [line for line in lines if line]
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    return "\n\n".join(paragraphs)


def _url(given: str | None, declared: str | None) -> MetaValue:
    # Where the page was fetched is certain; a page's own og:url/canonical is sometimes the
    # site's home page, so it only fills in when the caller knows no URL.
    if given:
        return MetaValue(given, Origin.SUPPLIED)
    return _meta(declared)


def _outlet(sitename: str | None, url: str | None) -> MetaValue:
    # trafilatura falls back to the host name when the page names no site; a dotted "name"
    # is that host (or a host written in the <title>), so it counts as derived from the URL.
    if sitename and "." not in sitename:
        return MetaValue(normalise_outlet(sitename), Origin.META)
    host_like = sitename or url
    if host_like:
        return MetaValue(normalise_outlet(host_like), Origin.URL)
    return MetaValue.missing()


def _language(tree: HtmlElement) -> MetaValue:
    """Primary language subtag the page declares ('en-US', 'en_GB' -> 'en')."""
    for declared in _declared_languages(tree):
        primary = str(declared or "").strip().replace("_", "-").split("-")[0].lower()
        if primary.isalpha() and len(primary) in (2, 3):
            return MetaValue(primary, Origin.META)
    return MetaValue.missing()


def _declared_languages(tree: HtmlElement) -> Iterator[object]:
    yield tree.get("lang")
    yield tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    # searching the whole page for <meta> costs more than the rest of _language: only when needed
    yield from tree.xpath(_LANGUAGE_META_XPATH)


def _published(
    found: str | None, tree: HtmlElement, url: str | None, params: dict[str, Any]
) -> PublishedTime:
    if found is None:
        return PublishedTime.unknown()
    value, raw = _parse_published(found)
    if value is None:
        return PublishedTime.unknown()
    origin = _date_origin(found, tree, url, params)
    if origin is Origin.DATELINE and raw.endswith(_YEAR_ONLY_SUFFIX):
        return PublishedTime.unknown()
    return PublishedTime(value, origin, raw)


def _parse_published(found: str) -> tuple[datetime | None, str]:
    """htmldate's string -> (datetime, raw); raw is 'YYYY-MM-DD' when the page gave only a day."""
    raw = found[: -len(_DAY_ONLY_SUFFIX)] if found.endswith(_DAY_ONLY_SUFFIX) else found
    try:
        return datetime.fromisoformat(found), raw
    except ValueError:
        return None, raw


def _date_origin(found: str, tree: HtmlElement, url: str | None, params: dict[str, Any]) -> Origin:
    """Replay htmldate's first, markup-only steps (<meta>, JSON-LD, URL) on the tree.

    find_date tries these before anything in the page body, so if one of them yields the
    date htmldate returned, that is where it came from; otherwise it came from the body.
    These are htmldate internals (pinned version): it offers no public way to say which
    step found the date.
    """
    options = DateOptions(
        params["extensive_search"],
        get_max_date(params["max_date"]),
        get_min_date(None),
        params["original_date"],
        params["outputformat"],
    )
    if examine_header(tree, options) == found or json_search(tree, options) == found:
        return Origin.META
    if extract_url_date(url, options) == found:
        return Origin.URL
    return Origin.DATELINE
