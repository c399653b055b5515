"""The JSON API: every endpoint is one facade call, turned into JSON (or JSONL, CSV, Atom).

Lists are paged (``limit``, ``offset``) and come back as ``{"items", "total", "offset", "limit"}``;
``format=jsonl`` or ``format=csv`` exports the same list, every page of it when ``limit`` is left
out. Bad input is a 4xx with a JSON body ``{"detail": …}``; an ingest checks its whole body before
it stores anything.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response

from storyline.claims.brief import BRIEF_SIZE, BriefOrder
from storyline.clock import as_utc
from storyline.interfaces import timeline_formats
from storyline.interfaces.http import schemas
from storyline.interfaces.http.atom import article_entry, atom_feed, change_entries
from storyline.interfaces.http.context import MAX_RECORDS, ServerContext
from storyline.interfaces.http.encode import plain
from storyline.interfaces.output import write_csv, write_jsonl
from storyline.store.records import WatchState
from storyline.tracker import Tracker
from storyline.views import ChangesView, IngestReport, Page, SearchResults, StoryView

# The cookie a page reader who signed in with the token carries (see ``ServerContext.session``).
SESSION_COOKIE = "storyline_session"


class ListFormat(StrEnum):
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"


def context(request: Request) -> ServerContext:
    found: ServerContext = request.app.state.context
    return found


def _presented_token(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def reader(request: Request) -> Tracker:
    """The reading tracker; refuses a request without the token, or the session cookie of a page
    reader who signed in, when reads need one. (A read changes nothing, so the cookie, which a
    browser sends only from this site's own pages, may stand for the token.)"""
    ctx = context(request)
    if not (
        ctx.open_reads
        or ctx.authorised(_presented_token(request))
        or ctx.signed_in(request.cookies.get(SESSION_COOKIE))
    ):
        raise HTTPException(401, "this server needs the token to read: Authorization: Bearer <token>")
    return ctx.reader


def write_access(request: Request) -> ServerContext:
    ctx = context(request)
    if not ctx.authorised(_presented_token(request)):
        raise HTTPException(401, "writing needs the token: Authorization: Bearer <token>")
    return ctx


Reader = Annotated[Tracker, Depends(reader)]
Writer = Annotated[ServerContext, Depends(write_access)]
Limit = Annotated[int | None, Query(ge=1, le=10_000, description="Items per page; all when left out.")]
Offset = Annotated[int, Query(ge=0, description="Items to skip.")]
Format = Annotated[ListFormat, Query(description="json (a page), jsonl or csv (an export).")]
Since = Annotated[datetime | None, Query(description="ISO date or date and time; UTC when no zone.")]
SinceRequired = Annotated[
    datetime, Query(description="ISO date or date and time (UTC when no zone); ask next from `until`.")
]
# What the store's Atom feed covers when its reader does not say since when.
STORE_FEED_SPAN = timedelta(days=7)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

router = APIRouter(prefix="/api")


def _utc(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def _page(
    page: Page[Any], records: Iterable[Mapping[str, Any]], fmt: ListFormat, fields: list[str]
) -> Response:
    """A page as JSON, or its records as a JSONL or CSV export."""
    rows = list(records)
    if fmt is ListFormat.JSON:
        return JSONResponse(
            {"items": plain(rows), "total": page.total, "offset": page.offset, "limit": page.limit}
        )
    buffer = io.StringIO()
    if fmt is ListFormat.JSONL:
        write_jsonl(plain(rows), buffer)
        return Response(buffer.getvalue(), media_type="application/x-ndjson")
    write_csv(plain(rows), fields, buffer)
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8")


def _records(items: Iterable[Any]) -> list[dict[str, Any]]:
    """Flat records of summary rows (dataclasses of plain values)."""
    return [dict(plain(item)) for item in items]


def _fields(records: list[dict[str, Any]], default: list[str]) -> list[str]:
    return list(records[0]) if records else default


# -- stories ------------------------------------------------------------------------------------
@router.get("/stories", summary="Stories, the latest news first", response_model=schemas.StoryList)
def list_stories(
    tracker: Reader,
    limit: Limit = 50,
    offset: Offset = 0,
    since: Since = None,
    outlet: str | None = None,
    entity: str | None = None,
    text: Annotated[str | None, Query(description="Keywords one of the story's articles holds.")] = None,
    format: Format = ListFormat.JSON,
) -> Response:
    page = tracker.stories(limit, offset, since=_utc(since), outlet=outlet, entity=entity, text=text)
    records = _records(page.items)
    return _page(page, records, format, _fields(records, ["id"]))


@router.get(
    "/stories/{story_id}",
    summary="A story: articles, duplicates, coverage, entities, times, lineage",
    response_model=schemas.StoryDocument,
)
def get_story(story_id: int, tracker: Reader) -> Response:
    view = tracker.story(story_id)
    if view is None:
        raise HTTPException(404, f"no story {story_id}")
    if view.redirected:  # an absorbed id: the story it went into, permanently
        return RedirectResponse(f"/api/stories/{view.story.id}", status_code=308)
    return JSONResponse(story_json(tracker, view))


def story_json(tracker: Tracker, view: StoryView) -> dict[str, Any]:
    """A story with everything known about it: its articles, coverage, entities and times, its
    lineage, its timeline, its claim groups, its brief and the brief's change log."""
    story_id = view.story.id
    times = tracker.story_time_expressions(story_id)
    encoded: dict[str, Any] = plain(
        {
            "story": view.story,
            "articles": view.articles,
            "duplicate_groups": view.duplicate_groups,
            "coverage": view.coverage(),
            "entities": tracker.entities(story_id) or [],
            "time_expressions": times.expressions if times else [],
            "merges": view.merges,
            "splits": view.splits,
            "corrections": view.corrections,
            "muted_articles": view.muted_articles,
            "muted_outlets": view.muted_outlets,
        }
    )
    return encoded | {
        "timeline": _timeline_json(tracker, story_id),
        "claims": _claims_json(tracker, story_id),
        "brief": _brief_json(tracker, story_id, BriefOrder.IMPORTANCE, BRIEF_SIZE),
    }


def _timeline_json(tracker: Tracker, story_id: int) -> dict[str, Any] | None:
    view = tracker.timeline(story_id)
    return timeline_formats.to_json(view) if view is not None else None


def _claims_json(tracker: Tracker, story_id: int) -> dict[str, Any] | None:
    view = tracker.compare(story_id)
    return plain(view.as_dict()) if view is not None else None


def _brief_json(tracker: Tracker, story_id: int, order: BriefOrder, size: int) -> dict[str, Any] | None:
    """The brief with its change log (``changes``: each state of the brief and what it gained,
    lost and re-marked); None for a story that never was."""
    view = tracker.brief(story_id, order, size)
    history = tracker.brief_changes(story_id)
    if view is None or history is None:
        return None
    encoded: dict[str, Any] = plain(view.as_dict() | {"changes": history.as_records()})
    return encoded


def _story_part(
    request: Request, story_id: int, part: dict[str, Any] | None, resolved: int | None, name: str
) -> Response:
    """One part of a story as JSON; an id the story absorbed redirects to the story it went into,
    permanently, as the story endpoint does (the query kept)."""
    if part is None or resolved is None:
        raise HTTPException(404, f"no story {story_id}")
    if resolved != story_id:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/api/stories/{resolved}/{name}{query}", status_code=308)
    return JSONResponse(part)


@router.get("/stories/{story_id}/timeline", summary="A story's timeline: dated entries citing their reports")
def get_timeline(story_id: int, request: Request, tracker: Reader) -> Response:
    view = tracker.timeline(story_id)
    if view is None:
        return _story_part(request, story_id, None, None, "timeline")
    return _story_part(request, story_id, timeline_formats.to_json(view), view.story_id, "timeline")


@router.get(
    "/stories/{story_id}/claims", summary="A story's claim groups: status, independent origins, reports"
)
def get_claims(story_id: int, request: Request, tracker: Reader) -> Response:
    view = tracker.compare(story_id)
    if view is None:
        return _story_part(request, story_id, None, None, "claims")
    return _story_part(request, story_id, plain(view.as_dict()), view.story_id, "claims")


@router.get("/stories/{story_id}/brief", summary="A story's brief, every sentence cited, and its change log")
def get_brief(
    story_id: int,
    request: Request,
    tracker: Reader,
    order: BriefOrder = BriefOrder.IMPORTANCE,
    size: Annotated[int, Query(ge=1, le=50, description="Sentences in the brief.")] = BRIEF_SIZE,
) -> Response:
    part = _brief_json(tracker, story_id, order, size)
    resolved = part["story"] if part is not None else None
    return _story_part(request, story_id, part, resolved, "brief")


@router.get(
    "/stories/{story_id}/changes",
    summary="What is new in a story since a time: reports, timeline entries, brief, corrections",
    response_model=schemas.Changes,
)
def story_changes(story_id: int, request: Request, tracker: Reader, since: SinceRequired) -> Response:
    view = tracker.changes(as_utc(since), story_id)
    if view is None:
        raise HTTPException(404, f"no story {story_id}")
    if view.story_id != story_id:
        return RedirectResponse(f"/api/stories/{view.story_id}/changes?{request.url.query}", status_code=308)
    return JSONResponse(changes_json(view))


@router.get("/stories/{story_id}/atom", summary="What is new in a story, as an Atom feed")
def story_feed(story_id: int, request: Request, tracker: Reader, since: Since = None) -> Response:
    """Every change to the story (since ``since``; by default since it began), newest first."""
    view = tracker.changes(_utc(since) or _EPOCH, story_id)
    story = tracker.story(story_id)
    if view is None or story is None:
        raise HTTPException(404, f"no story {story_id}")
    base = str(request.base_url).rstrip("/")
    feed = atom_feed(
        f"{base}/stories/{story.story.id}",
        f"storyline: {story.story.label}",
        story.story.updated_at,
        change_entries(view, base),
    )
    return Response(feed, media_type="application/atom+xml")


def changes_json(view: ChangesView) -> dict[str, Any]:
    """A ``ChangesView`` as plain JSON values; each new timeline entry with its story's id."""
    encoded: dict[str, Any] = plain(
        {
            "since": view.since,
            "until": view.until,
            "story": view.story_id,
            "requested": view.requested_id,
            "articles": view.articles,
            "stories": view.stories,
            "merges": view.merges,
            "splits": view.splits,
            "time_expressions": view.time_expressions,
            "entities": view.entities,
            "corrections": view.corrections,
            "brief_states": view.brief_states,
        }
    )
    encoded["timeline_entries"] = [
        {"story": story_id} | timeline_formats.entry_json(entry) for story_id, entry in view.timeline_entries
    ]
    return encoded


@router.get(
    "/changes",
    summary="What is new in the store since a time: stories, reports, corrections…",
    response_model=schemas.Changes,
)
def store_changes(tracker: Reader, since: SinceRequired) -> Response:
    view = tracker.changes(as_utc(since))
    assert view is not None  # None only for a story that never was
    return JSONResponse(changes_json(view))


@router.get("/changes/atom", summary="What is new in the store, as an Atom feed")
def store_feed(request: Request, tracker: Reader, since: Since = None) -> Response:
    """Every change in the store since ``since`` (by default the last week), newest first."""
    view = tracker.changes(_utc(since) or datetime.now(UTC) - STORE_FEED_SPAN)
    assert view is not None  # None only for a story that never was
    base = str(request.base_url).rstrip("/")
    feed = atom_feed(f"{base}/changes", "storyline: what is new", view.until, change_entries(view, base))
    return Response(feed, media_type="application/atom+xml")


# -- editors' corrections -----------------------------------------------------------------------
# Each is recorded under the token's label (``ServerContext.token_name``), never the token, with
# the ``why`` given; the answer is the story as it now stands, its corrections in its lineage.
Why = Annotated[str, Body(max_length=2_000, description="Why: kept with the correction.")]


@contextmanager
def refusals() -> Iterator[None]:
    """A correction the facade refuses, as a 4xx: 404 for a story or an article that is not there,
    400 for a correction that cannot be made (an article not in the story, an empty name)."""
    try:
        yield
    except LookupError as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from exc
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc


def _corrected(ctx: ServerContext, story_id: int) -> Response:
    view = ctx.reader.story(story_id)
    if view is None:  # a correction leaves the story it names in the store
        raise HTTPException(500, f"story {story_id} vanished")
    return JSONResponse(story_json(ctx.reader, view))


@router.post(
    "/stories/{story_id}/merge",
    summary="Merge another story into this one (token)",
    response_model=schemas.StoryDocument,
)
def merge_stories(
    story_id: int,
    ctx: Writer,
    other: Annotated[int, Body(description="The story to merge with it; the older id survives.")],
    why: Why = "",
) -> Response:
    with refusals(), ctx.writer() as tracker:
        view = tracker.merge_stories(story_id, other, by=ctx.token_name, why=why)
    return _corrected(ctx, view.story.id)


@router.post(
    "/stories/{story_id}/move",
    summary="Move articles out of a story into a new one (token)",
    response_model=schemas.StoryDocument,
)
def move_articles(
    story_id: int,
    ctx: Writer,
    articles: Annotated[
        list[int | str], Body(min_length=1, description="Storyline ids (numbers) or input ids (text).")
    ],
    why: Why = "",
) -> Response:
    with refusals(), ctx.writer() as tracker:
        view = tracker.move_articles(story_id, articles, by=ctx.token_name, why=why)
    return _corrected(ctx, view.story.id)


@router.post(
    "/stories/{story_id}/rename",
    summary="Show a story under a name of an editor's (token)",
    response_model=schemas.StoryDocument,
)
def rename_story(
    story_id: int, ctx: Writer, name: Annotated[str, Body(min_length=1, max_length=500)], why: Why = ""
) -> Response:
    with refusals(), ctx.writer() as tracker:
        view = tracker.rename_story(story_id, name, by=ctx.token_name, why=why)
    return _corrected(ctx, view.story.id)


MuteArticle = Annotated[int | None, Body(description="A storyline article id.")]
MuteOutlet = Annotated[str | None, Body(description="An outlet (any case).")]


@router.post(
    "/mute",
    summary="Leave an article, or an outlet's articles, out of story views (token)",
    response_model=schemas.MuteResult,
)
def mute(ctx: Writer, article: MuteArticle = None, outlet: MuteOutlet = None, why: Why = "") -> Response:
    return _mute(ctx, True, article, outlet, why)


@router.post(
    "/unmute", summary="Show a muted article or outlet again (token)", response_model=schemas.MuteResult
)
def unmute(ctx: Writer, article: MuteArticle = None, outlet: MuteOutlet = None, why: Why = "") -> Response:
    return _mute(ctx, False, article, outlet, why)


def _mute(ctx: ServerContext, muted: bool, article: int | None, outlet: str | None, why: str) -> Response:
    if (article is None) == (outlet is None):
        raise HTTPException(400, "name an article or an outlet")
    with refusals(), ctx.writer() as tracker:
        change = tracker.mute if muted else tracker.unmute
        changed = change(article=article, outlet=outlet, by=ctx.token_name, why=why)
    return JSONResponse({"article": article, "outlet": outlet, "muted": muted, "changed": changed})


# -- articles -----------------------------------------------------------------------------------
@router.get(
    "/articles", summary="Stored articles, in the order they were stored", response_model=schemas.ArticleList
)
def list_articles(
    tracker: Reader, limit: Limit = 50, offset: Offset = 0, format: Format = ListFormat.JSON
) -> Response:
    page = tracker.articles(limit, offset)
    records = _records(page.items)
    return _page(page, records, format, _fields(records, ["id"]))


@router.get("/articles/{article_id}", summary="An article: clean text, sentences, metadata with provenance")
def get_article(article_id: int, tracker: Reader) -> Response:
    return _article(tracker, article_id)


@router.get("/inputs/{input_id:path}", summary="The article an input id stands for now")
def get_article_by_input(input_id: str, tracker: Reader) -> Response:
    return _article(tracker, input_id)


def _article(tracker: Tracker, key: int | str) -> Response:
    view = tracker.article(key)
    if view is None:
        raise HTTPException(404, f"no article {key!r}")
    a = view.stored.article
    metadata: dict[str, dict[str, Any]] = {
        name: {"value": meta.value, "origin": meta.origin}
        for name, meta in (
            ("title", a.title),
            ("outlet", a.outlet),
            ("url", a.url),
            ("author", a.author),
            ("language", a.language),
        )
    }
    metadata["published"] = {"value": a.published.value, "origin": a.published.origin, "raw": a.published.raw}
    return JSONResponse(
        plain(
            {
                "id": view.id,
                "external_id": a.external_id,
                "text": a.text,
                "paragraphs": a.paragraphs,
                "sentences": a.sentences,
                "metadata": metadata,
                "outlets": view.stored.outlets,
                "sources": view.stored.sources,
                "story_id": view.stored.story_id,
                "duplicate_group": view.duplicate_group,
                "versions": view.versions,
                "namesakes": view.namesakes,
                "warnings": a.warnings,
            }
        )
    )


# -- entities -----------------------------------------------------------------------------------
@router.get("/entities", summary="People, organisations and places, the most mentioned first")
def list_entities(
    tracker: Reader,
    story: Annotated[int | None, Query(description="Only this story's.")] = None,
    limit: Limit = 50,
    format: Format = ListFormat.JSON,
) -> Response:
    rows = tracker.entities(story, limit)
    if rows is None:
        raise HTTPException(404, f"no story {story}")
    records = [
        {"id": r.entity.id, "name": r.entity.name, "type": r.entity.type, "mentions": r.mentions}
        | {"articles": r.articles, "stories": r.stories}
        for r in rows
    ]
    return _page(Page(rows, len(rows), 0, limit), records, format, _fields(records, ["id"]))


@router.get("/entities/{key}", summary="An entity by id or by any of its names")
def get_entity(key: str, tracker: Reader) -> Response:
    view = tracker.entity(int(key) if key.isdigit() else key)
    if view is None:
        raise HTTPException(404, f"no entity known as {key!r}")
    return JSONResponse(plain(view))


class AliasEdit(StrEnum):
    ADD = "add"
    SPLIT = "split"
    RENAME = "rename"


@router.post("/aliases", summary="Edit the alias table (token)")
def edit_alias(
    ctx: Writer,
    edit: Annotated[AliasEdit, Body()],
    name: Annotated[str, Body(min_length=1)],
    other: Annotated[str, Body(min_length=1, description="The alias, or the new name.")],
) -> Response:
    with ctx.writer() as tracker:
        edits = {
            AliasEdit.ADD: tracker.add_alias,
            AliasEdit.SPLIT: tracker.split_alias,
            AliasEdit.RENAME: tracker.rename_entity,
        }
        view = edits[edit](name, other)
    return JSONResponse(plain(view))


# -- search -------------------------------------------------------------------------------------
@router.get("/search", summary="Keyword search over articles, and the stories closest in meaning")
def search(
    tracker: Reader,
    q: Annotated[str, Query(min_length=1, description='Words; "a phrase", -excluded, prefix*.')],
    outlet: str | None = None,
    entity: str | None = None,
    story: int | None = None,
    since: Since = None,
    until: Since = None,
    limit: Annotated[int | None, Query(ge=1, le=10_000)] = 20,
    offset: Offset = 0,
    stories: Annotated[int, Query(ge=0, le=50, description="Stories closest in meaning (0: none).")] = 5,
    format: Format = ListFormat.JSON,
) -> Response:
    results = run_search(tracker, q, outlet, entity, story, since, until, limit, offset, stories)
    records = [hit.as_dict() for hit in results.hits]
    if format is not ListFormat.JSON:
        return _page(results.hits, records, format, _fields(records, ["id"]))
    return JSONResponse(
        plain(
            {
                "query": results.query,
                "items": records,
                "highlighted": [
                    {"title": hit.title.parts, "snippet": hit.snippet.parts} for hit in results.hits
                ],
                "total": results.hits.total,
                "offset": offset,
                "limit": limit,
                "stories": [{"story": m.story, "similarity": m.similarity} for m in results.stories],
            }
        )
    )


def run_search(
    tracker: Tracker,
    q: str,
    outlet: str | None,
    entity: str | None,
    story: int | None,
    since: datetime | None,
    until: datetime | None,
    limit: int | None,
    offset: int,
    stories: int,
) -> SearchResults:
    return tracker.search(
        q,
        outlet=outlet,
        entity=int(entity) if entity and entity.isdigit() else entity,
        story=story,
        since=_utc(since),
        until=_utc(until),
        limit=limit,
        offset=offset,
        stories=stories,
    )


@router.get("/search/atom", summary="The newest articles matching a search, as an Atom feed")
def search_feed(
    request: Request, tracker: Reader, q: Annotated[str, Query(min_length=1)], outlet: str | None = None
) -> Response:
    results = tracker.search(q, outlet=outlet, limit=50, stories=0)
    base = str(request.base_url).rstrip("/")
    articles = sorted((hit.article for hit in results.hits), key=lambda a: a.id, reverse=True)
    updated = max((as_utc(a.published) for a in articles if a.published), default=None)
    entries = [article_entry(a, base) for a in articles]
    return Response(
        atom_feed(f"{base}/search?{urlencode({'q': q})}", f"storyline search: {q}", updated, entries),
        media_type="application/atom+xml",
    )


# -- watched feeds ------------------------------------------------------------------------------
@router.get(
    "/watch",
    summary="Watched feeds and folders, each with its last fetch, failures and next poll",
    response_model=schemas.WatchList,
)
def list_watched(tracker: Reader, format: Format = ListFormat.JSON) -> Response:
    states = tracker.watched()
    records = _records(states)
    return _page(Page(states, len(states), 0, None), records, format, _fields(records, ["source"]))


@router.post(
    "/watch",
    summary="Watch a feed (an http(s) URL or a file) or a folder (token)",
    status_code=201,
    response_model=WatchState,
)
def add_watched(
    ctx: Writer,
    source: Annotated[str, Body(embed=True, min_length=1, max_length=2_000, description="A URL or a path.")],
) -> Response:
    """The source's state; a source watched already keeps it. A server started with ``--watch``
    polls it at once; otherwise ``storyline watch`` (with no source) polls the stored sources."""
    with refusals(), ctx.writer() as tracker:
        state = tracker.watch(source)
    ctx.watch_added()
    return JSONResponse(plain(state), status_code=201)


@router.delete(
    "/watch", summary="Stop watching a source and forget its state (token)", response_model=schemas.Removed
)
def remove_watched(ctx: Writer, source: Annotated[str, Query(min_length=1)]) -> Response:
    with ctx.writer() as tracker:
        if not tracker.unwatch(source):
            raise HTTPException(404, f"not watched: {source}")
    return JSONResponse({"source": source, "removed": True})


@router.post(
    "/watch/poll", summary="Poll the watched sources that are due, now (token)", response_model=schemas.Polls
)
def poll_watched(ctx: Writer) -> Response:
    return JSONResponse({"polls": plain(ctx.poll_watched())})


# -- ingest -------------------------------------------------------------------------------------
@router.get("/runs", summary="Every ingest run, oldest first", response_model=schemas.RunList)
def list_runs(tracker: Reader, format: Format = ListFormat.JSON) -> Response:
    runs = tracker.runs()
    records = _records(runs)
    return _page(Page(runs, len(runs), 0, None), records, format, _fields(records, ["id"]))


@router.post(
    "/ingest", summary="Ingest records shaped like JSONL lines (token)", response_model=schemas.IngestResult
)
def ingest_records(ctx: Writer, records: Annotated[list[dict[str, Any]], Body(embed=True)]) -> Response:
    if not records:
        raise HTTPException(400, "no records to ingest")
    if len(records) > MAX_RECORDS:
        raise HTTPException(413, f"{len(records)} records: at most {MAX_RECORDS} a request")
    with ctx.writer() as tracker:
        report = tracker.add(records)
    return JSONResponse(_report(report))


@router.post(
    "/ingest/files",
    summary="Ingest uploaded files: HTML, text, JSONL, feeds, WARC (token)",
    response_model=schemas.IngestResult,
)
def ingest_files(ctx: Writer, files: list[UploadFile]) -> Response:
    # A plain function: FastAPI runs it on its thread pool, so a long ingest never holds up the
    # event loop (and every read with it).
    with tempfile.TemporaryDirectory(prefix="storyline-upload-") as folder:
        paths = []
        for number, upload in enumerate(files):
            # The client's file name keeps its extension (which tells the reader the format), never its path.
            name = Path(upload.filename or "upload").name or "upload"
            path = Path(folder) / str(number) / name
            path.parent.mkdir()
            path.write_bytes(upload.file.read())
            paths.append(path)
        with ctx.writer() as tracker:
            report = tracker.ingest(paths)
    return JSONResponse(_report(report))


def _report(report: IngestReport) -> dict[str, Any]:
    encoded: dict[str, Any] = plain(
        {
            "run_id": report.run_id,
            "counts": report.counts,
            "rejections": [{"input": r.locator, "reason": r.reason} for r in report.rejections],
            "warnings": [str(w) for w in report.warnings],
            "partial": report.partial,
        }
    )
    return encoded
