"""The web pages: server-rendered HTML over the same facade calls as the API.

Templates are Jinja2 with autoescape on for every one of them, so article text, titles, outlets and
URLs are always text, never markup; a link is only ever made from an ``http(s)`` URL. The pages
need no script: a cited sentence is highlighted by CSS ``:target`` on its ``#s-N`` anchor, and an
editor corrects a story through plain HTML forms (see the section on signing in below).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from storyline.clock import as_utc
from storyline.interfaces.http.api import SESSION_COOKIE, Reader, Since, context, refusals, run_search
from storyline.interfaces.http.context import ServerContext
from storyline.interfaces.lineage import correction_line
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
_environment.filters["correction_line"] = correction_line


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
def story_page(request: Request, story_id: int, tracker: Reader, since: Since = None) -> Response:
    """A story; with ``since``, what is new in it since then comes first. An editor who signed in
    sees the forms that correct it."""
    view = tracker.story(story_id)
    if view is None:
        return error_page(request, 404, f"no story {story_id}")
    if view.redirected:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/stories/{view.story.id}{query}", status_code=308)
    coverage = view.coverage()
    timeline = tracker.timeline(view.story.id)
    ctx = context(request)
    signed_in = ctx.signed_in(request.cookies.get(SESSION_COOKIE))
    return _render(
        request,
        "story.html",
        view=view,
        coverage=coverage,
        entities=tracker.entities(view.story.id) or [],
        times=tracker.story_time_expressions(view.story.id),
        duplicate_groups=view.duplicate_groups,
        brief=tracker.brief(view.story.id),
        brief_changes=tracker.brief_changes(view.story.id),
        timeline=timeline,
        strip=strip_marks(timeline) if timeline is not None else [],
        comparison=tracker.compare(view.story.id),
        changes=tracker.changes(as_utc(since), view.story.id) if since is not None else None,
        signed_in=signed_in,
        form_token=ctx.form_token if signed_in else "",
        outlets=sorted({a.outlet for a in view.articles if a.outlet}),
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


# -- signing in, and editors' corrections through forms --------------------------------------------
# A page write needs three things a post from another site cannot have together: the session
# cookie (HttpOnly and SameSite=Strict, so a browser sends it only from this site), this site as
# the post's Origin (when the browser names one), and the form token that only this site's pages
# carry. After a write the browser is sent back to the story (303 See Other), so that reloading
# the page never posts again.


def _same_site(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        raise HTTPException(403, "a post from another site is refused")


def editor(request: Request, form_token: Annotated[str, Form()] = "") -> ServerContext:
    """The server's context, for a page write by an editor who signed in from this site."""
    _same_site(request)
    ctx = context(request)
    if not ctx.signed_in(request.cookies.get(SESSION_COOKIE)):
        raise HTTPException(401, "sign in with the token to correct stories")
    if not ctx.form_token_matches(form_token):
        raise HTTPException(403, "this form did not come from this site: reload the page and try again")
    return ctx


Editor = Annotated[ServerContext, Depends(editor)]
Why = Annotated[str, Form(max_length=2_000)]


def _local(path: str) -> str:
    """``path`` when it is a path on this site, else the front page: sign-in never sends a browser
    elsewhere."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "/") -> Response:
    return _sign_in_form(request, next, 200)


def _sign_in_form(request: Request, next: str, status: int) -> HTMLResponse:
    reads_closed = not context(request).open_reads
    return _render(
        request, "sign-in.html", status, next=_local(next), failed=status == 401, reads_closed=reads_closed
    )


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(request: Request, token: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> Response:
    _same_site(request)
    ctx = context(request)
    if not ctx.authorised(token.strip()):
        return _sign_in_form(request, next, 401)
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        ctx.session,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    _same_site(request)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict")
    return response


def _back_to(story_id: int) -> Response:
    return RedirectResponse(f"/stories/{story_id}", status_code=303)


@router.post("/stories/{story_id}/rename")
def rename_form(story_id: int, ctx: Editor, name: Annotated[str, Form()], why: Why = "") -> Response:
    with refusals(), ctx.writer() as tracker:
        view = tracker.rename_story(story_id, name, by=ctx.token_name, why=why)
    return _back_to(view.story.id)


@router.post("/stories/{story_id}/merge")
def merge_form(story_id: int, ctx: Editor, other: Annotated[str, Form()], why: Why = "") -> Response:
    if not other.strip().isdigit():
        raise HTTPException(400, f"{other!r} is not a story id")
    with refusals(), ctx.writer() as tracker:
        view = tracker.merge_stories(story_id, int(other), by=ctx.token_name, why=why)
    return _back_to(view.story.id)


@router.post("/stories/{story_id}/move")
def move_form(
    story_id: int,
    ctx: Editor,
    articles: Annotated[list[int] | None, Form()] = None,
    why: Why = "",
) -> Response:
    if not articles:
        raise HTTPException(400, "tick the articles to move out")
    with refusals(), ctx.writer() as tracker:
        tracker.move_articles(story_id, articles, by=ctx.token_name, why=why)
    return _back_to(story_id)


class MuteAction(StrEnum):
    MUTE = "mute"
    UNMUTE = "unmute"


@router.post("/stories/{story_id}/mute")
def mute_form(
    story_id: int,
    ctx: Editor,
    action: Annotated[MuteAction, Form()] = MuteAction.MUTE,
    article: Annotated[str, Form()] = "",
    outlet: Annotated[str, Form()] = "",
    why: Why = "",
) -> Response:
    """Mute (or unmute) an article, by its id, or an outlet; the story page shows it again."""
    if bool(article.strip()) == bool(outlet.strip()):
        raise HTTPException(400, "name an article or an outlet")
    if article.strip() and not article.strip().isdigit():
        raise HTTPException(400, f"{article!r} is not an article id")
    with refusals(), ctx.writer() as tracker:
        change = tracker.mute if action is MuteAction.MUTE else tracker.unmute
        change(
            article=int(article) if article.strip() else None,
            outlet=outlet.strip() or None,
            by=ctx.token_name,
            why=why,
        )
    return _back_to(story_id)
