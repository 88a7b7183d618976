"""Assessments: findings in, ranked imbalances, a phased plan and advisories out; and why-not."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Annotated, Any, NoReturn

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from musclekb import AssessmentInputError, InputProblem, KnowledgeBase
from musclekb.assessment import ExplainForm
from musclekb.request import parse_request, parse_target
from musclekb.why_not_text import render_why_not
from musclekb_api.assessment_models import (
    AssessmentBody,
    AssessmentOut,
    WhyNotBody,
    WhyNotExerciseOut,
    WhyNotImbalanceOut,
)
from musclekb_api.bodies import read_body
from musclekb_api.negotiation import preferred_media
from musclekb_api.problems import ApiProblem, json_position, location, problem_doc
from musclekb_api.query_params import only_parameters
from musclekb_api.responses import FastJSONResponse
from musclekb_api.settings import Settings
from musclekb_api.state import Engine, current_settings

__all__ = ["LimitedBodyRoute", "router"]


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


async def _read_json_body(request: Request, settings: Settings) -> None:
    """Read the body under the byte limit (413), refuse one that is not JSON (415) or that has
    more items than allowed (413); FastAPI then validates what was read."""
    body = await read_body(request, settings.max_body_bytes, settings.body_timeout)
    content_type = request.headers.get("content-type")
    if body and not _is_json(content_type or ""):
        raise ApiProblem(
            415,
            "Unsupported media type",
            f"send the request body as JSON with 'Content-Type: application/json' "
            f"(got {content_type or 'no Content-Type'!r})",
        )
    try:
        # a byte order mark is allowed and ignored (RFC 8259), as FastAPI's own reading does
        text = body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        _refuse_body(f"the body is not UTF-8 text (byte {exc.start}): send JSON encoded as UTF-8")
    request._body = body
    if text:
        parsed = _parse_json(text)
        if parsed is not _UNREAD and _SURROGATE_ESCAPE.search(text):
            _check_unicode(parsed)
        if parsed is not _UNREAD:
            if isinstance(parsed, Mapping):  # before anything is checked item by item
                _check_counts(parsed, settings)
            request._json = parsed  # FastAPI validates this instead of parsing the body again


_UNREAD = object()


def _parse_json(text: str) -> object:
    """The body's JSON; ``_UNREAD`` when it is malformed, which FastAPI then reports with the
    line and column. What Python's reader cannot take although it is JSON (arrays and objects
    nested past its recursion limit, an integer longer than ``sys.get_int_max_str_digits()``)
    is refused here with a 422 that says what, instead of FastAPI's bare 400."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return _UNREAD
    except RecursionError:
        _refuse_body(
            "invalid JSON: arrays and objects are nested too deeply to read "
            "(a valid body nests only a few levels)"
        )
    except ValueError as exc:  # an integer with more digits than Python converts
        limit = sys.get_int_max_str_digits()
        long = re.search(rf"\d{{{limit + 1},}}", text) if limit else None
        if long is None:
            _refuse_body(f"invalid JSON: {exc}")
        _refuse_body(
            f"invalid JSON at {json_position(text, long.start())}: a number with "
            f"{len(long.group())} digits, more than can be read ({limit}); "
            "no field takes a number this long"
        )


