"""Outlet names: one display form and one comparison key per publisher.

An outlet reaches us in many spellings: a site name from page metadata ('Devdiscourse',
'Wall Street Journal'), a host ('www.devdiscourse.com', 'bbc.co.uk'), a whole URL, or a name
typed by whoever fed us ('DEVDISCOURSE', 'The New York Times'). Independence counting needs two
spellings of one publisher to compare equal, so:

* ``outlet_key`` is the comparison key: lower case, no 'www.', no public suffix, no leading
  'the', no punctuation or spaces, then mapped through a small table of well-known aliases
  (``nytimes`` and ``newyorktimes`` are one key). Compare outlets by this key.
* ``normalise_outlet`` is the display form: the table's name for a well-known outlet, else the
  registered-domain label capitalised for a host ('devdiscourse.com' -> 'Devdiscourse'), else the
  name as written, re-cased only when it is all one case ('DEVDISCOURSE' -> 'Devdiscourse').
* ``outlet_for_host`` improves on a host's capitalised label when a title at hand spells the
  publisher's name ('Inland Courier – Business' for inlandcourier.news -> 'Inland Courier').

Hosts are split with tldextract's bundled public-suffix snapshot: no network, ever. Two kinds of
host do not name their outlet that way: a web archive's capture ('web.archive.org/web/2024…/https://
lemonde.fr/…') is the archived page's, and a hosting platform's subdomain ('schleifen.ucoz.de')
is a site of its own, as the suffix list already says of 'elmsby.blogspot.com'.

Only http(s) addresses are URLs here (``web_url``): an id such as 'hard::site.com-page.html' or a
'javascript:' link is no address, and no outlet is ever read from it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from urllib.parse import urlsplit

import tldextract

# Display name -> the keys that denote it (site-name spellings and registered-domain labels).
# Deliberately short: the outlets our users meet most often, not a directory of the press.
_KNOWN_OUTLETS: dict[str, tuple[str, ...]] = {
    "Associated Press": ("ap", "apnews", "associatedpress", "apnewsservice"),
    "Reuters": ("reuters", "thomsonreuters"),
    "Agence France-Presse": ("afp", "agencefrancepresse"),
    "BBC News": ("bbc", "bbcnews", "bbcworld", "bbcworldservice"),
    "The New York Times": ("nytimes", "newyorktimes", "nyt"),
    "The Guardian": ("guardian", "theguardian", "guardiannews"),
    "CNN": ("cnn", "cnninternational"),
    "Fox News": ("foxnews", "foxnewschannel"),
    "The Wall Street Journal": ("wsj", "wallstreetjournal"),
    "The Washington Post": ("washingtonpost", "washpost"),
    "Bloomberg": ("bloomberg", "bloombergnews"),
    "Al Jazeera": ("aljazeera", "aljazeeraenglish"),
    "NPR": ("npr", "nationalpublicradio"),
    "ABC News": ("abcnews",),
    "CBS News": ("cbsnews",),
    "NBC News": ("nbcnews",),
    "USA Today": ("usatoday",),
    "Los Angeles Times": ("latimes", "losangelestimes"),
    "Financial Times": ("ft", "financialtimes"),
    "The Economist": ("economist",),
    "The Independent": ("independent", "independentuk"),
    "Daily Mail": ("dailymail", "mailonline"),
    "The Times of India": ("timesofindia", "toi"),
    "The Hindu": ("hindu", "thehindu"),
    "Deutsche Welle": ("dw", "deutschewelle"),
    "France 24": ("france24",),
    "Politico": ("politico",),
    "Axios": ("axios",),
    "Yahoo News": ("yahoo", "yahoonews"),
}

# Hosts whose registered domain is shared by unrelated outlets (go.com, indiatimes.com):
# the full host decides which outlet it is.
_HOST_KEYS: dict[str, str] = {
    "abcnews.go.com": "abcnews",
    "timesofindia.indiatimes.com": "timesofindia",
    "economictimes.indiatimes.com": "economictimes",
}

# Registered-domain labels of hosting platforms that give every site a subdomain but are missing
# from the public-suffix list's private section (which covers blogspot, wixsite, github.io ...):
# 'schleifen.ucoz.de' is the site 'Schleifen'. The platform's own pages keep its name.
_HOSTING_PLATFORMS: frozenset[str] = frozenset(
    {
        "ucoz", "narod", "3dn", "my1", "wordpress", "tumblr", "weebly", "jimdofree", "jimdosite",
        "livejournal", "substack", "typepad", "over-blog", "canalblog", "webnode", "squarespace",
        "ghost", "medium",
    }
)  # fmt: skip

_CANONICAL_KEY: dict[str, str] = {
    alias: aliases[0] for aliases in _KNOWN_OUTLETS.values() for alias in aliases
}
_DISPLAY: dict[str, str] = {aliases[0]: name for name, aliases in _KNOWN_OUTLETS.items()}

# A host or URL: optional scheme, dotted labels ending in an alphabetic TLD, optional port/path.
_HOST_RE = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://)?(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,63})\.?(?::\d+)?(?:[/?#].*)?$"
)
# A web archive's capture embeds the archived address in its path, with or without a scheme:
# '/web/20240105120000/https://lemonde.fr/x', '/web/20240105120000id_/lemonde.fr/x', '/wayback/…/http:/x'.
_ARCHIVED_RE = re.compile(
    r"/(?:(?P<scheme>https?):/{1,2}|\d{8,14}[a-z_]*/)(?P<host>[\w-]+(?:\.[\w-]+)*\.[a-z]{2,63})(?=[/:?#]|$)",
    re.IGNORECASE,
)
_NON_WORD_RE = re.compile(r"[\W_]+")
# Separators between a title's parts: 'Headline | Outlet', 'Outlet – Section', 'Outlet: Business'.
_TITLE_PARTS_RE = re.compile(r"\s+[-–—|·•»:]\s+|:\s+")
_LEADING_THE_RE = re.compile(r"^the\s+")
# Names of this length or less in capitals are kept as acronyms (NPR, ANSA); longer ones
# ('DEVDISCOURSE') are shouted site names and get capitalised.
_MAX_ACRONYM_LEN = 5


@cache
def _splitter() -> tldextract.TLDExtract:
    # Bundled suffix list only (suffix_list_urls=()) and no cache directory: never fetch, never
    # write. Private suffixes are on so 'foo.blogspot.com' is the outlet 'foo', not 'blogspot'.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def web_url(value: str | None) -> str | None:
    """The value, stripped, when it is an http(s) address with a host; else None (not a URL)."""
    if not value:
        return None
    candidate = value.strip()
    try:
        parts = urlsplit(candidate)
        valid = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # a malformed port or IPv6 literal
        return None
    return candidate if valid else None


def _host_of(name_or_host: str) -> str | None:
    """The host name when the input is a host or URL, else None (it is a name).

    For a web archive's capture of a page, the archived page's host.
    """
    lowered = name_or_host.strip().lower()
    match = _HOST_RE.match(lowered)
    if match is None:
        return None
    archived = _ARCHIVED_RE.search(lowered, match.end("host"))
    # without a scheme, only a registrable host counts ('/20200102/1000.html' is a file, not a capture)
    if archived and (archived["scheme"] or _splitter()(archived["host"]).suffix):
        host = archived["host"]
    else:
        host = match["host"]
    return host[4:] if host.startswith("www.") else host


def is_host(name_or_host: str) -> bool:
    """Whether the text is a host name or URL ('sott.net', 'https://x.org/a') rather than a name."""
    return _host_of(name_or_host) is not None


def _host_label(host: str) -> str:
    """Registered-domain label of a host: 'news.bbc.co.uk' -> 'bbc'; a hosted site's own label."""
    parts = _splitter()(host)
    if parts.domain in _HOSTING_PLATFORMS and parts.subdomain:
        return parts.subdomain.rsplit(".", 1)[-1]
    return parts.domain or host.split(".")[0]


