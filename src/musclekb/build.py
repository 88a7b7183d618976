"""Read a validated graph into the typed entities of :mod:`musclekb.model`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from rdflib import RDF, Graph, Literal, Node, URIRef
from rdflib.namespace import DCTERMS, SKOS

from musclekb import model as m
from musclekb.vocab import KB, MK

__all__ = ["KIND_CLASSES", "build_entities", "local_id"]

_KB = str(KB)

# kind name -> the class(es) whose instances are of that kind
KIND_CLASSES: dict[str, tuple[URIRef, ...]] = {
    "source": (MK.Source,),
    "region": (MK.BodyRegion,),
    "joint": (MK.Joint,),
    "action": (MK.JointAction,),
    "muscle": (MK.Muscle, MK.MuscleGroup),
    "state-kind": (MK.StateKind,),
    "state": (MK.MuscleState,),
    "pair": (MK.AntagonistPair,),
    "test": (MK.Test,),
    "sign-kind": (MK.SignKind,),
    "sign": (MK.Sign,),
    "measure": (MK.Measure,),
    "form": (MK.ImbalanceForm,),
    "imbalance": (MK.Imbalance,),
    "condition": (MK.Condition,),
    "cause": (MK.Cause,),
    "phase": (MK.Phase,),
    "exercise-kind": (MK.ExerciseKind,),
    "load-mode": (MK.LoadMode,),
    "level": (MK.Level,),
    "equipment": (MK.Equipment,),
    "contraindication": (MK.Contraindication,),
    "role": (MK.ExerciseRole,),
    "exercise": (MK.Exercise,),
    "principle": (MK.Principle,),
    "plan-weight": (MK.PlanWeight,),
    "certainty-wording": (MK.CertaintyWording,),
    "advisory": (MK.Advisory,),
    "rule": (MK.SignRule, MK.MeasureRule, MK.PatternRule, MK.CauseRule, MK.RoleRule, MK.RemedyRule),
}

_RULE_TYPES: dict[URIRef, m.RuleType] = {
    MK.SignRule: "sign",
    MK.MeasureRule: "measure",
    MK.PatternRule: "pattern",
    MK.CauseRule: "cause",
    MK.RoleRule: "role",
    MK.RemedyRule: "remedy",
}
_SIDES: dict[Node, m.Side] = {
    MK.SameSide: "same",
    MK.OppositeSide: "opposite",
    MK.WeakerSide: "weaker",
}


def local_id(node: Node) -> str:
    text = str(node)
    return text[len(_KB) :] if text.startswith(_KB) else text


class _Reader:
    def __init__(self, graph: Graph) -> None:
        self.g = graph

    def ids(self, s: Node, p: URIRef) -> tuple[str, ...]:
        return tuple(sorted(local_id(o) for o in self.g.objects(s, p)))

    def id(self, s: Node, p: URIRef) -> str | None:
        o = self.g.value(s, p)
        return local_id(o) if o is not None else None

    def text(self, s: Node, p: URIRef) -> str:
        o = self.g.value(s, p)
        return str(o) if o is not None else ""

    def py(self, s: Node, p: URIRef) -> Any:
        o = self.g.value(s, p)
        return o.toPython() if isinstance(o, Literal) else None

    def num(self, s: Node, p: URIRef) -> float | None:
        value = self.py(s, p)
        return float(value) if value is not None and not isinstance(value, bool) else None

    def base(self, s: URIRef, kind: str) -> dict[str, Any]:
        return {
            "id": local_id(s),
            "iri": str(s),
            "kind": kind,
            "label": self.text(s, SKOS.prefLabel),
            "synonyms": tuple(sorted(str(o) for o in self.g.objects(s, SKOS.altLabel))),
            "definition": self.text(s, SKOS.definition),
            "sources": self.ids(s, DCTERMS.source),
        }

    def subjects(self, kind: str) -> Iterator[URIRef]:
        seen: set[URIRef] = set()
        for cls in KIND_CLASSES[kind]:
            for s in self.g.subjects(RDF.type, cls):
                if isinstance(s, URIRef) and s not in seen:
                    seen.add(s)
                    yield s


def _collect(
    r: _Reader, kind: str, make: Callable[[URIRef, dict[str, Any]], m.Entity]
) -> dict[str, m.Entity]:
    """Every entity of ``kind``, made by ``make`` from its subject and base fields, by id."""
    out = {local_id(s): make(s, r.base(s, kind)) for s in r.subjects(kind)}
    return dict(sorted(out.items()))


def _rule(r: _Reader, s: URIRef, base: dict[str, Any]) -> m.Rule:
    rule_type = next(t for c, t in _RULE_TYPES.items() if (s, RDF.type, c) in r.g)
    side = _SIDES.get(r.g.value(s, MK.side) or MK.SameSide, "same")
    fields: dict[str, Any] = {
        "rule_type": rule_type,
        "certainty": r.num(s, MK.certainty) or 0.0,
        "side": side,
        "if_sign": r.id(s, MK.ifSign),
        "if_measure": r.id(s, MK.ifMeasure),
        "lsi_below": r.num(s, MK.lsiBelow),
        "value_below": r.num(s, MK.valueBelow),
        "value_above": r.num(s, MK.valueAbove),
        "if_states": r.ids(s, MK.ifState),
        "if_opposite_states": r.ids(s, MK.ifOppositeState),
        "if_cause": r.id(s, MK.ifCause),
        "if_state_kind": r.id(s, MK.ifStateKind),
        "if_imbalance": r.id(s, MK.ifImbalance),
        "then_state": r.id(s, MK.thenState),
        "then_imbalance": r.id(s, MK.thenImbalance),
        "then_role": r.id(s, MK.thenRole),
        "then_exercise": r.id(s, MK.thenExercise),
    }
    singles = ("if_sign", "if_measure", "if_cause", "if_state_kind", "if_imbalance")
    premises = tuple(x for x in (fields[k] for k in singles) if x)
    fields["premises"] = premises + fields["if_states"] + fields["if_opposite_states"]
    return m.Rule(**base, **fields)


def build_entities(graph: Graph) -> dict[str, dict[str, m.Entity]]:
    """Every entity of ``graph`` by kind and id."""
    r = _Reader(graph)
    g = graph
    signs_of: dict[str, list[str]] = defaultdict(list)
    for s, _, t in g.triples((None, MK.observedIn, None)):
        signs_of[local_id(t)].append(local_id(s))
    measures_of: dict[str, list[str]] = defaultdict(list)
    for s, _, t in g.triples((None, MK.measuredIn, None)):
        measures_of[local_id(t)].append(local_id(s))

    out: dict[str, dict[str, m.Entity]] = {}

    def read(kind: str, make: Callable[[URIRef, dict[str, Any]], m.Entity]) -> None:
        out[kind] = _collect(r, kind, make)

    read(
        "source",
        lambda s, b: m.Source(
            **b,
            file_name=r.text(s, MK.fileName),
            title=r.text(s, DCTERMS.title),
            citation=r.text(s, DCTERMS.bibliographicCitation),
            section=r.text(s, MK.section),
        ),
    )
    read("region", lambda s, b: m.Region(**b, map_view=r.text(s, MK.mapView) or "both"))
    read(
        "action",
        lambda s, b: m.JointAction(
            **b, joint=r.id(s, MK.atJoint) or "", opposites=r.ids(s, MK.opposite)
        ),
    )
    read(
        "muscle",
        lambda s, b: m.Muscle(
            **b,
            is_group=(s, RDF.type, MK.MuscleGroup) in g,
            region=r.id(s, MK.region) or "",
            groups=r.ids(s, MK.inGroup),
            part_of=r.ids(s, MK.partOf),
            actions=r.ids(s, MK.performs),
            uberon=r.py(s, MK.uberon),
            fma=r.py(s, MK.fma),
            plural_label=bool(r.py(s, MK.pluralLabel)),
        ),
    )
    read(
        "state",
        lambda s, b: m.MuscleState(
            **b, muscle=r.id(s, MK.muscle) or "", state_kind=r.id(s, MK.stateKind) or ""
        ),
    )
    read(
        "pair",
        lambda s, b: m.Pair(
            **b,
            pair_kind="contralateral"
            if r.g.value(s, MK.pairKind) == MK.Contralateral
            else "antagonistic",
            first=r.id(s, MK.firstMuscle) or "",
            second=r.id(s, MK.secondMuscle) or "",
            joint=r.id(s, MK.joint) or "",
            first_action=r.id(s, MK.firstAction) or "",
            second_action=r.id(s, MK.secondAction) or "",
        ),
    )
    read(
        "test",
        lambda s, b: m.Test(
            **b,
            procedure=r.text(s, MK.procedure),
            reading=r.text(s, MK.reading),
            accuracy=r.text(s, MK.accuracy),
            signs=tuple(sorted(signs_of[local_id(s)])),
            measures=tuple(sorted(measures_of[local_id(s)])),
        ),
    )
    read(
        "sign",
        lambda s, b: m.Sign(
            **b,
            sign_kind=r.id(s, MK.signKind) or "",
            lateral=r.g.value(s, MK.laterality) != MK.NonLateral,
            tests=r.ids(s, MK.observedIn),
        ),
    )
    read(
        "measure",
        lambda s, b: m.Measure(
            **b,
            unit=r.text(s, MK.unit),
            higher_is_better=r.g.value(s, MK.betterDirection) != MK.LowerIsBetter,
            min_value=r.num(s, MK.minValue) or 0.0,
            max_value=r.num(s, MK.maxValue) or 0.0,
            tests=r.ids(s, MK.measuredIn),
        ),
    )
    read(
        "imbalance",
        lambda s, b: m.Imbalance(
            **b,
            forms=r.ids(s, MK.form),
            components=r.ids(s, MK.hasComponent),
            lateral=bool(r.py(s, MK.lateral)),
            compares_sides=any(bool(r.py(f, MK.comparesSides)) for f in g.objects(s, MK.form)),
            conditions=r.ids(s, MK.mayLeadTo),
        ),
    )
    read("cause", lambda s, b: m.Cause(**b))
    read("phase", lambda s, b: m.Phase(**b, order=int(r.py(s, MK.order) or 0)))
    read(
        "exercise-kind",
        lambda s, b: m.ExerciseKind(
            **b, phase=r.id(s, MK.phase) or "", pain_safe=bool(r.py(s, MK.painSafe))
        ),
    )
    read("load-mode", lambda s, b: m.LoadMode(**b, pain_safe=bool(r.py(s, MK.painSafe))))
    read("level", lambda s, b: m.Level(**b, rank=int(r.py(s, MK.rank) or 0)))
    read(
        "contraindication",
        lambda s, b: m.Contraindication(
            **b,
            excluded_from_pain=r.py(s, MK.excludedFromPain),
            excluded_for_levels=r.ids(s, MK.excludedForLevel),
        ),
    )
    read(
        "role",
        lambda s, b: m.Role(
            **b,
            realised_by="lengthens"
            if r.g.value(s, MK.realisedBy) == MK.lengthens
            else "strengthens",
        ),
    )
    read(
        "exercise",
        lambda s, b: m.Exercise(
            **b,
            exercise_kind=r.id(s, MK.exerciseKind) or "",
            load_modes=r.ids(s, MK.loadMode),
            unilateral=bool(r.py(s, MK.unilateral)),
            level=r.id(s, MK.level) or "",
            equipment=r.ids(s, MK.equipment),
            strengthens=r.ids(s, MK.strengthens),
            lengthens=r.ids(s, MK.lengthens),
            sets=int(r.py(s, MK.sets) or 1),
            reps=r.py(s, MK.reps),
            hold_seconds=r.py(s, MK.holdSeconds),
            progressions=r.ids(s, MK.progression),
            regressions=r.ids(s, MK.regression),
            contraindications=r.ids(s, MK.contraindication),
            instructions=r.text(s, MK.instructions),
        ),
    )
    read(
        "principle",
        lambda s, b: m.Principle(
            **b, code=r.text(s, MK.code), report_threshold=r.num(s, MK.reportThreshold)
        ),
    )
    read(
        "plan-weight",
        lambda s, b: m.PlanWeight(
            **b,
            code=r.text(s, MK.code),
            weight=r.num(s, MK.weight) or 0.0,
            principles=r.ids(s, MK.putsIntoPractice),
        ),
    )
    read(
        "certainty-wording",
        lambda s, b: m.CertaintyWording(
            **b,
            at_least=r.num(s, MK.certaintyAtLeast),
            above=r.num(s, MK.certaintyAbove),
            principles=r.ids(s, MK.putsIntoPractice),
        ),
    )
    read(
        "advisory",
        lambda s, b: m.Advisory(
            **b,
            code=r.text(s, MK.code),
            display_order=r.py(s, MK.displayOrder),
            trigger_pain_at_least=r.py(s, MK.triggerPainAtLeast),
            trigger_persistent_pain=bool(r.py(s, MK.triggerPersistentPain)),
            trigger_any_imbalance=bool(r.py(s, MK.triggerAnyImbalance)),
            reassess_after_weeks=r.py(s, MK.reassessAfterWeeks),
            referral=bool(r.py(s, MK.referral)),
        ),
    )
    read("rule", lambda s, b: _rule(r, s, b))
    for kind in ("joint", "state-kind", "sign-kind", "form", "condition", "equipment"):
        read(kind, lambda s, b: m.Entity(**b))
    return out