# a \u escape of a UTF-16 surrogate: the only way a JSON text that is UTF-8 can hold one
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _shown(text: str) -> str:
    """``text`` with each unpaired surrogate written as its escape (it cannot be encoded)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _check_unicode(doc: object) -> None:
    """422 naming each key and string of the body that holds an unpaired surrogate (``\\ud800``
    with no low surrogate after it): JSON allows the escape, but it is no character, and
    pydantic reports it without saying which key or what is wrong."""
    errors: list[dict[str, Any]] = []
    todo: list[tuple[object, list[str | int]]] = [(doc, ["body"])]
    while todo:  # depth first, without recursion (JSON may nest deep)
        node, loc = todo.pop()
        if isinstance(node, str):
            if _LONE_SURROGATE.search(node):
                errors.append(_unpaired(loc, f"the string '{_shown(node)}'"))
        elif isinstance(node, list):
            todo.extend((item, [*loc, i]) for i, item in reversed(list(enumerate(node))))
        elif isinstance(node, dict):
            for key in node:
                if _LONE_SURROGATE.search(key):
                    errors.append(_unpaired([*loc, _shown(key)], f"the key '{_shown(key)}'"))
            todo.extend((v, [*loc, _shown(k)]) for k, v in reversed(list(node.items())))
    if errors:
        where = "; ".join(f"{'/'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in errors)
        raise ApiProblem(422, "Invalid request", where, errors=errors)


def _unpaired(loc: list[str | int], what: str) -> dict[str, Any]:
    message = (
        f"{what} holds an unpaired surrogate escape, which is no character: escape a character "
        "beyond U+FFFF as a pair (\\ud83d\\ude00), or leave it out"
    )
    return {"loc": loc, "msg": message, "suggestions": []}


def _refuse_body(message: str) -> NoReturn:
    raise ApiProblem(
        422,
        "Invalid request",
        f"body: {message}",
        errors=[{"loc": ["body"], "msg": message, "suggestions": []}],
    )


def _check_counts(body: Mapping[str, Any], settings: Settings) -> None:
    """413 when the body has more findings, measurements, causes or equipment than the settings
    allow (a body of thousands of items would otherwise be checked item by item)."""
    context = body.get("context")
    context = context if isinstance(context, Mapping) else {}
    for name, items, limit in (
        ("findings", body.get("findings"), settings.max_findings),
        ("measurements", body.get("measurements"), settings.max_measurements),
        ("causes", context.get("causes"), settings.max_context_items),
        ("equipment", context.get("equipment"), settings.max_context_items),
    ):
        if isinstance(items, list) and len(items) > limit:
            raise ApiProblem(
                413,
                f"Too many {name}",
                f"the request has {len(items)} {name}; the limit is {limit}",
                limit=limit,
            )


def _body_problems(
    kb: KnowledgeBase, body: Mapping[str, Any], max_suggested: int
) -> list[InputProblem]:
    """What the library finds wrong with a body (every problem; none when it is valid): the
    assessment request, and the ``target`` of a why-not body when it has one."""
    request = dict(body)
    problems: list[InputProblem] = []
    target = request.pop("target", None)
    try:
        parse_request(kb, request, max_suggested=max_suggested)
    except AssessmentInputError as exc:
        problems += exc.problems
    if target is not None:
        try:
            parse_target(kb, target)
        except AssessmentInputError as exc:
            problems += exc.problems
    return problems


_FIELD_ORDER = ("findings", "measurements", "context", "threshold", "target")


def _in_body_order(loc: Sequence[Any]) -> tuple[int, int]:
    field = loc[1] if len(loc) > 1 else ""
    rank = _FIELD_ORDER.index(field) if field in _FIELD_ORDER else len(_FIELD_ORDER)
    return (rank, loc[2] if len(loc) > 2 and isinstance(loc[2], int) else -1)


class _Places:
    """The places FastAPI reported, to tell whether a location lies inside one of them, or one
    of them inside it, in time proportional to the location's length (a body of thousands of
    wrong types must not cost thousands of comparisons for each problem of the library's)."""

    def __init__(self, locations: Sequence[Sequence[Any]]) -> None:
        self._places = {tuple(loc) for loc in locations}
        self._within = {tuple(loc[:i]) for loc in locations for i in range(1, len(loc) + 1)}

    def overlaps(self, loc: tuple[Any, ...]) -> bool:
        return loc in self._within or any(loc[:i] in self._places for i in range(1, len(loc)))


def _with_body_problems(
    exc: RequestValidationError, kb: KnowledgeBase, settings: Settings
) -> RequestValidationError:
    """FastAPI's type errors for a JSON object body, joined by what the library finds elsewhere
    in the same body (unknown ids with suggestions, contradictions, ...): every problem in one
    answer, in the body's order (the handler lists the first ``max_problems``). A place FastAPI
    reports keeps FastAPI's message alone."""
    errors = list(exc.errors())
    body = exc.body
    if not isinstance(body, Mapping):
        return exc
    typed = _Places([e["loc"] for e in errors if e.get("loc", ("",))[0] == "body"])
    for p in _body_problems(kb, body, settings.max_problems):
        loc = tuple(location(p.location))
        if not typed.overlaps(loc):
            ctx = {"suggestions": list(p.suggestions)}
            errors.append({"type": "value_error", "loc": loc, "msg": p.message, "ctx": ctx})
    errors.sort(key=lambda e: (e["loc"][0] != "body", _in_body_order(e["loc"])))
    return RequestValidationError(errors, body=body)


