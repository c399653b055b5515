"""HTML page -> main article text plus metadata, each value tagged with where it came from.

trafilatura finds the article body and the page metadata, htmldate the publication date. The
page is parsed once: trafilatura and htmldate both take the lxml tree (trafilatura extracts
from a copy of it). We run the metadata steps ourselves rather than through trafilatura, to skip
the ones whose output we do not keep, and re-read the cheap markup steps of htmldate to say
*where* the date came from: htmldate returns only a string, and a date read from a ``<meta>``
tag deserves more trust than one guessed from the visible text.

Metadata values are plain text: markup inside a ``<title>`` or a ``<meta>`` value is removed, and
the content of ``<script>``/``<style>`` in them is dropped, never kept as words. A date read from the
visible page is looked for in the page without its header, navigation and asides, where a widget
shows today's date. A numeric page date that reads two ways ('05/02/2026') follows the page's
declared locale or its country domain; when neither tells, its raw text is kept so the article can
say the order is a guess.

Settings were chosen on the dev splits in /work/shared/data with ``bench/extraction.py``; see
the "HTML extraction" section of docs/benchmarks.md for the figures behind each choice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import suppress
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from htmldate import find_date
from htmldate.core import examine_header
from htmldate.extractors import extract_url_date, json_search
from htmldate.utils import Extractor as DateOptions
from htmldate.validators import get_max_date, get_min_date
from lxml.etree import ElementDefaultClassLookup, LxmlError, _Element, tostring
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    fragment_fromstring,
    fromstring,
)
from trafilatura import bare_extraction
from trafilatura.metadata import (
    examine_meta,
    examine_title_element,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document
from trafilatura.utils import is_dubious_html, repair_faulty_html

from storyline.clock import system_clock
from storyline.ingest.outlets import is_host, normalise_outlet, outlet_key, web_url
from storyline.ingest.published import day_first_for, split_language_tag
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

# ' | ', ' - ', ' – ', ' -- ', ' // ', ' › ', ' · ', ': ' ... between a headline and a site name or section;
# scripts written without spaces put them between words unspaced ('…发布-新华网', '蔡健雅_百度百科').
# The capture group keeps the separators so the kept parts are rejoined exactly.
_UNSPACED_SCRIPT = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TITLE_SEPARATOR_RE = re.compile(
    rf"(\s+(?:--|::|//|[|ǀ\-–—›»·•:])\s+|:\s+|(?<=[{_UNSPACED_SCRIPT}])\s*[|｜_\-–—]\s*"
    rf"|\s*[|｜_\-–—]\s*(?=[{_UNSPACED_SCRIPT}]))"
)
_MIN_CONTAINED_KEY = 4
_MAX_EXTRA_SITE_WORDS = 2
# Separator marks and spaces left at the ends of a cut title ('mediaarchitecture.de // » Jens Weber').
_DECORATION = " |ǀ-–—›»·•:/"
# Typographic variants a title and its heading spell differently ('–' and '-', '“' and '"', '…').
_LOOSE_PUNCTUATION = str.maketrans(
    {"–": "-", "—": "-", "‐": "-", "‑": "-", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
     "‘": "'", "’": "'", "‚": "'", "…": "..."}
)  # fmt: skip
# Markup in a metadata value ('<b>Elmsby</b> Daily'); '<' alone ('a < b') is text.
_MARKUP_RE = re.compile(r"<[a-zA-Z/!]")
_CODE_TAGS = ("script", "style", "noscript", "template")
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
# whose form APIs neither trafilatura nor htmldate uses. huge_tree lifts libxml2's nesting limit
# from 256 elements to 2,048: real pages nest deeper than 256 (wrappers of wrappers) and libxml2
# silently drops what lies below the limit, often the whole article.
_HTML_PARSER = HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    huge_tree=True,
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


def extract_html(html: str, url: str | None = None, *, now: datetime | None = None) -> ExtractedPage | None:
    """Extract the article of an HTML page; None when the page carries no article text.

    ``url`` is where the page was fetched from; it is kept as the page's URL (origin SUPPLIED),
    helps date and outlet detection, and is never fetched. Nothing here touches the network.
    ``now`` (the caller's clock; default the system's) bounds the dates the page may state.
    """
    tree = _parse(html)
    if tree is None:
        return None
    given = web_url(url)  # an id such as 'hard::site.com-page.html' is no address
    date_params = _date_params(now or system_clock())
    metadata = _page_metadata(tree, given, date_params)
    declared_url = web_url(_clean(metadata.url))
    document = _main_text(tree, given or declared_url)
    if document is None:
        return None
    headings = (_leading_heading(document.body), _first_h1(tree))
    page_title = _plain(metadata.title)
    sitename = _sitename(_plain(metadata.sitename), headings[0])
    outlet = _outlet(sitename, given or declared_url)
    title = _headline(page_title, headings, (outlet.value, sitename))
    text = _paragraphs(document.text or "", title)
    if len(_WORD_RE.findall(text)) < _MIN_ARTICLE_WORDS:
        return None
    language, region = _declared_language(tree)
    return ExtractedPage(
        text=text,
        title=_meta(title),
        author=_meta(_authors(_plain(metadata.author), tree, (sitename, outlet.value))),
        outlet=outlet,
        url=_url(given, declared_url),
        language=_meta(language),
        published=_published(
            _clean(metadata.date),
            _Page(html, tree, metadata.url, day_first_for(language, region, given or declared_url)),
            date_params,
        ),
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
    find_date(_UNMATCHED_DATE_PAGE, **_date_params(system_clock()))


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
    # nested deeper than even huge_tree allows: what lies below was dropped, and the extractors
    # spend seconds on such a chain of wrappers for nothing
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in _HTML_PARSER.error_log):
        return None
    _plain_meta_values(tree)
    return tree


def _plain_meta_values(tree: HtmlElement) -> None:
    """Markup in <meta> values becomes plain text before any metadata step reads them.

    trafilatura strips the tags of a meta value but keeps what a <script> in it says, and its author
    clean-up then mangles the rest ('<script>x()</script>Mira Hollander' gives 'Xmira Hollander').
    """
    head = tree.find("head")  # the metadata steps read <meta> in <head> only
    for meta in head.xpath('.//meta[contains(@content, "<")]') if head is not None else ():
        meta.set("content", _plain(meta.get("content")) or "")


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
    metadata.title = metadata.title or _title(tree)
    metadata.url = metadata.url or extract_url(tree, url)
    metadata.date = find_date(tree, url=metadata.url, **date_params)
    # trafilatura's fallback site name is any dotted part of the <title> ('02.11.2021', a headline
    # with 'U.S.'): it counts only when it is a host or names the page's host ('WEISSER RING e. V.')
    title_sitename = extract_sitename(tree)
    host_key = outlet_key(url or web_url(metadata.url) or "")
    if title_sitename and not (
        is_host(title_sitename)
        or (len(host_key) >= _MIN_CONTAINED_KEY and host_key in outlet_key(title_sitename))
    ):
        title_sitename = None
    metadata.sitename = (metadata.sitename or title_sitename or "").lstrip("@") or None
    metadata.clean_and_trim()  # entities decoded, whitespace and control characters trimmed
    return metadata


def _title(tree: HtmlElement) -> str | None:
    """trafilatura's title search, except that a <title> is taken whole.

    trafilatura keeps the first part of 'Headline - Business' without a dot, cutting a section or
    a subtitle on a guess; _headline cuts only the part that names the outlet.
    """
    title = extract_title(tree)
    whole, *parts = examine_title_element(tree)
    return whole if title and title in parts else title


def _date_params(now: datetime) -> dict[str, Any]:
    # Same as trafilatura's defaults (original publication date, full search, nothing later
    # than today) except for the format: we want the time and zone when the page states them.
    return {
        "original_date": True,
        "extensive_search": True,
        "deferred_url_extractor": _DEFER_URL_DATE,
        "max_date": now.astimezone().strftime("%Y-%m-%d"),
        "outputformat": _DATE_FORMAT,
    }


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(value.split()) or None


def _plain(value: str | None) -> str | None:
    """A metadata value as plain text: tags removed, what <script>/<style> in it say dropped."""
    if value is None or not _MARKUP_RE.search(value):
        return _clean(value)
    try:
        fragment = fragment_fromstring(value, create_parent="div")
    except (LxmlError, ValueError):
        return _clean(value)
    for code in fragment.iter(*_CODE_TAGS):
        code.drop_tree()  # keeps the text after the element
    return _clean(fragment.text_content())


def _loose(text: str) -> str:
    """Comparison form of a title or heading: case, spacing and typographic variants folded."""
    return " ".join(text.translate(_LOOSE_PUNCTUATION).casefold().split())


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


def _headline(
    title: str | None, headings: tuple[str | None, ...], outlet_names: tuple[str | None, ...]
) -> str | None:
    """The article's headline out of a page title such as 'Headline | Site name'.

    Titles often carry the site name, a section or a slogan. A run of parts that repeats one of
    the page's own headings is the headline (spelled as the heading spells it), unless that heading
    is the site's logo; else a last or first part naming the outlet ('CNN Politics', 'Sott.net',
    '新华网') is cut, and the rest kept as it is.
    """
    if not title:
        return next((heading for heading in headings if heading), None)
    parts = _TITLE_SEPARATOR_RE.split(title)
    if len(parts) == 1:
        return title
    names = [name for name in outlet_names if name]
    keys = {outlet_key(name) for name in names}

    def names_site(part: str, separator: str = "") -> bool:
        if is_host(part):
            return True
        # a colon also ends a kicker ('Best of Houzz 2022: …'): there only the outlet's very name counts
        if separator.strip() == ":":
            return outlet_key(part) in keys
        return any(_names_outlet(part, name) for name in names)

    runs = {  # every run of whole parts but the whole title, which is what is being cut
        _loose("".join(parts[first : last + 1]))
        for first in range(0, len(parts), 2)
        for last in range(first, len(parts), 2)
        if last - first < len(parts) - 1
    }
    for heading in headings:
        if heading and _loose(heading) in runs and not names_site(heading):
            return heading
    # A host written in the title ('mediaarchitecture.de // Jens Weber') is the site's name whatever
    # the outlet is called, and goes first: the other end may be a person's site named after them.
    # Cut again while an end still names the site ('Headline - Elmsby Youth Club (EYC) - EYC').
    kept = parts
    while len(kept) > 1:
        if is_host(kept[-1]) or (not is_host(kept[0]) and names_site(kept[-1], kept[-2])):
            kept = kept[:-2]
        elif names_site(kept[0], kept[1]):
            kept = kept[2:]
        else:
            break
    return "".join(kept).strip(_DECORATION) if kept is not parts else title


def _names_outlet(part: str, outlet: str) -> bool:
    """Whether a title part is the outlet's name, possibly with a section ('CNN Politics')."""
    part_key, site_key = outlet_key(part), outlet_key(outlet)
    if not site_key:
        return False
    if part_key == site_key:
        return True
    # A part at most two words longer than the name may hold it: 'Rezept von Backen.de' for
    # 'Backen' (short keys such as 'ap' only match whole), or the name and a section: 'CNN
    # Politics'. A longer part that mentions the site is a headline ('The Guardian view on …').
    words = part.split()
    width = len(outlet.split())
    if len(words) > width + _MAX_EXTRA_SITE_WORDS:
        return False
    return (len(site_key) >= _MIN_CONTAINED_KEY and site_key in part_key) or (
        len(words) > width and outlet_key(" ".join(words[:width])) == site_key
    )