def _squash(text: str) -> str:
    """Lower case, accents folded, no leading 'the', only letters and digits."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = _LEADING_THE_RE.sub("", " ".join(folded.split()))
    return _NON_WORD_RE.sub("", folded)


def _raw_key(name_or_host: str) -> str:
    host = _host_of(name_or_host)
    if host is None:
        return _squash(name_or_host)
    return _HOST_KEYS.get(host) or _squash(_host_label(host))


def outlet_key(name: str) -> str:
    """Comparison key of an outlet name, host or URL; equal keys mean the same outlet.

    >>> outlet_key("The New York Times") == outlet_key("https://www.nytimes.com/2024/x.html")
    True
    """
    key = _raw_key(name)
    return _CANONICAL_KEY.get(key, key)


def _recase(name: str) -> str:
    """Keep a name's own casing unless it is all one case."""
    if name.isupper() and len(name) <= _MAX_ACRONYM_LEN:
        return name
    if name.isupper() or name.islower():
        return name.title()
    return name


def normalise_outlet(name_or_host: str) -> str:
    """Display form of an outlet; see the module docstring for the rules.

    >>> normalise_outlet("https://www.devdiscourse.com/article/x"), normalise_outlet("DEVDISCOURSE")
    ('Devdiscourse', 'Devdiscourse')
    """
    cleaned = " ".join(name_or_host.split())
    key = outlet_key(cleaned)
    if key in _DISPLAY:
        return _DISPLAY[key]
    host = _host_of(cleaned)
    if host is not None:
        label = _HOST_KEYS.get(host) or _host_label(host)
        return "-".join(part.capitalize() for part in label.split("-"))
    return _recase(cleaned)


def outlet_for_host(host_or_url: str, titles: Iterable[str | None]) -> str:
    """Display name for the outlet behind a host, spelled as one of ``titles`` spells it if any does.

    A host only gives 'Inlandcourier'; a feed titled 'Inland Courier – Business' or a page titled
    'Talks break down | Inland Courier' shows how the publisher writes its name. A title part counts
    only when its comparison key equals the host's, so sections and headlines never become outlets.

    >>> outlet_for_host("https://inlandcourier.news/x", ["Inland Courier – Business"])
    'Inland Courier'
    """
    key = outlet_key(host_or_url)
    if key not in _DISPLAY:
        for title in titles:
            for part in _TITLE_PARTS_RE.split(title or ""):
                if part.strip() and outlet_key(part) == key:
                    return _recase(" ".join(part.split()))
    return normalise_outlet(host_or_url)
