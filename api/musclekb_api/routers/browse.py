"""Browse the knowledge base: list and get every collection, with search, filters and links.

Each collection (``/v1/muscles``, ``/v1/exercises``, ...) gets two routes, built from the table
:data:`COLLECTIONS`: a paged list (``q`` for forgiving search, filters by id) and a get by id that
adds every linked entity. Entities are serialised generically from their dataclasses.
"""

# No ``from __future__ import annotations`` here: the route factories below declare parameters
# whose ``Annotated`` metadata is built per collection, so the annotations must be evaluated where
# the functions are defined.

import dataclasses
import difflib
import inspect
import math
import types
import typing
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError

from musclekb import KnowledgeBase, LookupFailedError, model
from musclekb.search import SearchIndex
from musclekb.vocab import KB as KB_NAMESPACE
from musclekb_api.paging import page_links
from musclekb_api.problems import not_found_doc, problem_doc
from musclekb_api.query_params import check_searchable, invalid_query, only_parameters
from musclekb_api.state import KB, Index

__all__ = [
    "COLLECTIONS",
    "PROBLEM_RESPONSES",
    "CollectionSpec",
    "Filter",
    "by_label",
    "entity_json",
    "entity_links",
    "router",
]

router = APIRouter(prefix="/v1", tags=["browse"])

MAX_QUERY_LENGTH = 200
MAX_LIMIT = 500
DEFAULT_LIMIT = 50

Values = Callable[[KnowledgeBase, model.Entity], Iterable[str]]


# ---------------------------------------------------------------------- the collections


@dataclass(frozen=True)
class Filter:
    """A list filter: ``param`` takes one id or several separated by commas (any of them matches).

    ``target`` is the kind its ids must name (or ``choices`` the values it takes); ``values``
    gives the ids an entity is matched on.
    """

    param: str
    description: str
    values: Values
    target: str | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class CollectionSpec:
    name: str  # the path segment, plural
    kind: str  # the kind of its entities
    noun: str  # one of them, for summaries
    model: type[model.Entity]
    filters: tuple[Filter, ...] = ()


def _field(name: str) -> Values:
    """The ids held in one field (a single id or a tuple of ids) of the entity."""

    def values(_: KnowledgeBase, entity: model.Entity) -> Iterable[str]:
        value = getattr(entity, name)
        if isinstance(value, str):
            return (value,) if value else ()
        return tuple(value)

    return values


def _exercise_muscles(kb: KnowledgeBase, entity: model.Entity) -> Iterable[str]:
    """The muscles an exercise works: those it names, the muscles inside each named group, and
    every group a named muscle belongs to."""
    assert isinstance(entity, model.Exercise)
    named = (*entity.strengthens, *entity.lengthens)
    out = set(named)
    containing = _groups_containing(kb)
    for muscle in named:
        out.update(kb.members.get(muscle, ()))
        out.update(containing.get(muscle, ()))
    return out


@lru_cache(maxsize=4)
def _groups_containing(kb: KnowledgeBase) -> dict[str, frozenset[str]]:
    """Muscle id -> every group it is inside (the inverse of ``kb.members``)."""
    out: dict[str, set[str]] = {}
    for group, members in kb.members.items():
        for muscle in members:
            out.setdefault(muscle, set()).add(group)
    return {muscle: frozenset(groups) for muscle, groups in out.items()}


def _exercise_phase(kb: KnowledgeBase, entity: model.Entity) -> Iterable[str]:
    assert isinstance(entity, model.Exercise)
    kind = kb.exercise_kinds.get(entity.exercise_kind)
    return (kind.phase,) if kind is not None and kind.phase else ()


_ANY_OF = (
    "One id, label or synonym, or several separated by commas (any of them matches; a name "
    "with a comma in it is taken whole when given alone)."
)

