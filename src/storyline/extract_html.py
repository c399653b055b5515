"""HTML page -> main article text plus metadata, each value tagged with where it came from.

trafilatura finds the article body and the page metadata; htmldate (which trafilatura runs on
the same parsed tree) finds the publication date. We parse the page once, hand the tree to
trafilatura and only re-read the cheap metadata parts of it ourselves, to say *where* the date
came from: htmldate returns only a string, and a date read from a ``<meta>`` tag deserves more
trust than one guessed from the visible text.

Settings were chosen on the dev splits in /work/shared/data with ``bench/extraction.py``; see
bench/EXTRACTION.md for the figures behind each choice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from htmldate.core import examine_header
from htmldate.extractors import extract_url_date, json_search
from htmldate.utils import Extractor as DateOptions
from htmldate.validators import get_max_date, get_min_date
from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.utils import load_html

from storyline.models import MetaValue, Origin, PublishedTime
from storyline.outlets import normalise_outlet, outlet_key

# Date and time with zone when the page gives them; a page giving only a day yields midnight
# without a zone, which _parse_published turns back into a day.
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
_DAY_ONLY_SUFFIX = "T00:00:00"
# A date in the URL (/2024/05/03/) has no time: let <meta>/JSON-LD, which often do, go first.
_DEFER_URL_DATE = True

# ' | ', ' - ', ' – ', ' › ', ' · ', ' :: ' ... between a headline and a site name or section;
# the capture group keeps the separators so the kept parts are rejoined exactly.
_TITLE_SEPARATOR_RE = re.compile(r"(\s+(?:[|\-–—›»·•]|::)\s+)")
_MIN_CONTAINED_KEY = 4

# Keyword arguments for trafilatura.bare_extraction; measured in bench/extraction.py.
_TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,  # reader comments are not the report
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
    "favor_precision": False,
    "favor_recall": False,
}


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
    tree = load_html(html)
    if tree is None:
        return None
    date_params = _date_params()
    document = bare_extraction(
        tree, url=url, with_metadata=True, date_extraction_params=date_params, **_TRAFILATURA_OPTIONS
    )
    if document is None:
        return None
    outlet = _outlet(_clean(document.sitename), url or _clean(document.url))
    title = _headline(_clean(document.title), _leading_heading(document.body), outlet.value)
    text = _paragraphs(document.text or "", title)
    if not text:
        return None
    return ExtractedPage(
        text=text,
        title=_meta(title),
        author=_meta(_clean(document.author)),
        outlet=outlet,
        url=_url(url, _clean(document.url)),
        language=_language(tree),
        published=_published(_clean(document.date), tree, document.url, date_params),
    )


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


def _headline(title: str | None, heading: str | None, outlet: str | None) -> str | None:
    """The article's headline out of a page title such as 'Headline | Site name'.

    Titles often carry the site name, a section or a slogan; the part that repeats the
    article's own heading is the headline, else a first or last part naming the outlet is cut.
    """
    if not title:
        return heading
    parts = _TITLE_SEPARATOR_RE.split(title)
    if len(parts) == 1:
        return title
    if heading and any(part.casefold() == heading.casefold() for part in parts[::2]):
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
    """Primary language subtag declared by <html lang> ('en-US' -> 'en')."""
    declared = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not declared:
        return MetaValue.missing()
    primary = declared.strip().split("-")[0].split("_")[0].lower()
    return MetaValue(primary, Origin.META) if primary.isalpha() else MetaValue.missing()


def _published(
    found: str | None, tree: HtmlElement, url: str | None, params: dict[str, Any]
) -> PublishedTime:
    if found is None:
        return PublishedTime.unknown()
    value, raw = _parse_published(found)
    if value is None:
        return PublishedTime.unknown()
    return PublishedTime(value, _date_origin(found, tree, url, params), raw)


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
