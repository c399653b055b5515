"""The ASGI application: the JSON API under ``/api`` and the web pages at the root, over one
``ServerContext``, with the security headers every response carries."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline import __version__
from storyline.entities import EntityNotFound
from storyline.interfaces.http import api
from storyline.interfaces.http.context import ServerContext
from storyline.interfaces.web import pages
from storyline.store.search import BadQuery

# No inline script or style, nothing from elsewhere: article text that slipped through escaping
# still could not run. Styles are the package's own sheet; images only its own or data: (none now).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Another site never learns which page linked to it; this site's own forms send their Origin,
    # which page writes check (under "no-referrer" a browser sends "Origin: null" even from here).
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(ctx: ServerContext) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        ctx.close()

    app = FastAPI(
        title="storyline",
        version=__version__,
        description="News articles grouped into stories, with sources compared. Writes need the token.",
        lifespan=lifespan,
    )
    app.state.context = ctx
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # JSON under /api, as FastAPI would; an error page for a page (a refused form, no such page).
        return _error(request, exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(BadQuery)
    async def bad_query(request: Request, exc: BadQuery) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(EntityNotFound)
    async def unknown_entity(request: Request, exc: EntityNotFound) -> Response:
        return _error(request, 404, str(exc).strip("'\""))

    return app


def _error(request: Request, status: int, detail: str, headers: Mapping[str, str] | None = None) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    return pages.error_page(request, status, detail)