COLLECTIONS: tuple[CollectionSpec, ...] = (
    CollectionSpec(
        "muscles",
        "muscle",
        "muscle or muscle group",
        model.Muscle,
        (
            Filter(
                "region",
                f"Only muscles in this body region (a region id). {_ANY_OF}",
                _field("region"),
                target="region",
            ),
        ),
    ),
    CollectionSpec("pairs", "pair", "muscle pair", model.Pair),
    CollectionSpec("tests", "test", "movement test", model.Test),
    CollectionSpec(
        "signs",
        "sign",
        "sign",
        model.Sign,
        (
            Filter(
                "test",
                f"Only signs observed in this test (a test id). {_ANY_OF}",
                _field("tests"),
                target="test",
            ),
        ),
    ),
    CollectionSpec(
        "measures",
        "measure",
        "measure",
        model.Measure,
        (
            Filter(
                "test",
                f"Only measures taken in this test (a test id). {_ANY_OF}",
                _field("tests"),
                target="test",
            ),
        ),
    ),
    CollectionSpec("imbalances", "imbalance", "imbalance", model.Imbalance),
    CollectionSpec("causes", "cause", "cause", model.Cause),
    CollectionSpec(
        "exercises",
        "exercise",
        "exercise",
        model.Exercise,
        (
            Filter(
                "kind",
                f"Only exercises of this kind (an exercise-kind id). {_ANY_OF}",
                _field("exercise_kind"),
                target="exercise-kind",
            ),
            Filter(
                "load_mode",
                f"Only exercises done with this kind of load (a load-mode id). {_ANY_OF}",
                _field("load_modes"),
                target="load-mode",
            ),
            Filter(
                "equipment",
                f"Only exercises that use this equipment (an equipment id). {_ANY_OF}",
                _field("equipment"),
                target="equipment",
            ),
            Filter(
                "muscle",
                "Only exercises that strengthen or lengthen this muscle (a muscle id): the muscle "
                "itself, a group it belongs to, or, for a group, a muscle inside it. " + _ANY_OF,
                _exercise_muscles,
                target="muscle",
            ),
            Filter(
                "phase",
                f"Only exercises of this phase of the plan (a phase id). {_ANY_OF}",
                _exercise_phase,
                target="phase",
            ),
        ),
    ),
    CollectionSpec(
        "rules",
        "rule",
        "rule",
        model.Rule,
        (
            Filter(
                "type",
                "Only rules of this type. One type, or several separated by commas.",
                _field("rule_type"),
                choices=typing.get_args(model.RuleType),
            ),
            Filter(
                "source",
                f"Only rules citing this source (a source id). {_ANY_OF}",
                _field("sources"),
                target="source",
            ),
        ),
    ),
    CollectionSpec("sources", "source", "source", model.Source),
    CollectionSpec("regions", "region", "body region", model.Region),
    CollectionSpec("equipment", "equipment", "piece of equipment", model.Entity),
    CollectionSpec("levels", "level", "training level", model.Level),
    CollectionSpec("phases", "phase", "phase of the plan", model.Phase),
)


# ---------------------------------------------------------------------- serialising


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def entity_json(entity: model.Entity) -> dict[str, Any]:
    """Every field of the entity's dataclass, in declaration order, as JSON values."""
    return {f.name: _plain(getattr(entity, f.name)) for f in dataclasses.fields(entity)}


def entity_links(kb: KnowledgeBase, entity_id: str) -> list[dict[str, str]]:
    """Every entity this one refers to (``out``) or that refers to it (``in``), with the relation."""
    graph = kb.nx
    links = [
        _link(graph.nodes[target], target, relation, "out")
        for _, target, relation in graph.out_edges(entity_id, keys=True)
    ] + [
        _link(graph.nodes[origin], origin, relation, "in")
        for origin, _, relation in graph.in_edges(entity_id, keys=True)
    ]
    links.sort(key=lambda x: (x["direction"] != "out", x["relation"], x["kind"], x["id"]))
    return links


