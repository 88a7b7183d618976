"""Typed, immutable views of the knowledge base's entities.

Every entity has a short ``id`` (the local name of its IRI), its full ``iri``, a ``kind``
(``"muscle"``, ``"sign"``, ...), a preferred ``label``, ``synonyms``, a ``definition`` and the ids
of its ``sources``. References between entities are held as ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Advisory",
    "Cause",
    "CertaintyWording",
    "Contraindication",
    "Entity",
    "Exercise",
    "ExerciseKind",
    "Imbalance",
    "JointAction",
    "Level",
    "LoadMode",
    "Measure",
    "Muscle",
    "MuscleState",
    "Pair",
    "Phase",
    "PlanWeight",
    "Principle",
    "Region",
    "Role",
    "Rule",
    "RuleType",
    "Side",
    "Sign",
    "Source",
    "Test",
]

RuleType = Literal["sign", "measure", "pattern", "cause", "role", "remedy"]
Side = Literal["same", "opposite", "weaker"]


@dataclass(frozen=True)
class Entity:
    id: str
    iri: str
    kind: str
    label: str
    synonyms: tuple[str, ...] = ()
    definition: str = ""
    sources: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The label followed by every synonym."""
        return (self.label, *self.synonyms)


@dataclass(frozen=True)
class Source(Entity):
    file_name: str = ""
    title: str = ""
    citation: str = ""
    section: str = ""


@dataclass(frozen=True)
class Region(Entity):
    map_view: str = "both"


@dataclass(frozen=True)
class JointAction(Entity):
    joint: str = ""
    opposites: tuple[str, ...] = ()


@dataclass(frozen=True)
class Muscle(Entity):
    is_group: bool = False
    region: str = ""
    groups: tuple[str, ...] = ()
    part_of: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    uberon: str | None = None
    fma: str | None = None
    plural_label: bool = False  # the label is a plural noun: sentences say "are"


@dataclass(frozen=True)
class MuscleState(Entity):
    muscle: str = ""
    state_kind: str = ""


@dataclass(frozen=True)
class Pair(Entity):
    pair_kind: Literal["antagonistic", "contralateral"] = "antagonistic"
    first: str = ""
    second: str = ""
    joint: str = ""
    first_action: str = ""
    second_action: str = ""


@dataclass(frozen=True)
class Test(Entity):
    procedure: str = ""
    reading: str = ""
    accuracy: str = ""
    signs: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sign(Entity):
    sign_kind: str = ""
    lateral: bool = True
    tests: tuple[str, ...] = ()


@dataclass(frozen=True)
class Measure(Entity):
    unit: str = ""
    higher_is_better: bool = True
    min_value: float = 0.0
    max_value: float = 0.0
    tests: tuple[str, ...] = ()


@dataclass(frozen=True)
class Imbalance(Entity):
    forms: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    lateral: bool = True
    conditions: tuple[str, ...] = ()
    compares_sides: bool = False


@dataclass(frozen=True)
class Cause(Entity):
    pass


@dataclass(frozen=True)
class Phase(Entity):
    order: int = 0


@dataclass(frozen=True)
class ExerciseKind(Entity):
    phase: str = ""
    pain_safe: bool = True


@dataclass(frozen=True)
class LoadMode(Entity):
    pain_safe: bool = True


@dataclass(frozen=True)
class Level(Entity):
    rank: int = 0


@dataclass(frozen=True)
class Contraindication(Entity):
    excluded_from_pain: int | None = None
    excluded_for_levels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Role(Entity):
    realised_by: Literal["lengthens", "strengthens"] = "strengthens"


@dataclass(frozen=True)
class Exercise(Entity):
    exercise_kind: str = ""
    load_modes: tuple[str, ...] = ()
    unilateral: bool = False
    level: str = ""
    equipment: tuple[str, ...] = ()
    strengthens: tuple[str, ...] = ()
    lengthens: tuple[str, ...] = ()
    sets: int = 1
    reps: int | None = None
    hold_seconds: int | None = None
    progressions: tuple[str, ...] = ()
    regressions: tuple[str, ...] = ()
    contraindications: tuple[str, ...] = ()
    instructions: str = ""


@dataclass(frozen=True)
class Principle(Entity):
    code: str = ""
    report_threshold: float | None = None  # set by the one principle that gives it


@dataclass(frozen=True)
class PlanWeight(Entity):
    """A number the planner weighs one consideration by (``code``), and the principles it puts
    into practice."""

    code: str = ""
    weight: float = 0.0
    principles: tuple[str, ...] = ()


@dataclass(frozen=True)
class CertaintyWording(Entity):
    """The words (its label) an explanation uses for certainty factors from ``at_least`` (the
    bound included) or above ``above`` (not included), up to the next wording's bound."""

    at_least: float | None = None
    above: float | None = None
    principles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Advisory(Entity):
    """Advice shown when its triggers hold, at its ``display_order`` (lowest first)."""

    code: str = ""
    display_order: int | None = None
    trigger_pain_at_least: int | None = None
    trigger_persistent_pain: bool = False
    trigger_any_imbalance: bool = False
    reassess_after_weeks: str | None = None
    referral: bool = False


@dataclass(frozen=True)
class Rule(Entity):
    """One rule: premises, one conclusion, a certainty factor and its sources.

    Which fields are set depends on ``rule_type``: sign rules use ``if_sign`` and ``then_state``;
    measure rules ``if_measure``, one threshold and ``then_state``; pattern rules ``if_states``
    (and ``if_opposite_states``) and ``then_imbalance``; cause rules ``if_cause`` and
    ``then_imbalance``; role rules ``if_state_kind`` and ``then_role``; remedy rules
    ``if_imbalance`` and ``then_exercise``.
    """

    rule_type: RuleType = "sign"
    certainty: float = 0.0
    side: Side = "same"
    if_sign: str | None = None
    if_measure: str | None = None
    lsi_below: float | None = None
    value_below: float | None = None
    value_above: float | None = None
    if_states: tuple[str, ...] = ()
    if_opposite_states: tuple[str, ...] = ()
    if_cause: str | None = None
    if_state_kind: str | None = None
    if_imbalance: str | None = None
    then_state: str | None = None
    then_imbalance: str | None = None
    then_role: str | None = None
    then_exercise: str | None = None
    premises: tuple[str, ...] = field(default=(), compare=False)

    @property
    def conclusion(self) -> str:
        """The id this rule concludes."""
        return self.then_state or self.then_imbalance or self.then_role or self.then_exercise or ""
