"""Assessment requests: findings, measurements and context, parsed and checked against the knowledge base.

Every problem is collected (unknown ids with the closest valid ones, which are what a forgiving
search for the unknown name finds first, so that "knee cave" gets the sign known as "knee caves
in"; a side on a non-lateral sign, a sign both present and absent on one side, missing or negative
measure values, ...) and raised together as :class:`~musclekb.errors.AssessmentInputError`. The
closest ids are looked for only for the first ``max_suggested`` problems: a request of thousands
of unknown ids would otherwise cost a search for each.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from musclekb.errors import AssessmentInputError, InputProblem

if TYPE_CHECKING:
    from musclekb.kb import KnowledgeBase

__all__ = [
    "MAX_SUGGESTED",
    "AssessmentRequest",
    "Context",
    "Finding",
    "FindingSide",
    "Measurement",
    "parse_request",
    "parse_target",
]

FindingSide = Literal["left", "right", "bilateral"]
MAX_SUGGESTED = 100  # problems of one request for which the closest ids are looked for
_SIDES = ("left", "right", "bilateral")


@dataclass(frozen=True)
class Finding:
    """A sign seen (``present``) or looked for and not seen; ``side`` is None for non-lateral signs."""

    sign: str
    side: FindingSide | None = None
    present: bool = True


@dataclass(frozen=True)
class Measurement:
    """A measure with one value per side."""

    measure: str
    left: float
    right: float


@dataclass(frozen=True)
class Context:
    pain: int = 0
    pain_persistent: bool = False
    causes: tuple[str, ...] = ()
    equipment: tuple[str, ...] | None = None
    level: str | None = None


@dataclass(frozen=True)
class AssessmentRequest:
    """What an assessment reasons from. ``threshold`` None stands for the knowledge base's report
    threshold, which :func:`parse_request` puts in its place."""

    findings: tuple[Finding, ...] = ()
    measurements: tuple[Measurement, ...] = ()
    context: Context = field(default_factory=Context)
    threshold: float | None = None


class _Collector:
    """The problems found, in the order of the request; the closest ids are looked for while
    fewer than ``suggest`` problems have been found."""

    def __init__(self, kb: KnowledgeBase, suggest: int = MAX_SUGGESTED) -> None:
        self.kb = kb
        self.suggest = suggest
        self.problems: list[InputProblem] = []

    def add(self, where: str, message: str, suggestions: Sequence[str] = ()) -> None:
        self.problems.append(InputProblem(where, message, tuple(suggestions)))

    def known(self, where: str, kind: str | tuple[str, ...], value: object) -> str | None:
        """The id ``value`` names among the entities of ``kind`` (one kind or several), by id,
        label or synonym; otherwise a problem at ``where`` with the closest ids."""
        kinds = (kind,) if isinstance(kind, str) else kind
        what = " or ".join(kinds)
        if not isinstance(value, str) or not value:
            self.add(where, f"expected a {what} id (a non-empty string), got {value!r}")
            return None
        if any(value in self.kb.all(k) for k in kinds):
            return value
        for k in kinds:
            by_label = self.kb.named(k, value)
            if by_label:
                return by_label[0]
        close: list[str] = []
        if len(self.problems) < self.suggest:
            close = self.kb.search_index.suggest(value, kinds)
        self.add(where, f"unknown {what} {value!r}", close)
        return None


def _number(c: _Collector, where: str, value: object) -> float | None:
    if value is None:
        c.add(where, "missing value: give a number for each side")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        c.add(where, f"expected a number, got {value!r}")
        return None
    try:
        number = float(value)
    except OverflowError:
        c.add(where, "expected a number, got one too large to use")
        return None
    if not math.isfinite(number):
        c.add(where, f"expected a finite number, got {number!r}")
        return None
    return number


def _list(c: _Collector, raw: object, where: str) -> list[Any]:
    """``raw`` as a list (None is empty); anything else is a problem reported at ``where``."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        c.add(where, f"expected a list of {where}")
        return []
    return raw


def _findings(c: _Collector, raw: object) -> list[Finding]:
    out: list[Finding] = []
    seen: dict[tuple[str, str], tuple[bool, int]] = {}
    for i, item in enumerate(_list(c, raw, "findings")):
        where = f"findings[{i}]"
        if not isinstance(item, Mapping):
            c.add(where, 'expected an object like {"sign": "...", "side": "left", "present": true}')
            continue
        extra = _unexpected(item, ("sign", "side", "present"))
        if extra:
            c.add(where, f"unexpected field(s) {extra}: a finding has sign, side and present")
        sign_id = c.known(f"{where}.sign", "sign", item.get("sign"))
        present = item.get("present", True)
        if not isinstance(present, bool):
            c.add(f"{where}.present", f"expected true or false, got {present!r}")
            continue
        side = item.get("side")
        if sign_id is None:
            continue
        sign = c.kb.signs[sign_id]
        if sign.lateral:
            if side not in _SIDES:
                c.add(
                    f"{where}.side",
                    f"sign {sign_id!r} is seen on a side: give side as "
                    f"'left', 'right' or 'bilateral' (got {side!r})",
                )
                continue
        elif side is not None:
            c.add(
                f"{where}.side", f"sign {sign_id!r} is not lateral: leave side out (got {side!r})"
            )
            continue
        sides = ("left", "right") if side in (None, "bilateral") else (side,)
        for s in sides:
            key = (sign_id, s)
            if key in seen and seen[key][0] != present:
                c.add(
                    where,
                    f"sign {sign_id!r} is both present and absent on the {s} side "
                    f"(see findings[{seen[key][1]}]); keep one",
                )
            seen.setdefault(key, (present, i))
        out.append(Finding(sign_id, side, present))
    return out


