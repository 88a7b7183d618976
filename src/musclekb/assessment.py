"""The result of an assessment: ranked imbalances, a phased plan, advisories, and the trace."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any, Literal, get_args

import orjson

from musclekb.cf import fmt, rounded
from musclekb.errors import AssessmentInputError, InputProblem, LookupFailedError
from musclekb.explain_json import JsonExplainer
from musclekb.lazy import lazy

if TYPE_CHECKING:
    from musclekb.engine import Derivation
    from musclekb.explain import Explainer
    from musclekb.kb import KnowledgeBase
    from musclekb.plan import Candidate, PlanResult
    from musclekb.request import AssessmentRequest
    from musclekb.tables import Tables
    from musclekb.trace import Belief, Side

__all__ = [
    "EXPLAIN_FORMS",
    "Assessment",
    "ExplainForm",
    "PlanItem",
    "ReportedAdvisory",
    "ReportedImbalance",
    "knowledge_line",
]


@dataclass(frozen=True)
class ReportedImbalance:
    id: str
    iri: str
    label: str
    side: str | None
    certainty: float
    states: list[dict[str, Any]]
    causes: list[str]
    explanation: dict[str, Any]


@dataclass(frozen=True)
class PlanItem:
    id: str
    iri: str
    label: str
    phase: str
    phase_label: str
    score: float
    dose: dict[str, Any]
    side_emphasis: str | None
    addresses: dict[str, list[dict[str, Any]]]
    why: list[str]


@dataclass(frozen=True)
class ReportedAdvisory:
    id: str
    iri: str
    code: str
    label: str
    sentence: str
    sources: list[str]
    referral: bool


ExplainForm = Literal["linked", "nested", "sentences", "none"]
EXPLAIN_FORMS: tuple[str, ...] = get_args(ExplainForm)
"""How :meth:`Assessment.to_dict` can write explanations (``linked`` is the default)."""
_REF = "#/states/{}/explanation/tree"  # where a state's tree is, in the linked form
_BOTH: tuple[Side, ...] = ("left", "right")


def _ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ..., ``11th``, ``21st``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def knowledge_line(knowledge: Mapping[str, str]) -> str:
    """The last line of a text result: which knowledge base it comes from."""
    return f"Knowledge base {knowledge['content_hash'][:12]} (musclekb {knowledge['version']})."


def _explain_form(explain: str) -> str:
    if explain in EXPLAIN_FORMS:
        return explain
    close = get_close_matches(str(explain).lower(), EXPLAIN_FORMS, n=2, cutoff=0.5)
    raise AssessmentInputError(
        [
            InputProblem(
                "explain",
                f"unknown explanation form {explain!r}; use one of {', '.join(EXPLAIN_FORMS)}",
                tuple(close),
            )
        ]
    )


def _by_weight(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a plan item addresses, heaviest first (ties in id order, as the plan lists them)."""
    return sorted(rows, key=lambda row: -row["weight"])


def _shallow(item: Any) -> dict[str, Any]:
    """A reported item as a dict; its values are already plain data, so nothing is copied
    (``dataclasses.asdict`` deep-copies every explanation tree)."""
    return dict(vars(item))