def _sitename(sitename: str | None, article_heading: str | None) -> str | None:
    """The page's site name, unless it is the article's headline (a CMS that fills og:site_name with
    the article title): a title is never an outlet.

    The heading that opens the article body is compared, not the page's <title> or first <h1>:
    those are the site's own name on many pages ('ICON Magazine' as the whole <title>, a logo).
    """
    if sitename is None or (article_heading and _loose(article_heading) == _loose(sitename)):
        return None
    return sitename


def _authors(author: str | None, tree: HtmlElement, outlet_names: tuple[str | None, ...]) -> str | None:
    """The page's author names without the publisher: pages list their company beside the writer
    ('Condé Nast; Tom Bennett'). Names equal (as outlet keys) to the site name, the outlet or an
    organisation the page's JSON-LD names are dropped when another name is left; a lone name stays,
    since a personal site is named after its author. trafilatura joins names with '; '."""
    if author is None or "; " not in author:
        return author
    publishers = {outlet_key(name) for name in (*outlet_names, *_organisations(tree)) if name}
    people = [name for name in author.split("; ") if outlet_key(name) not in publishers]
    return "; ".join(people) if people else author


_ORGANISATION_KEYS = ("publisher", "sourceOrganization", "provider", "copyrightHolder")


def _organisations(tree: HtmlElement) -> Iterator[str]:
    """Names of the organisations in the page's JSON-LD: publishers and anything typed Organization."""
    for script in tree.xpath('.//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except ValueError:  # broken JSON-LD is common; trafilatura falls back to regexes there
            continue
        yield from _organisation_names(data, organisation=False)


def _organisation_names(node: object, *, organisation: bool) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _organisation_names(item, organisation=organisation)
    elif isinstance(node, dict):
        kinds = node.get("@type")
        typed = any(
            "Organization" in kind for kind in (kinds if isinstance(kinds, list) else [kinds]) if kind
        )
        name = node.get("name")
        if (organisation or typed) and isinstance(name, str):
            yield name
        for key, value in node.items():
            yield from _organisation_names(value, organisation=key in _ORGANISATION_KEYS)
    elif organisation and isinstance(node, str) and not web_url(node):
        yield node  # "publisher": "Elmsby Media"


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
    # A site name that is a host ('Sott.net', or one written in the <title>) names the outlet as
    # the URL does, so it counts as derived from a URL; without a site name, the page's URL.
    if sitename and not is_host(sitename):
        return MetaValue(normalise_outlet(sitename), Origin.META)
    host_like = sitename or url
    if host_like:
        return MetaValue(normalise_outlet(host_like), Origin.URL)
    return MetaValue.missing()


def _declared_language(tree: HtmlElement) -> tuple[str | None, str | None]:
    """Primary language subtag and country the page declares ('en-US', 'en_GB' -> 'en', 'gb')."""
    for declared in _declared_languages(tree):
        language, region = split_language_tag(str(declared or ""))
        if language:
            return language, region
    return None, None


def _declared_languages(tree: HtmlElement) -> Iterator[object]:
    yield tree.get("lang")
    yield tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    # searching the whole page for <meta> costs more than the rest of _language: only when needed
    yield from tree.xpath(_LANGUAGE_META_XPATH)


@dataclass(frozen=True, slots=True)
class _Page:
    """What the date steps need to know of a page besides htmldate's answer."""

    html: str
    tree: HtmlElement
    url: str | None  # the address htmldate was given (the page's own when the caller had none)
    day_first: bool | None  # numeric date order of the page's locale, None when it does not say


def _published(found: str | None, page: _Page, params: dict[str, Any]) -> PublishedTime:
    if found is None:
        return PublishedTime.unknown()
    origin = _date_origin(found, page.tree, page.url, params)
    if origin is Origin.DATELINE:
        found = _article_date(page, found[:4], params) or found
    value, raw = _parse_published(found)
    if value is None:
        return PublishedTime.unknown()
    if origin is Origin.DATELINE and raw.endswith(_YEAR_ONLY_SUFFIX):
        return PublishedTime.unknown()
    # htmldate reads numeric dates day first: only a page whose locale may say otherwise is checked
    if origin is not Origin.URL and not page.day_first and (evidence := _numeric_evidence(page.html, value)):
        if page.day_first is None:
            return PublishedTime(value, origin, evidence)  # read day first; the article says so
        value = value.replace(month=value.day, day=value.month)
        raw = f"{evidence}, month first"
    return PublishedTime(value, origin, raw)


# Page chrome above and beside the article: where sites put a widget with today's date, and
# teasers with theirs. A header holding the headline, or inside <article>/<main>, is the article's
# own. Footers stay: the page's "last modified" line is there (wikis), and copyright years are no dates.
_CHROME_XPATH = (
    './/*[self::header or self::nav or self::aside or @role="banner" or @role="navigation"'
    ' or @role="complementary"][not(ancestor::article or ancestor::main or .//h1)]'
)


def _article_date(page: _Page, year: str, params: dict[str, Any]) -> str | None:
    """htmldate's search of the visible page, run again without the page chrome.

    htmldate takes the first date-like element in page order, which on many sites is a widget in
    the header showing today's date, ahead of the byline's. Called only when the date came from the
    visible page: <meta>, JSON-LD and the URL, which come first, are unchanged by the pruning.
    """
    # chrome that does not hold the year found cannot be where the date came from: no second search
    chrome = page.tree.xpath(_CHROME_XPATH)
    if not any(year in tostring(element, encoding="unicode") for element in chrome):
        return None
    pruned = deepcopy(page.tree)
    for element in pruned.xpath(_CHROME_XPATH):
        if element.getparent() is not None:  # not inside an element already dropped
            element.drop_tree()
    found: str | None = find_date(pruned, url=page.url, **params)
    return found


def _numeric_evidence(html: str, value: datetime) -> str | None:
    """The page's own numeric spelling of a date when it reads two ways ('05/02/2026'), else None.

    htmldate reads such dates day first. If the page also writes the date year first (ISO, as
    <meta> and JSON-LD do), that settles it and there is no doubt to report.
    """
    day, month, year = value.day, value.month, value.year
    if day == month or day > 12 or month > 12:
        return None
    if re.search(rf"{year}[-/.]0?{month}[-/.]0?{day}(?!\d)", html):
        return None
    # found by its year, a literal the scan finds fast, then the day and month written before it
    day_month = re.compile(rf"(?:^|[^\d/.-])(0?{day}([./-])0?{month}\2)$")
    for match in re.finditer(rf"(?<!\d){year}(?!\d)", html):
        if written := day_month.search(html[max(0, match.start() - 7) : match.start()]):
            return written.group(1) + str(year)
    return None


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