def _measurements(c: _Collector, raw: object) -> list[Measurement]:
    out: list[Measurement] = []
    seen: set[str] = set()
    for i, item in enumerate(_list(c, raw, "measurements")):
        where = f"measurements[{i}]"
        if not isinstance(item, Mapping):
            c.add(where, 'expected an object like {"measure": "...", "left": 30, "right": 14}')
            continue
        measure_id = c.known(f"{where}.measure", "measure", item.get("measure"))
        left = _number(c, f"{where}.left", item.get("left"))
        right = _number(c, f"{where}.right", item.get("right"))
        if measure_id is None or left is None or right is None:
            continue
        measure = c.kb.measures[measure_id]
        for side, value in (("left", left), ("right", right)):
            if value < 0 <= measure.min_value:
                c.add(
                    f"{where}.{side}",
                    f"negative value {value:g}: {measure.label!r} is zero or more",
                )
            elif not measure.min_value <= value <= measure.max_value:
                c.add(
                    f"{where}.{side}",
                    f"{value:g} {measure.unit} is outside the valid range "
                    f"{measure.min_value:g}-{measure.max_value:g} for {measure.label!r}",
                )
        if measure_id in seen:
            c.add(where, f"measure {measure_id!r} is given twice; give it once")
        seen.add(measure_id)
        out.append(Measurement(measure_id, left, right))
    return out


def _context(c: _Collector, raw: object) -> Context:
    if raw is None:
        return Context()
    if not isinstance(raw, Mapping):
        c.add("context", "expected an object")
        return Context()
    pain = raw.get("pain", 0)
    if isinstance(pain, bool) or not isinstance(pain, int) or not 0 <= pain <= 10:
        c.add("context.pain", f"expected a whole number from 0 to 10, got {pain!r}")
        pain = 0
    persistent = raw.get("pain_persistent", False)
    if not isinstance(persistent, bool):
        c.add("context.pain_persistent", f"expected true or false, got {persistent!r}")
        persistent = False
    causes = []
    for i, cause in enumerate(_list(c, raw.get("causes"), "context.causes")):
        found = c.known(f"context.causes[{i}]", "cause", cause)
        if found:
            causes.append(found)
    equipment: list[str] | None = None
    if raw.get("equipment") is not None:
        equipment = []
        for i, eq in enumerate(_list(c, raw["equipment"], "context.equipment")):
            found = c.known(f"context.equipment[{i}]", "equipment", eq)
            if found:
                equipment.append(found)
    level = raw.get("level")
    if level is not None:
        level = c.known("context.level", "level", level)
    return Context(
        pain,
        persistent,
        tuple(sorted(set(causes))),
        tuple(sorted(set(equipment))) if equipment is not None else None,
        level,
    )


def parse_request(
    kb: KnowledgeBase,
    raw: Mapping[str, Any] | AssessmentRequest,
    *,
    max_suggested: int = MAX_SUGGESTED,
) -> AssessmentRequest:
    """Check a request (a mapping as from JSON or YAML, or a built request) against ``kb``;
    :class:`AssessmentInputError` lists every problem, the first ``max_suggested`` with the
    closest ids to an unknown one."""
    if isinstance(raw, AssessmentRequest):
        raw = {
            "findings": [
                {"sign": f.sign, "side": f.side, "present": f.present} for f in raw.findings
            ],
            "measurements": [
                {"measure": m.measure, "left": m.left, "right": m.right} for m in raw.measurements
            ],
            "context": {
                "pain": raw.context.pain,
                "pain_persistent": raw.context.pain_persistent,
                "causes": list(raw.context.causes),
                "equipment": raw.context.equipment,
                "level": raw.context.level,
            },
            "threshold": raw.threshold,
        }
    c = _Collector(kb, max_suggested)
    if not isinstance(raw, Mapping):
        raise AssessmentInputError(
            [InputProblem("request", "expected an object with findings, measurements and context")]
        )
    extra = _unexpected(raw, ("findings", "measurements", "context", "threshold"))
    if extra:
        c.add("request", f"unexpected field(s) {extra}")
    threshold = raw.get("threshold")
    if threshold is None:
        threshold = kb.report_threshold
    elif (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float))
        or not 0 <= threshold < 1
    ):
        c.add(
            "threshold",
            "expected a number from 0 up to (not including) 1, or leave it out for the "
            f"knowledge base's {kb.report_threshold:g}; got {threshold!r}",
        )
    findings = _findings(c, raw.get("findings"))
    measurements = _measurements(c, raw.get("measurements"))
    context = _context(c, raw.get("context"))
    if c.problems:
        raise AssessmentInputError(c.problems)
    # + 0.0 makes -0.0 (which JSON can carry) the 0 it means, so it is written back as 0.0
    return AssessmentRequest(tuple(findings), tuple(measurements), context, float(threshold) + 0.0)


def _unexpected(item: Mapping[Any, Any], allowed: tuple[str, ...]) -> str:
    """The keys of ``item`` that are not ``allowed``, named in order ("" when none); a key that
    is not a string (a number in YAML, say) is named as it was written."""
    return ", ".join(sorted(str(key) for key in item if key not in allowed))


def parse_target(kb: KnowledgeBase, target: object) -> str:
    """The imbalance or exercise that ``target`` names (by id, label or synonym), for
    :meth:`Assessment.why_not`; raises :class:`AssessmentInputError` with the closest ids."""
    c = _Collector(kb)
    found = c.known("target", ("imbalance", "exercise"), target)
    if found is None:
        raise AssessmentInputError(c.problems)
    return found