class Assessment:
    """What the engine concluded for one request, with explanations on demand."""

    def __init__(self, kb: KnowledgeBase, request: AssessmentRequest, d: Derivation,
                 explainer: Explainer, reported: list[tuple[Belief, str | None]],
                 dropped: dict[str, str], states: list[Belief], plan: PlanResult,
                 tables: Tables) -> None:  # fmt: skip
        self.kb, self.request, self.derivation = kb, request, d
        self.explainer, self._reported, self.dropped = explainer, reported, dropped
        self.state_beliefs, self._plan, self._tables = states, plan, tables
        self._items: dict[str, PlanItem] = {}

    # ------------------------------------------------------------------ conclusions

    @lazy
    def _imbalance_rows(self) -> list[tuple[Belief, dict[str, Any]]]:
        """Each reported imbalance with every field but its explanation; its ``states`` are its
        component states believed on the side it is reported on, or on either side (left, then
        right, for each component) when it is reported ``bilateral`` or without a side. (A muscle
        state's row is one dict wherever it appears among the imbalances: the result is
        read-only.)"""
        out = []
        d = self.derivation
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for b, side in self._reported:
            imbalance = self.kb.imbalances[b.id]
            sides = (b.side,) if side == b.side else _BOTH
            states = []
            for component in imbalance.components:
                for on in sides:
                    key = (component, on)
                    row = rows.get(key)
                    if row is None:
                        belief = d.states.get(key)
                        if belief is None or belief.cf <= d.threshold:
                            continue
                        row = rows[key] = self._state_row(belief)
                    states.append(row)
            causes = (
                sorted({p.id for c in b.evidence for p in c.premises if p.kind == "cause"})
                if d.causes
                else []
            )
            row = {
                "id": b.id, "iri": imbalance.iri, "label": imbalance.label, "side": side,
                "certainty": rounded(b.cf), "states": states, "causes": causes,
            }  # fmt: skip
            out.append((b, row))
        return out

    def _state_row(self, b: Belief) -> dict[str, Any]:
        state = self.kb.states[b.id]
        return {
            "id": b.id, "iri": state.iri, "label": state.label, "muscle": state.muscle,
            "state_kind": state.state_kind, "side": b.side, "certainty": rounded(b.cf),
        }  # fmt: skip

    @lazy
    def imbalances(self) -> list[ReportedImbalance]:
        """The reported imbalances, best first, each explained by a self-contained tree."""
        return [
            ReportedImbalance(
                **row,
                explanation={
                    "sentences": self.explainer.sentences(b, row["side"]),
                    "tree": self.explainer.tree(b),
                },
            )
            for b, row in self._imbalance_rows
        ]

    @lazy
    def beliefs(self) -> dict[tuple[str, str, str], float]:
        """Every combined belief before reporting: (kind, id, side) -> certainty."""
        out = {b.key: b.cf for b in self.derivation.states.values()}
        out.update({b.key: b.cf for b in self.derivation.imbalances.values()})
        return out

    @lazy
    def plan(self) -> list[PlanItem]:
        """Every exercise that scored, by phase then score."""
        self._plan.detail(*self._plan.chosen)
        return [self._plan_item(c) for c in self._plan.chosen]

    def top_plan(self, per_phase: int = 3) -> list[PlanItem]:
        """The best ``per_phase`` exercises of each phase (only these are written out)."""
        return [self._plan_item(c) for c in self._plan.top(per_phase)]

    def _plan_item(self, c: Candidate) -> PlanItem:
        found = self._items.get(c.exercise)
        if found is None:
            found = self._items[c.exercise] = PlanItem(**self._plan_fields(c))
        return found

    def _plan_fields(self, c: Candidate) -> dict[str, Any]:
        """A plan item's fields as plain data (what the service writes out; :class:`PlanItem`
        holds the same), for a candidate the plan has detailed (:meth:`PlanResult.top` and
        :attr:`plan` detail theirs in one pass). Its ``why`` lines come from the phrasebook: the
        same weight for the same conclusion recurs across the items of a plan and across plans."""
        ex = self.kb.exercises[c.exercise]
        weaker = self._plan.weaker_side
        emphasis = None
        if ex.unilateral:
            emphasis = weaker if weaker else ("both" if len(c.sides) != 1 else next(iter(c.sides)))
        dose: dict[str, Any] = {"sets": ex.sets, "reps": ex.reps, "hold_seconds": ex.hold_seconds}
        if ex.unilateral and emphasis in ("left", "right"):
            dose["note"] = (
                f"train both sides with the same reps and load, set by what the "
                f"{emphasis} side can do; start with the {emphasis} side"
            )
        phrases = self.explainer.phrases
        why = [
            phrases.addresses((row["id"], row["side"], row["weight"]))
            for row in _by_weight(c.imbalances)
        ]
        why += c.reasons
        return {
            "id": ex.id, "iri": ex.iri, "label": ex.label, "phase": c.phase,
            "phase_label": self.kb.phases[c.phase].label, "score": c.score, "dose": dose,
            "side_emphasis": emphasis,
            "addresses": {"imbalances": c.imbalances, "states": c.states},
            "why": why,
        }  # fmt: skip

    @lazy
    def advisories(self) -> list[ReportedAdvisory]:
        ctx = self.request.context
        out = []
        for adv in self.kb.advisories_in_order:
            pain = adv.trigger_pain_at_least is not None and ctx.pain >= adv.trigger_pain_at_least
            persistent = adv.trigger_persistent_pain and ctx.pain_persistent
            anything = adv.trigger_any_imbalance and bool(self._reported)
            if pain or persistent or anything:
                out.append(
                    ReportedAdvisory(
                        adv.id,
                        adv.iri,
                        adv.code,
                        adv.label,
                        adv.definition,
                        list(adv.sources),
                        adv.referral,
                    )
                )
        return out

    @property
    def knowledge(self) -> dict[str, str]:
        """Which knowledge base the result comes from: the musclekb version that loaded it and
        the hash of its content (as ``/v1/kb`` gives them), to keep with a stored result."""
        info = self.kb.info
        return {"version": info.version, "content_hash": info.content_hash}

    # ------------------------------------------------------------------ explanations

    def how(self, conclusion: str, side: str | None = None) -> dict[str, Any]:
        """The derivation of an imbalance or muscle state, as a tree and as sentences."""
        kind = "imbalance" if conclusion in self.kb.imbalances else "state"
        if kind == "state" and conclusion not in self.kb.states:
            raise LookupFailedError("imbalance or muscle state", conclusion)
        store = self.derivation.imbalances if kind == "imbalance" else self.derivation.states
        found = [
            b
            for (cid, s), b in sorted(store.items())
            if cid == conclusion and (side is None or s == side)
        ]
        if not found:
            return {
                "id": conclusion,
                "concluded": False,
                "sentences": [f"{conclusion} was not derived; ask why_not({conclusion!r})"],
            }
        best = max(found, key=lambda b: b.cf)
        return {
            "id": conclusion,
            "concluded": True,
            "sentences": self.explainer.sentences(best),
            "tree": self.explainer.tree(best),
        }

    def why_not(self, target: str, per_phase: int = 3) -> dict[str, Any]:
        """Why an imbalance was not concluded, or an exercise is not in the plan (the best
        ``per_phase`` of each phase, as :meth:`to_dict` shows it)."""
        if target in self.kb.imbalances:
            return self._why_not_imbalance(target)
        if target in self.kb.exercises:
            return self._why_not_exercise(target, per_phase)
        raise LookupFailedError("imbalance or exercise", target)

    def _why_not_imbalance(self, target: str) -> dict[str, Any]:
        rules = self._tables.pattern_rules_by_imbalance.get(target, ())
        reported = [side for b, side in self._reported if b.id == target]
        sides = {}
        for side in ("left", "right"):
            belief = self.derivation.imbalances.get((target, side))
            sides[side] = {
                "certainty": None if belief is None else rounded(belief.cf),
                "rules": self.explainer.why_not_rules(target, side, rules),
            }
        if reported:
            reason = f"it was concluded ({', '.join(str(s) for s in reported)})"
        elif target in self.dropped:
            reason = self.dropped[target]
        else:
            reason = "no rule that concludes it had all its premises above the threshold"
        return {
            "id": target,
            "iri": self.kb.imbalances[target].iri,
            "kind": "imbalance",
            "label": self.kb.imbalances[target].label,
            "concluded": bool(reported),
            "reason": reason,
            "sides": sides,
            "knowledge": self.knowledge,
        }

    def _why_not_exercise(self, target: str, per_phase: int) -> dict[str, Any]:
        ex = self.kb.exercises[target]
        cand = self._plan.candidates.get(target)
        phase_id = self._plan.index.profiles[target].phase
        phase = self.kb.phases[phase_id].label
        same_phase = [c.exercise for c in self._plan.chosen if c.phase == phase_id]
        rank = same_phase.index(target) + 1 if target in same_phase else None
        in_plan = rank is not None and rank <= per_phase
        if rank is not None and in_plan:
            reason = f"it is in the plan: {_ordinal(rank)} of the {phase} phase"
        elif rank is not None and cand is not None:
            reason = (
                f"it ranks {_ordinal(rank)} in the {phase} phase, below the best {per_phase} "
                f"of each phase that the plan shows (score {fmt(cand.score)})"
            )
        elif cand is None:
            reason = "it addresses none of the believed muscle states or reported imbalances"
        elif cand.excluded:
            reason = "excluded: " + "; ".join(cand.excluded)
        else:
            reason = f"scored {fmt(cand.score)}"
        return {
            "id": target,
            "iri": ex.iri,
            "kind": "exercise",
            "label": ex.label,
            "in_plan": in_plan,
            "reason": reason,
            "phase": phase_id,
            "phase_rank": rank,
            "score": None if cand is None else cand.score,
            "excluded": [] if cand is None else list(cand.excluded),
            "knowledge": self.knowledge,
        }

    # ------------------------------------------------------------------ output

    def to_dict(self, per_phase: int = 3, explain: str = "linked") -> dict[str, Any]:
        """The whole result as plain data (for JSON). ``explain`` chooses how explanations are
        written (see :data:`EXPLAIN_FORMS`): ``linked`` gives every believed state its tree once,
        in ``states``, and the imbalance trees point to it with ``{"$ref": "#/states/<i>/
        explanation/tree"}`` (a JSON Reference: resolving it gives the ``nested`` form);
        ``nested`` writes every tree out in full; ``sentences`` leaves the trees out; ``none``
        leaves explanations out."""
        form = _explain_form(explain)
        ex = self.explainer
        trees = form in ("linked", "nested")

        def state(b: Belief) -> dict[str, Any]:
            out: dict[str, Any] = {"sentences": [ex.sentence(b)]}
            if trees:
                out["tree"] = ex.tree(b)
            return out

        def imbalance(
            b: Belief, refs: Mapping[tuple[str, str], Any], side: str | None
        ) -> dict[str, Any]:
            out: dict[str, Any] = {"sentences": ex.sentences(b, side)}
            if form == "linked":
                out["tree"] = ex.linked_tree(b, refs)
            elif form == "nested":
                out["tree"] = ex.tree(b)
            return out

        return self._document(
            per_phase, form, state, imbalance, _REF.format, lambda c: _shallow(self._plan_item(c))
        )

    def to_json(self, per_phase: int = 3, explain: str = "linked") -> bytes:
        """:meth:`to_dict` written as compact UTF-8 JSON, the same bytes as
        ``orjson.dumps(to_dict(...))``, but with each explanation assembled from JSON pieces the
        reasoner keeps (``musclekb.explain_json``) instead of built as dicts and encoded anew."""
        form = _explain_form(explain)
        js = JsonExplainer(self.explainer)
        trees = form in ("linked", "nested")

        def state(b: Belief) -> orjson.Fragment:
            sentences = b'{"sentences":[%s]' % js.sentence(b)
            if trees:
                return orjson.Fragment(b'%s,"tree":%s}' % (sentences, js.tree(b)))
            return orjson.Fragment(sentences + b"}")

        def imbalance(
            b: Belief, refs: Mapping[tuple[str, str], Any], side: str | None
        ) -> orjson.Fragment:
            sentences = b'{"sentences":%s' % js.sentences(b, side)
            if trees:
                tree = js.tree(b, refs if form == "linked" else None)
                return orjson.Fragment(b'%s,"tree":%s}' % (sentences, tree))
            return orjson.Fragment(sentences + b"}")

        return orjson.dumps(
            self._document(
                per_phase,
                form,
                state,
                imbalance,
                lambda i: orjson.dumps(_REF.format(i)),
                self._plan_fields,
            )
        )

    def _document(
        self,
        per_phase: int,
        form: str,
        state: Callable[[Belief], Any],
        imbalance: Callable[[Belief, Mapping[tuple[str, str], Any], str | None], Any],
        ref: Callable[[int], Any],
        plan_item: Callable[[Candidate], Any],
    ) -> dict[str, Any]:
        """The result with each explanation written by ``state`` or ``imbalance`` (given the
        references to the states, made by ``ref`` from a state's index, and the side the
        imbalance is reported on) unless ``form`` is ``none``."""
        states: list[dict[str, Any]] = []
        refs: dict[tuple[str, str], Any] = {}
        for b in self.state_beliefs:
            row = self._state_row(b)
            if form != "none":
                row["explanation"] = state(b)
            refs[(b.id, b.side)] = ref(len(states))
            states.append(row)
        imbalances: list[dict[str, Any]] = []
        for b, fields in self._imbalance_rows:
            row = dict(fields)
            if form != "none":
                row["explanation"] = imbalance(b, refs, fields["side"])
            imbalances.append(row)
        return {
            "imbalances": imbalances,
            "states": states,
            "plan": [plan_item(c) for c in self._plan.top(per_phase)],
            "advisories": [_shallow(a) for a in self.advisories],
            "not_reported": dict(sorted(self.dropped.items())),
            "threshold": self.derivation.threshold,
            "explain": form,
            "knowledge": self.knowledge,
        }

    def render(self, per_phase: int = 3) -> str:
        lines: list[str] = []
        for a in self.advisories:
            lines.append(f"! {a.sentence}")
        lines.append("Imbalances:" if self.imbalances else "No imbalance concluded.")
        for i, imb in enumerate(self.imbalances, 1):
            side = f" [{imb.side}]" if imb.side else ""
            lines.append(f" {i}. {imb.label}{side}  {fmt(imb.certainty)}")
            lines.append(f"    {imb.explanation['sentences'][0]}")
        plan = self.top_plan(per_phase)
        if plan:
            lines.append("Plan:")
            phase = ""
            for item in plan:
                if item.phase_label != phase:
                    phase = item.phase_label
                    lines.append(f"  {phase}:")
                dose = f"{item.dose['sets']} x " + (
                    f"{item.dose['reps']} reps"
                    if item.dose["reps"]
                    else f"{item.dose['hold_seconds']} s"
                )
                side = (
                    f", {item.side_emphasis} side first"
                    if item.side_emphasis in ("left", "right")
                    else ""
                )
                lines.append(f"    - {item.label} ({dose}{side}) score {fmt(item.score)}")
        lines.append(knowledge_line(self.knowledge))
        return "\n".join(lines)
