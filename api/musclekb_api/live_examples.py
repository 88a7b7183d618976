"""The OpenAPI document's examples, taken from the knowledge base the server runs on.

Written by hand, an example entity or assessment is either a placeholder or a copy of the shipped
knowledge base's facts that goes stale when they change. So once the knowledge base is loaded,
the document is built once more with real examples:

- each entity route: a real id for its path parameter, and that entity's answer; each list: its
  first page;
- the graph and search routes: the answers to their parameter examples; the liveness and
  knowledge base routes: their answers; the export: the graph example's centre entity, its own triples in each format;
- both reasoning routes: the answers to their request examples (``openapi_examples.json``), the
  answers as JSON and as plain text.

Each example is what the server returns for it, shortened: a page, a search, a graph and an
entity's links show their first :data:`MAX_ITEMS` items (an entity's own fields are whole), and an
answer of the reasoning routes has every list cut to that length, at any depth, except an
assessment's ``states``, which its ``$ref`` pointers index. A request example that the knowledge
base cannot answer (a server on other knowledge) leaves that response without an example.

The document asked for before start-up (``app.openapi()`` on an app not yet started) keeps the
placeholders and is not kept: the next request for it, once the knowledge base is loaded, builds
it with the real examples.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from musclekb import AssessmentInputError, KnowledgeBase, Reasoner
from musclekb.search import SearchIndex
from musclekb.why_not_text import render_why_not
from musclekb_api.examples import EXAMPLES
from musclekb_api.graphstore import EXPORT_FORMATS, GraphStore
from musclekb_api.routers import browse, graph, health, search

__all__ = ["MAX_ITEMS", "cut", "live_openapi"]

MAX_ITEMS = 3
"""How many items of each list an example keeps."""

Schema = dict[str, Any]


def cut(value: Any, keep: frozenset[str] = frozenset()) -> Any:
    """``value`` with every list cut to its first :data:`MAX_ITEMS` items, at any depth, except
    the lists held under the top-level keys named in ``keep``."""
    if isinstance(value, list):
        return [cut(v) for v in value[:MAX_ITEMS]]
    if isinstance(value, dict):
        return {k: (v if k in keep else cut(v)) for k, v in value.items()}
    return value


def live_openapi(app: FastAPI) -> Callable[[], Schema]:
    """What to set as ``app.openapi``: FastAPI's document, with real examples once the app has
    loaded its knowledge base (until then, without them and not kept)."""

    def openapi() -> Schema:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = FastAPI.openapi(app)
        kb: KnowledgeBase | None = getattr(app.state, "kb", None)
        if kb is None:
            app.openapi_schema = None
            return schema
        state = app.state
        _fill(schema["paths"], kb, state.reasoner, state.search_index, state.store)
        return schema

    return openapi


def _fill(
    paths: Schema, kb: KnowledgeBase, reasoner: Reasoner, index: SearchIndex, store: GraphStore
) -> None:
    centre = None
    for spec in browse.COLLECTIONS:
        entities = browse.by_label(kb.all(spec.kind).values())
        if not entities:
            continue
        first = entities[0]
        if centre is None:
            centre = first.id
            _export(paths, store, first.iri)
        page = {
            "items": [browse.entity_json(e) for e in entities[:MAX_ITEMS]],
            "total": len(entities),
            "limit": browse.DEFAULT_LIMIT,
            "offset": 0,
        }
        _answer(paths, f"/v1/{spec.name}", "get", page)
        item = f"/v1/{spec.name}/{{id}}"
        _parameter(paths, item, "get", "id", first.id)
        links = browse.entity_links(kb, first.id)
        _answer(paths, item, "get", {**browse.entity_json(first), "links": cut(links)})
    if centre is not None:
        _parameter(paths, "/v1/graph/{id}", "get", "id", centre)
        _parameter(paths, "/v1/graph/{id}", "get", "max_nodes", MAX_ITEMS + 1)
        answer = graph.graph(kb, index, centre, max_nodes=MAX_ITEMS + 1)
        _answer(paths, "/v1/graph/{id}", "get", answer)
    words = _search_words(kb)
    if words:
        _parameter(paths, "/v1/search", "get", "q", words[0])
        _answer(paths, "/v1/search", "get", search.search(index, words[0], limit=MAX_ITEMS))
    _answer(paths, "/healthz", "get", health.answer(kb))
    _answer(paths, "/v1/kb", "get", kb.describe())
    _reasoning(paths, reasoner)


def _export(paths: Schema, store: GraphStore, iri: str) -> None:
    """For each format of the export, what one entity (the graph example's centre) looks like
    in it: its own triples, with the prefixes the whole download declares."""
    content = paths["/v1/kb/export"]["get"]["responses"]["200"]["content"]
    for fmt, (_, media, _) in EXPORT_FORMATS.items():
        text = store.excerpt(fmt, iri).decode()
        content[media.split(";", 1)[0]]["example"] = json.loads(text) if fmt == "jsonld" else text


def _search_words(kb: KnowledgeBase) -> list[str]:
    """Synonyms to search for, shortest first within each sign: first those of the signs in the
    assessment request example (the way people describe what they see), then every sign's."""
    named = [f.get("sign") for f in EXAMPLES["assessment"].get("findings", ())]
    signs = [kb.signs[s] for s in named if s in kb.signs]
    signs += sorted(kb.signs.values(), key=lambda sign: sign.id)
    return [word for sign in signs for word in sorted(sign.synonyms, key=lambda w: (len(w), w))]


def _reasoning(paths: Schema, reasoner: Reasoner) -> None:
    try:
        result = reasoner.assess(EXAMPLES["assessment"])
    except AssessmentInputError:
        pass
    else:
        assessment = result.to_dict()
        _answer(paths, "/v1/assessments", "post", cut(assessment, frozenset({"states"})))
        report = paths["/v1/assessments"]["post"]["responses"]["200"]["content"]["text/plain"]
        report["example"] = result.render() + "\n"
    answers, reports = {}, {}
    for name in ("why_not_imbalance", "why_not_exercise"):
        body = dict(EXAMPLES[name])
        target = body.pop("target")
        try:
            answer = reasoner.why_not(body, target)
        except AssessmentInputError:
            continue
        summary = f"why not {target}, after the findings of the request example"
        answers[name.removeprefix("why_not_")] = {"summary": summary, "value": cut(answer)}
        reports[name.removeprefix("why_not_")] = {
            "summary": summary,
            "value": render_why_not(answer) + "\n",
        }
    if answers:
        content = _content(paths, "/v1/assessments/why-not", "post")
        content.pop("example", None)
        content["examples"] = answers
        text = paths["/v1/assessments/why-not"]["post"]["responses"]["200"]["content"]
        text["text/plain"]["examples"] = reports


def _content(paths: Schema, path: str, method: str) -> Schema:
    response = paths[path][method]["responses"]["200"]
    media: Schema = response.setdefault("content", {}).setdefault("application/json", {})
    return media


def _answer(paths: Schema, path: str, method: str, value: Any) -> None:
    _content(paths, path, method)["example"] = value


def _parameter(paths: Schema, path: str, method: str, name: str, value: Any) -> None:
    for parameter in paths[path][method].get("parameters", ()):
        if parameter["name"] == name:
            parameter["example"] = value