def _link(node: dict[str, Any], node_id: str, relation: str, direction: str) -> dict[str, str]:
    return {
        "id": node_id,
        "kind": str(node.get("kind", "")),
        "label": str(node.get("label", node_id)),
        "relation": relation,
        "direction": direction,
    }


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _filter_checks(
    kb: KnowledgeBase, index: SearchIndex, spec: CollectionSpec, given: dict[str, str | None]
) -> list[Callable[[model.Entity], bool]]:
    """One check per filter given (a blank one is ignored); every unknown value is reported at
    once."""
    checks: list[Callable[[model.Entity], bool]] = []
    errors: list[dict[str, Any]] = []
    for flt in spec.filters:
        raw = (given.get(flt.param) or "").strip()
        wanted = _split(raw)
        if not wanted:  # absent or blank: no filter
            continue
        if flt.target is not None:
            # ids, labels or synonyms; the whole value first, for a label with a comma in it
            whole = kb.resolve(flt.target, raw)
            wanted = [whole] if whole is not None else wanted
            found = []
            for value in wanted:
                named = kb.resolve(flt.target, value)
                if named is None:
                    message = f"no {flt.target} with id, label or synonym {value!r}"
                    close = index.suggest(value, flt.target)
                    errors.extend(invalid_query(flt.param, value, message, close).errors())
                else:
                    found.append(named)
            wanted = found
        for value in wanted:
            if flt.target is None and value not in flt.choices:
                valid = ", ".join(flt.choices)
                message = f"{value!r} is not one of {valid}"
                close = difflib.get_close_matches(value, flt.choices, n=1)
                errors.extend(invalid_query(flt.param, value, message, close).errors())
        checks.append(_matcher(kb, flt, frozenset(wanted)))
    if errors:
        raise RequestValidationError(errors)
    return checks


def _matcher(
    kb: KnowledgeBase, flt: Filter, wanted: frozenset[str]
) -> Callable[[model.Entity], bool]:
    return lambda entity: not wanted.isdisjoint(flt.values(kb, entity))


def _filter_reader(
    spec: CollectionSpec,
) -> Callable[..., Coroutine[Any, Any, dict[str, str | None]]]:
    """A dependency taking this collection's filters as optional query parameters."""

    async def read(**given: str | None) -> dict[str, str | None]:
        return given

    parameters = [
        inspect.Parameter(
            flt.param,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                str | None,
                Query(description=flt.description, max_length=MAX_QUERY_LENGTH * 5),
            ],
        )
        for flt in spec.filters
    ]
    read.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return read


# ---------------------------------------------------------------------- OpenAPI examples


def _example_value(name: str, annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return typing.get_args(annotation)[0]
    if origin in (types.UnionType, typing.Union):
        present = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _example_value(name, present[0])
    if origin is tuple:
        return [_example_value(name, typing.get_args(annotation)[0])]
    if annotation is bool:
        return True
    if annotation is int:
        return 1
    if annotation is float:
        return 0.0
    return f"<{name}>"


def _example_entity(spec: CollectionSpec) -> dict[str, Any]:
    hints = typing.get_type_hints(spec.model)
    example = {
        f.name: _example_value(f.name, hints[f.name]) for f in dataclasses.fields(spec.model)
    }
    example_id = f"example-{spec.kind}"
    example.update(
        id=example_id, iri=str(KB_NAMESPACE[example_id]), kind=spec.kind, label=f"<{spec.noun}>"
    )
    return example


_EXAMPLE_LINK = {
    "id": "<linked id>",
    "kind": "<linked kind>",
    "label": "<linked label>",
    "relation": "<property>",
    "direction": "out",
}

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: problem_doc(
        422,
        "A query parameter is not valid (problem+json: `errors` says which).",
        "Invalid request",
        "query/limit: Input should be less than or equal to 500",
        errors=[
            {
                "loc": ["query", "limit"],
                "msg": "Input should be less than or equal to 500",
                "suggestions": [],
            }
        ],
    ),
}


def _ok(example: Any, headers: dict[str, Any] | None = None) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {"application/json": {"example": example}}, "headers": headers or {}}}


_LINK_HEADER = {
    "Link": {
        "description": 'The pages of the list (RFC 8288): `rel="first"` and `rel="last"`, and '
        '`rel="prev"` and `rel="next"` when there are such pages; absent when the list is '
        "empty.",
        "schema": {"type": "string"},
    }
}


