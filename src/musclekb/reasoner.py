"""``Reasoner``: build the engine once, then assess requests into ranked imbalances, a plan and advisories."""

from __future__ import annotations

import queue
from collections.abc import Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from musclekb.assessment import Assessment
from musclekb.cf import rounded
from musclekb.engine import ForwardEngine
from musclekb.errors import AssessmentInputError, InputProblem
from musclekb.exercise_index import index_exercises
from musclekb.explain import Explainer
from musclekb.phrases import TABLE_ENTRIES, Phrasebook
from musclekb.plan import Reported, build_plan
from musclekb.request import MAX_SUGGESTED, AssessmentRequest, parse_request, parse_target
from musclekb.tables import compile_tables
from musclekb.trace import Belief, Side, unsided

if TYPE_CHECKING:
    from musclekb.engine import Derivation
    from musclekb.kb import KnowledgeBase

__all__ = ["Reasoner"]


def _measured(kb: KnowledgeBase, request: AssessmentRequest) -> list[dict[str, Any]]:
    rows = []
    for m in request.measurements:
        measure = kb.measures[m.measure]
        high, low = max(m.left, m.right), min(m.left, m.right)
        lsi = 100.0 if high == 0 else 100.0 * low / high
        if m.left == m.right:
            weaker = None
        elif measure.higher_is_better:
            weaker = "left" if m.left < m.right else "right"
        else:
            weaker = "left" if m.left > m.right else "right"
        for side, value in (("left", m.left), ("right", m.right)):
            rows.append(
                {
                    "measure": m.measure,
                    "side": side,
                    "value": value,
                    "lsi": lsi,
                    "weaker": side == weaker,
                }
            )
    return rows


def _addressed(d: Derivation, reported: list[tuple[Belief, str | None]]) -> list[Reported]:
    """What the plan addresses: each reported imbalance with the beliefs it stands for, both
    sides' for one reported ``bilateral``."""
    return [
        (
            (d.imbalances[(b.id, "left")], d.imbalances[(b.id, "right")])
            if shown == "bilateral"
            else (b,),
            shown,
        )
        for b, shown in reported
    ]


def _alike(left: Belief, right: Belief, states: Mapping[tuple[str, Side], Belief]) -> bool:
    """Whether the two sides of a conclusion are derived alike, the right as the left with the
    sides swapped (then it is reported ``bilateral``)."""
    return unsided(left, states) == unsided(right, states)


def _support(b: Belief, states: Mapping[tuple[str, Side], Belief]) -> tuple[object, ...]:
    """Which of an imbalance's two sides, at one certainty, explains it when it is reported once
    (one that is not a matter of sides): the side whose rules rest on the more certain premises,
    then the one whose evidence, its sides left out (:func:`~musclekb.trace.unsided`), comes
    first; the left when both are alike. What is chosen depends on the evidence, not on its
    side, so a person's mirror image gets the mirror image of the explanation."""
    premises = [p for c in b.contributions for p in c.premises]
    return (sum(p.cf for p in premises), unsided(b, states), b.side == "left")


