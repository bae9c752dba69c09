"""The dashboard's ASGI application: routes, the JSON twins, errors as messages.

    from mille.web.app import create_app
    app = create_app("mille-workspace")            # read-only; uvicorn.run(app, host="127.0.0.1")

Every page answers as HTML, and as JSON at the same URL with ``.json`` (``/breakdown.json``) or
with ``Accept: application/json``. The JSON is the page's result object, exactly what the CLI
prints with ``--format json`` (see :mod:`mille.web.pages`). Bad input answers 400 with the same
message the CLI prints, an unknown page 404, and a bug in mille 500 with a short message (the
traceback goes to the server's log, never to the browser).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from mille.errors import MilleError
from mille.report.html import static_dir
from mille.results import Result
from mille.web.guard import Guard
from mille.web.pages import PAGES, NoSuchPage, Page
from mille.web.params import read
from mille.web.pool import ResultCache, WorkspacePool
from mille.web.view import View

log = logging.getLogger("mille.web")
JSON = "application/json"


class Dashboard:
    """What every request shares: the workspace connections, the results computed, the view."""

    def __init__(self, pool: WorkspacePool, *, cache_size: int = 256) -> None:
        self.pool = pool
        self.cache = ResultCache(cache_size)
        self.view = View(pool)

    def result(self, page: Page, args: dict[str, Any]) -> Result:
        key = (page.name, tuple(sorted(args.items())), self.pool.stamp())

        def compute() -> Result:
            with self.pool.workspace() as ws:
                return page.compute(ws, args)

        return self.cache.get(key, compute)

    def body(self, page: Page, args: dict[str, Any], fmt: str) -> bytes:
        """The response body of a page for valid ``args``: cached like the result it shows."""
        key = ("body", fmt, page.name, tuple(sorted(args.items())), self.pool.stamp())

        def render() -> bytes:
            result = self.result(page, args)
            if fmt == "json":
                return result.to_json().encode()
            return self.view.page(page, args, result).encode()

        return self.cache.get(key, render)


def wants_json(request: Request, suffix: bool) -> bool:
    if suffix:
        return True
    accept = request.headers.get("accept", "")
    return JSON in accept and "text/html" not in accept


def create_app(
    workspace: str | Path | None = None,
    *,
    token: str | None = None,
    pool_size: int = 2,
    cache_size: int = 256,
    engine: str | None = None,
) -> Starlette:
    """The dashboard over ``workspace``, opened read-only (``pool_size`` connections)."""
    from mille.workspace import resolve_path

    pool = WorkspacePool(resolve_path(workspace), size=pool_size, engine=engine)
    board = Dashboard(pool, cache_size=cache_size)

    async def respond(request: Request, page: Page, extra: dict[str, Any] | None = None,
                      suffix: bool = False) -> Response:
        as_json = wants_json(request, suffix)
        raw = {k: request.query_params.get(k) for k in request.query_params}
        try:
            args = read(request.query_params, page.params) | (extra or {})
            body = await run_in_threadpool(board.body, page, args, "json" if as_json else "html")
        except MilleError as exc:
            status = 404 if isinstance(exc, NoSuchPage) else 400
            if as_json:
                return Response(_json(exc.to_dict()), status, media_type=JSON)
            html = await run_in_threadpool(board.view.error_page, page, raw | (extra or {}), exc)
            return HTMLResponse(html, status)
        return Response(body, media_type=JSON if as_json else "text/html; charset=utf-8")

    def route(name: str):
        async def endpoint(request: Request) -> Response:
            return await respond(request, PAGES[name], suffix=request.url.path.endswith(".json"))

        return endpoint

    async def metric(request: Request) -> Response:
        name = request.path_params["name"]
        suffix = name.endswith(".json")
        return await respond(request, PAGES["metric"], {"name": name[:-5] if suffix else name}, suffix)

    async def not_found(request: Request, exc: HTTPException) -> Response:
        message = f"There is no page at {request.url.path}." if exc.status_code == 404 else str(exc.detail)
        if wants_json(request, request.url.path.endswith(".json")):
            return Response(_json({"error": "NotFound" if exc.status_code == 404 else "HTTPError",
                                   "message": message}), exc.status_code, media_type=JSON)
        return HTMLResponse(board.view.message_page("Not found" if exc.status_code == 404 else "Error",
                                                    message), exc.status_code)

    async def crashed(request: Request, exc: Exception) -> Response:
        log.error("error in mille while serving %s", request.url.path, exc_info=exc)
        message = ("mille hit an internal error while computing this page. The details are in the "
                   "terminal running `mille serve`; please report them.")
        if wants_json(request, request.url.path.endswith(".json")):
            return Response(_json({"error": "InternalError", "message": message}), 500, media_type=JSON)
        return HTMLResponse(board.view.message_page("Internal error", message), 500)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        pool.close()

    routes = [Route("/", route("overview"))]
    for name in ("overview", "breakdown", "explain", "audit", "metrics"):
        routes += [Route(f"/{name}", route(name)), Route(f"/{name}.json", route(name))]
    routes += [
        Route("/metrics/{name}", metric),
        Mount("/assets", StaticFiles(directory=static_dir()), name="assets"),
        Mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard, token=token)],
        exception_handlers={HTTPException: not_found, Exception: crashed},
        lifespan=lifespan,
    )
    app.state.dashboard = board
    return app


def _json(value: dict[str, Any]) -> str:
    import json

    return json.dumps(value, indent=2, ensure_ascii=False)