# ---------------------------------------------------------------------- the routes


def by_label(entities: Iterable[model.Entity]) -> list[model.Entity]:
    """Entities in the order a list shows them without ``q``: by label, then id."""
    return sorted(entities, key=lambda e: (e.label.casefold(), e.id))


def _select(
    kb: KnowledgeBase,
    index: SearchIndex,
    spec: CollectionSpec,
    q: str | None,
    filters: dict[str, str | None],
) -> list[model.Entity]:
    checks = _filter_checks(kb, index, spec, filters)
    items = kb.all(spec.kind)
    if q is not None and q.strip():
        check_searchable(q)
        candidates = [items[hit.id] for hit in index.search(q, (spec.kind,), limit=None)]
    else:
        candidates = by_label(items.values())
    return [e for e in candidates if all(check(e) for check in checks)]


def _list_route(spec: CollectionSpec) -> Callable[..., dict[str, Any]]:
    read_filters = _filter_reader(spec)

    def list_collection(
        kb: KB,
        index: Index,
        request: Request,
        response: Response,
        filters: Annotated[dict[str, str | None], Depends(read_filters)],
        q: Annotated[
            str | None,
            Query(
                max_length=MAX_QUERY_LENGTH,
                description="Forgiving search over the labels, synonyms and ids (case, word "
                "order, plurals and small typos forgiven); the best matches come first. Empty "
                "or absent: every item, by label.",
            ),
        ] = None,
        limit: Annotated[
            int, Query(ge=1, le=MAX_LIMIT, description="How many items to return (1-500).")
        ] = DEFAULT_LIMIT,
        offset: Annotated[int, Query(ge=0, description="How many items to skip.")] = 0,
    ) -> dict[str, Any]:
        chosen = _select(kb, index, spec, q, filters)
        links = page_links(request.url, offset, limit, len(chosen))
        if links is not None:
            response.headers["Link"] = links
        return {
            "items": [entity_json(e) for e in chosen[offset : offset + limit]],
            "total": len(chosen),
            "limit": limit,
            "offset": offset,
        }

    return list_collection


def _get_route(spec: CollectionSpec) -> Callable[..., dict[str, Any]]:
    def get_one(
        kb: KB,
        index: Index,
        id: Annotated[str, Path(description=f"The {spec.noun}'s id.", max_length=300)],
    ) -> dict[str, Any]:
        entity = kb.all(spec.kind).get(id)
        if entity is None:
            raise LookupFailedError(spec.kind, id, index.suggest(id, spec.kind), by="id")
        return {**entity_json(entity), "links": entity_links(kb, entity.id)}

    return get_one


def _register(spec: CollectionSpec) -> None:
    example = _example_entity(spec)
    listed = {"q", "limit", "offset", *(f.param for f in spec.filters)}
    filters = ", ".join(f"`{f.param}`" for f in spec.filters)
    router.add_api_route(
        f"/{spec.name}",
        _list_route(spec),
        methods=["GET"],
        name=f"list_{spec.name}",
        summary=f"List {spec.name}" + (f" (filters: {filters})" if filters else ""),
        description=f"Every {spec.noun}, paged; `q` searches them, filters narrow them.",
        dependencies=[Depends(only_parameters(listed))],
        responses={
            **_ok(
                {"items": [example], "total": 1, "limit": DEFAULT_LIMIT, "offset": 0},
                _LINK_HEADER,
            ),
            **PROBLEM_RESPONSES,
        },
    )
    router.add_api_route(
        f"/{spec.name}/{{id}}",
        _get_route(spec),
        methods=["GET"],
        name=f"get_{spec.kind}",
        summary=f"One {spec.noun}, with every entity it links to or that links to it",
        dependencies=[Depends(only_parameters(()))],
        responses={
            **_ok({**example, "links": [_EXAMPLE_LINK]}),
            **not_found_doc(spec.noun, spec.kind),
            **PROBLEM_RESPONSES,
        },
    )


for _spec in COLLECTIONS:
    _register(_spec)