class LimitedBodyRoute(APIRoute):
    """A route whose JSON body is size-checked before FastAPI reads and validates it, and whose
    validation errors come with every other problem the library finds in the body."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            settings = current_settings(request)
            await _read_json_body(request, settings)
            try:
                return await handler(request)
            except RequestValidationError as exc:
                kb: KnowledgeBase = request.app.state.kb
                raise _with_body_problems(exc, kb, settings) from None

        return limited


router = APIRouter(prefix="/v1/assessments", tags=["reasoning"], route_class=LimitedBodyRoute)


ERRORS: dict[int | str, dict[str, Any]] = {
    413: problem_doc(
        413,
        "The body is over the byte limit, or has more findings, measurements, causes or "
        "equipment than allowed.",
        "Too many findings",
        "the request has 250 findings; the limit is 200",
        limit=200,
    ),
    408: problem_doc(
        408,
        "The body did not all arrive within `MUSCLEKB_BODY_TIMEOUT` seconds.",
        "Request timeout",
        "the request body did not arrive within 10 s (14 bytes came); send it whole, at once",
    ),
    415: problem_doc(
        415,
        "The body is not sent as JSON, or is sent compressed (`Content-Encoding`).",
        "Unsupported media type",
        "send the request body as JSON with 'Content-Type: application/json'",
    ),
    422: problem_doc(
        422,
        "The request is not valid: every problem, with where it is and the closest valid ids "
        "(at most `MUSCLEKB_MAX_PROBLEMS` listed, 100 by default; `unlisted` counts the rest).",
        "Invalid assessment request",
        "the assessment request has 1 problem(s): ...",
        errors=[
            {
                "loc": ["body", "findings", 0, "sign"],
                "msg": "unknown sign '<misspelt id>'",
                "suggestions": ["<closest sign id>"],
            }
        ],
    ),
}


Explain = Annotated[
    ExplainForm,
    Query(
        description="How explanations are written. `linked` (the default): every believed muscle "
        "state carries its own explanation in `states`, and the imbalance trees point to it with "
        '`{"$ref": "#/states/<i>/explanation/tree"}` (a JSON Reference; resolving them gives the '
        "`nested` form). `nested`: every tree written out in full, state subtrees repeated under "
        "each imbalance (several times larger). `sentences`: sentences only, no trees. `none`: "
        "no explanations."
    ),
]


ANSWERS = ("application/json", "text/plain")
"""What the reasoning routes answer in, by the request's ``Accept``: JSON unless text is preferred."""
NOT_ACCEPTABLE = problem_doc(
    406,
    "The request's `Accept` takes neither `application/json` nor `text/plain`.",
    "Not acceptable",
    "this route answers in application/json or text/plain; the request's Accept "
    "('application/xml') takes neither: send Accept: application/json, or leave it out",
    available=list(ANSWERS),
)


def _answer_form(request: Request) -> str:
    """The media type to answer in (see :data:`ANSWERS`), or a 406 problem that names them."""
    accept = ",".join(request.headers.getlist("accept")) or None
    form = preferred_media(accept, ANSWERS)
    if form is None:
        raise ApiProblem(
            406,
            "Not acceptable",
            f"this route answers in {' or '.join(ANSWERS)}; the request's Accept "
            f"({accept!r}) takes neither: send Accept: application/json, or leave it out",
            {"Vary": "Accept"},
            available=list(ANSWERS),
        )
    return form


@router.post(
    "",
    summary="Assess findings: ranked imbalances, a phased plan and advisories, with explanations",
    response_model=None,
    responses={
        200: {
            "model": AssessmentOut,
            "description": "The assessment as JSON; as a plain-text report when the request's "
            "`Accept` prefers `text/plain`.",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        406: NOT_ACCEPTABLE,
        **ERRORS,
    },
    dependencies=[Depends(only_parameters(("explain",)))],
)
async def assess(
    body: AssessmentBody,
    engine: Engine,
    request: Request,
    explain: Explain = "linked",
) -> Response:
    """Reason from findings (signs seen or not seen in movement tests, per side), measurements
    (a value per side) and context to the likely imbalances, each with its certainty, side and
    explanation, a phased corrective plan, and advisories. `{}` is a valid, empty assessment.

    With `Accept: text/plain` the answer is a report to read: advisories, the imbalances with
    their certainty, side and first explaining sentence, and the plan by phase (what
    `musclekb assess` prints). `explain` shapes only the JSON answer."""
    form = _answer_form(request)
    result = engine.assess(body.request())
    headers = {"Vary": "Accept"}
    if form == "text/plain":
        return Response(result.render() + "\n", media_type="text/plain", headers=headers)
    # written straight to JSON from the explanation pieces the reasoner keeps (same bytes)
    return Response(result.to_json(explain=explain), media_type="application/json", headers=headers)


@router.post(
    "/why-not",
    summary="Why an imbalance was not concluded, or an exercise is not in the plan",
    response_model=None,
    responses={
        200: {
            "model": WhyNotImbalanceOut | WhyNotExerciseOut,
            "description": "The answer as JSON; as plain text when the request's `Accept` "
            "prefers `text/plain`.",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        406: NOT_ACCEPTABLE,
        **ERRORS,
    },
    dependencies=[Depends(only_parameters(()))],
)
async def why_not(body: WhyNotBody, engine: Engine, request: Request) -> Response:
    """Assess the request as `POST /v1/assessments` does, then explain the `target`: for an
    imbalance, every rule that could conclude it on each side and the status of each premise
    (held, too weak, contradicted, missing); for an exercise, whether it is in the plan, its
    score, or why it was excluded. With `Accept: text/plain`, the same as lines of text (what
    `musclekb why-not` prints)."""
    form = _answer_form(request)
    answer = engine.why_not(body.request(), body.target)
    if form == "text/plain":
        text = render_why_not(answer) + "\n"
        return Response(text, media_type="text/plain", headers={"Vary": "Accept"})
    return FastJSONResponse(answer, headers={"Vary": "Accept"})