class Reasoner:
    """Holds the compiled tables and a pool of engines (one per concurrent caller).

    ``table_entries`` bounds the tables that keep the words and JSON pieces of explanations from
    one assessment to the next (see :data:`musclekb.phrases.TABLE_ENTRIES`): fewer entries take
    less memory and leave more to write again. The results are the same at any size.
    ``max_suggested``: how many of an invalid request's problems get the closest ids to an
    unknown one (:func:`~musclekb.request.parse_request`)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        table_entries: int = TABLE_ENTRIES,
        max_suggested: int = MAX_SUGGESTED,
    ) -> None:
        self.kb = kb
        self.max_suggested = max_suggested
        # what a request leaves out (KnowledgeInvalidError now, not at the first assessment,
        # when the knowledge base was loaded unchecked and lacks it)
        self.report_threshold = kb.report_threshold
        self.tables = compile_tables(kb)
        self.exercises = index_exercises(kb)
        self.phrases = Phrasebook(kb, table_entries)
        self._pool: queue.LifoQueue[ForwardEngine] = queue.LifoQueue()
        self._pool.put(ForwardEngine(self.tables))

    def derive(self, request: AssessmentRequest) -> Derivation:
        try:
            engine = self._pool.get_nowait()
        except queue.Empty:
            engine = ForwardEngine(self.tables)
        try:
            return engine.derive(request, _measured(self.kb, request))
        finally:
            self._pool.put(engine)

    def assess(self, request: Mapping[str, Any] | AssessmentRequest) -> Assessment:
        parsed = parse_request(self.kb, request, max_suggested=self.max_suggested)
        d = self.derive(parsed)
        reported, dropped = self._report(d)
        states = sorted(
            (b for b in d.states.values() if b.cf > d.threshold),
            key=lambda b: (-b.cf, b.id, b.side),
        )
        weaker = self._weaker_side(reported)
        plan = build_plan(
            self.exercises, self.tables, _addressed(d, reported), states, parsed.context, weaker
        )
        return Assessment(
            self.kb,
            parsed,
            d,
            Explainer(self.kb, d, self.phrases),
            reported,
            dropped,
            states,
            plan,
            self.tables,
        )

    def why_not(
        self, request: Mapping[str, Any] | AssessmentRequest, target: object
    ) -> dict[str, Any]:
        """Assess ``request``, then say why ``target`` (an imbalance or exercise, by id, label
        or synonym) was not concluded or is not in the plan (:meth:`Assessment.why_not`). The
        problems of the request and of the target are reported together, in one
        :class:`AssessmentInputError`."""
        problems: tuple[InputProblem, ...] = ()
        found: str | None = None
        try:
            found = parse_target(self.kb, target)
        except AssessmentInputError as exc:
            problems = exc.problems
        try:
            result = self.assess(request)
        except AssessmentInputError as exc:
            raise AssessmentInputError([*exc.problems, *problems]) from None
        if found is None:
            raise AssessmentInputError(list(problems))
        return result.why_not(found)

    def _weaker_side(self, reported: list[tuple[Belief, str | None]]) -> str | None:
        score = {"left": 0.0, "right": 0.0}
        for b, side in reported:
            if side in score and self.kb.imbalances[b.id].lateral:
                score[side] += b.cf
        if score["left"] == score["right"]:
            return None
        return "left" if score["left"] > score["right"] else "right"

    def _report(self, d: Derivation) -> tuple[list[tuple[Belief, str | None]], dict[str, str]]:
        """Reported imbalances with their displayed side, and why others were dropped."""
        out: list[tuple[Belief, str | None]] = []
        dropped: dict[str, str] = {}
        for imb_id in sorted({k[0] for k in d.imbalances}):
            imbalance = self.kb.imbalances[imb_id]
            left, right = d.imbalances.get((imb_id, "left")), d.imbalances.get((imb_id, "right"))
            lcf, rcf = (left.cf if left else 0.0), (right.cf if right else 0.0)
            if left and right and abs(lcf - rcf) < 1e-9:
                # a lateral one is then reported on both sides (alike or apart) or dropped
                lateral = imbalance.lateral
                best = left if lateral else max(left, right, key=lambda b: _support(b, d.states))
            else:
                best = max((b for b in (left, right) if b), key=attrgetter("cf"))
            if max(lcf, rcf) <= d.threshold:
                dropped[imb_id] = (
                    # as precise as certainties are given: 0.1996, not 0.20 (which reads as
                    # the threshold itself)
                    f"concluded at {rounded(max(lcf, rcf)):g}, not above the reporting "
                    f"threshold {d.threshold:g}"
                )
                continue
            if not imbalance.lateral:
                out.append((best, None))
            elif imbalance.compares_sides:
                if abs(lcf - rcf) < 1e-9:
                    dropped[imb_id] = (
                        "found equally on both sides, so not a side-to-side difference"
                    )
                else:
                    out.append((best, best.side))
            elif left and right and abs(lcf - rcf) < 1e-9 and _alike(left, right, d.states):
                out.append((best, "bilateral"))
            else:
                for b in (left, right):
                    if b is not None and b.cf > d.threshold:
                        out.append((b, b.side))
        out.sort(key=lambda x: (-x[0].cf, x[0].id, x[1] or ""))
        return out, dropped
