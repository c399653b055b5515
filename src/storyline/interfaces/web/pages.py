"""The web pages: server-rendered HTML over the same facade calls as the API.

Templates are Jinja2 with autoescape on for every one of them, so article text, titles, outlets and
URLs are always text, never markup; a link is only ever made from an ``http(s)`` URL. The pages
need no script: a cited sentence is highlighted by CSS ``:target`` on its ``#s-N`` anchor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from storyline.clock import as_utc
from storyline.interfaces.http.api import Reader, Since, run_search
from storyline.interfaces.timeline_formats import strip_marks
from storyline.models import Article

HERE = Path(__file__).parent
STATIC = HERE / "static"
LAST_VISIT_COOKIE = "storyline_last_visit"
PAGE_SIZE = 50

_environment = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
templates = Jinja2Templates(env=_environment)
router = APIRouter(include_in_schema=False)


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL, a link can be made of it; None otherwise (a
    ``javascript:`` or ``data:`` URL is shown as text, never linked)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


_environment.filters["safe_url"] = safe_url


@dataclass(frozen=True, slots=True)
class SentenceText:
    index: int
    text: str
    between: str  # the text before it since the previous sentence (spaces, as the report had)


def paragraphs(article: Article) -> list[list[SentenceText]]:
    """The article's sentences grouped by paragraph, each with its text, for ``#s-N`` anchors."""
    grouped: dict[int, list[SentenceText]] = {}
    previous_end: dict[int, int] = {}
    for index, sentence in enumerate(article.sentences):
        start = previous_end.get(sentence.paragraph, sentence.start)
        grouped.setdefault(sentence.paragraph, []).append(
            SentenceText(
                index, article.text[sentence.start : sentence.end], article.text[start : sentence.start]
            )
        )
        previous_end[sentence.paragraph] = sentence.end
    return [grouped[p] for p in sorted(grouped)]


def _render(request: Request, name: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, values, status_code=status_code)


def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    return _render(request, "error.html", status, status=status, detail=detail)


@router.get("/", response_class=HTMLResponse)
def story_list(
    request: Request,
    tracker: Reader,
    offset: Annotated[int, Query(ge=0)] = 0,
    since: Since = None,
    outlet: str | None = None,
    text: str | None = None,
) -> Response:
    """The stories, latest news first; those that changed since the last visit (a cookie) marked."""
    page = tracker.stories(
        PAGE_SIZE, offset, since=as_utc(since) if since else None, outlet=outlet or None, text=text or None
    )
    last_visit = _last_visit(request.cookies.get(LAST_VISIT_COOKIE))
    response = _render(request, "stories.html", page=page, last_visit=last_visit, text=text or "")
    response.set_cookie(LAST_VISIT_COOKIE, datetime.now(UTC).isoformat(), samesite="strict", httponly=True)
    return response


def _last_visit(cookie: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(cookie) if cookie else None
    except ValueError:
        return None


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: int, tracker: Reader) -> Response:
    view = tracker.story(story_id)
    if view is None:
        return error_page(request, 404, f"no story {story_id}")
    if view.redirected:
        return RedirectResponse(f"/stories/{view.story.id}", status_code=308)
    coverage = view.coverage()
    timeline = tracker.timeline(view.story.id)
    return _render(
        request,
        "story.html",
        view=view,
        coverage=coverage,
        entities=tracker.entities(view.story.id) or [],
        times=tracker.story_time_expressions(view.story.id),
        duplicate_groups=view.duplicate_groups,
        brief=tracker.brief(view.story.id),
        timeline=timeline,
        strip=strip_marks(timeline) if timeline is not None else [],
        comparison=tracker.compare(view.story.id),
    )


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: int, tracker: Reader) -> Response:
    view = tracker.article(article_id)
    if view is None:
        return error_page(request, 404, f"no article {article_id}")
    return _render(
        request,
        "article.html",
        view=view,
        article=view.stored.article,
        paragraphs=paragraphs(view.stored.article),
    )


@router.get("/entities/{key}", response_class=HTMLResponse)
def entity_page(request: Request, key: str, tracker: Reader) -> Response:
    view = tracker.entity(int(key) if key.isdigit() else key)
    if view is None:
        return error_page(request, 404, f"no entity known as {key!r}")
    return _render(request, "entity.html", view=view)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    tracker: Reader,
    q: str = "",
    outlet: str | None = None,
    entity: str | None = None,
    since: Since = None,
    until: Since = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    results = (
        run_search(tracker, q, outlet or None, entity or None, None, since, until, PAGE_SIZE, offset, 5)
        if q.strip()
        else None
    )
    return _render(request, "search.html", q=q, outlet=outlet or "", entity=entity or "", results=results)
