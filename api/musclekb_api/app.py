"""The FastAPI application: ``create_app()`` builds it; the lifespan loads the knowledge base once."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute

import musclekb
from musclekb_api.compression import Compression
from musclekb_api.conditional import ConditionalGet
from musclekb_api.cors import Cors
from musclekb_api.graphstore import GraphStore
from musclekb_api.head import HeadAsGet
from musclekb_api.live_examples import live_openapi
from musclekb_api.problems import install_problem_handlers
from musclekb_api.routers import (
    assessments,
    browse,
    docs,
    export,
    graph,
    health,
    kb,
    page,
    search,
    sparql,
)
from musclekb_api.settings import Settings, get_settings

__all__ = ["TAGS", "create_app"]

TAGS = [
    {
        "name": "reasoning",
        "description": "Findings, measurements and context in; ranked imbalances, a phased "
        "corrective plan and advisories out, each conclusion explained. Why-not for anything "
        "not concluded.",
    },
    {
        "name": "browse",
        "description": "The knowledge base's entities by kind, paged, with filters, forgiving "
        "search (`q`) and the links between them.",
    },
    {"name": "search", "description": "One search across every kind of entity."},
    {"name": "graph", "description": "The neighbourhood of an entity, as nodes and edges."},
    {"name": "sparql", "description": "Read-only SPARQL 1.1 over the knowledge graph."},
    {
        "name": "service",
        "description": "Liveness, the knowledge base's identity and counts, and the whole graph "
        "as a download.",
    },
]
"""The OpenAPI document's tags, in the order the documentation shows them."""


def _operation_id(route: APIRoute) -> str:
    return route.name


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the knowledge base is loaded and validated at start-up, once per process."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        chosen = settings or get_settings()
        app.state.kb = musclekb.load(chosen.knowledge_dir)
        app.state.reasoner = musclekb.Reasoner(
            app.state.kb, table_entries=chosen.table_entries, max_suggested=chosen.max_problems
        )
        app.state.search_index = app.state.kb.search_index
        app.state.store = GraphStore(app.state.kb, chosen)
        # Everything built so far lives as long as the process: keep the cyclic garbage
        # collector from walking it on every collection (long pauses with a large graph).
        gc.collect()
        gc.freeze()
        thresholds = gc.get_threshold()
        if chosen.gc_threshold:
            gc.set_threshold(chosen.gc_threshold, *thresholds[1:])
        try:
            yield
        finally:
            gc.set_threshold(*thresholds)
            app.state.store.close()

    app = FastAPI(
        title="musclekb",
        version=musclekb.package_version(),
        description="An explainable expert system for muscle imbalances.",
        lifespan=lifespan,
        # /docs is served from this server's own files (routers/docs.py); FastAPI's pages
        # load Swagger UI and ReDoc from public CDNs
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        # operation ids are the route names (list_muscles, get_muscle, assess, ...): what client
        # generators name their methods after, so they are kept stable (tests pin them)
        generate_unique_id_function=_operation_id,
        openapi_tags=TAGS,
        license_info={"name": "MIT", "identifier": "MIT"},
    )
    if settings is not None:
        app.dependency_overrides[get_settings] = lambda: settings
    install_problem_handlers(app)
    app.openapi = live_openapi(app)  # type: ignore[method-assign]
    # Routes are matched in order: the assessment routes, which carry most of the load, first.
    for module in (assessments, health, kb, browse, search, graph, sparql, export, page, docs):
        app.include_router(module.router)
    add_http_middleware(app, settings or get_settings())  # set up now, not in the lifespan
    return app


def add_http_middleware(app: FastAPI, settings: Settings) -> None:
    """What every answer goes through on its way out, innermost first: an ``ETag`` (and 304)
    for ``GET`` answers, gzip for clients that accept it, ``HEAD`` answered as ``GET`` without
    the body (so its headers are those of what ``GET`` sends), and the CORS headers for the
    origins ``MUSCLEKB_CORS_ORIGINS`` allows (none by default)."""
    app.add_middleware(ConditionalGet)
    app.add_middleware(Compression, level=settings.gzip_level, min_bytes=settings.gzip_min_bytes)
    app.add_middleware(HeadAsGet)
    if settings.cors_origins:
        app.add_middleware(
            Cors,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "HEAD", "POST"],
            allow_headers=["Accept", "Content-Type", "If-None-Match"],
            expose_headers=["ETag", "Content-Disposition", "Link"],
            max_age=600,
        )
