"""The FastAPI application: ``create_app()`` builds it; the lifespan loads the knowledge base once."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

import musclekb
from musclekb.search import SearchIndex
from musclekb_api.graphstore import GraphStore
from musclekb_api.live_examples import live_openapi
from musclekb_api.problems import install_problem_handlers
from musclekb_api.routers import (
    assessments,
    browse,
    export,
    graph,
    health,
    kb,
    page,
    search,
    sparql,
)
from musclekb_api.settings import Settings, get_settings

__all__ = ["create_app"]


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the knowledge base is loaded and validated at start-up, once per process."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        chosen = settings or get_settings()
        app.state.kb = musclekb.load(chosen.knowledge_dir)
        app.state.reasoner = musclekb.Reasoner(
            app.state.kb, table_entries=chosen.table_entries, max_suggested=chosen.max_problems
        )
        app.state.search_index = SearchIndex.build(app.state.kb)
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
    )
    if settings is not None:
        app.dependency_overrides[get_settings] = lambda: settings
    install_problem_handlers(app)
    app.openapi = live_openapi(app)  # type: ignore[method-assign]
    # Routes are matched in order: the assessment routes, which carry most of the load, first.
    for module in (assessments, health, kb, browse, search, graph, sparql, export, page):
        app.include_router(module.router)
    return app
