"""Pydantic models of the assessment request (checked by FastAPI) and response (documentation).

FastAPI checks shapes and types with the request models; the library checks the request against
the knowledge base (unknown ids with suggestions, a side on a non-lateral sign, a sign both present
and absent on one side, values outside a measure's range), and when the types are wrong it checks
the rest of the body all the same, so that one answer names every problem
(``routers/assessments.py``). The response models describe ``Assessment.to_dict()`` in the
OpenAPI document, field by field; responses are not validated on their way out (that would cost
more than writing them), but the tests hold real responses of every explanation form to them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StrictBool

from musclekb.assessment import ExplainForm
from musclekb_api.examples import EXAMPLES

__all__ = [
    "AssessmentBody",
    "AssessmentOut",
    "WhyNotBody",
    "WhyNotExerciseOut",
    "WhyNotImbalanceOut",
]

Side = Literal["left", "right", "bilateral"]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Id = Annotated[str, Field(min_length=1, max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FindingIn(_Strict):
    """A sign looked for in a movement test."""

    sign: Id = Field(description="A sign id (or its label); see `GET /v1/signs`.")
    side: Side | None = Field(
        default=None,
        description="Where it was seen; required for lateral signs, omitted otherwise.",
    )
    present: StrictBool = Field(default=True, description="`false`: looked for and not seen.")


class MeasurementIn(_Strict):
    """A measure with one value per side (in the measure's unit; see `GET /v1/measures`)."""

    measure: Id
    left: Number
    right: Number


class ContextIn(_Strict):
    """What else is known about the person."""

    pain: Annotated[int, Field(strict=True, ge=0, le=10)] = Field(
        default=0, description="Pain, 0-10."
    )
    pain_persistent: StrictBool = False
    causes: list[Id] = Field(default_factory=list, description="Cause ids from the history.")
    equipment: list[Id] | None = Field(
        default=None, description="Equipment ids available; omitted: any equipment."
    )
    level: Id | None = Field(default=None, description="Experience level id.")


class AssessmentBody(_Strict):
    """Findings, measurements and context; every field is optional (`{}` is an empty
    assessment)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [EXAMPLES["assessment"]]}
    )

    findings: list[FindingIn] = Field(default_factory=list)
    measurements: list[MeasurementIn] = Field(default_factory=list)
    context: ContextIn = Field(default_factory=lambda: ContextIn())
    threshold: Annotated[float, Field(strict=True, ge=0, lt=1, allow_inf_nan=False)] | None = Field(
        default=None,
        description="Conclusions at or below this certainty are not reported. Left out (or "
        "null): the knowledge base's report threshold (MYCIN's, in the shipped one); "
        "the answer's `threshold` gives the one used.",
    )

    def request(self) -> dict[str, Any]:
        """The plain mapping the library's request parser reads."""
        return self.model_dump(exclude={"target"})


class WhyNotBody(AssessmentBody):
    """An assessment request plus the imbalance or exercise to explain."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [EXAMPLES["why_not_imbalance"], EXAMPLES["why_not_exercise"]]
        },
    )

    target: Id = Field(description="An imbalance id or an exercise id (or its label).")


# ---------------------------------------------------------------------- responses (documentation)


class _Out(BaseModel):
    """A part of a response, every field named (the schema forbids others, so a test of real
    responses against these models catches a field added or renamed without its description)."""

    model_config = ConfigDict(extra="forbid")


class TreeRefOut(RootModel[dict[Literal["$ref"], str]]):
    """A JSON Reference to the tree of a believed state in `states`,
    `{"$ref": "#/states/<i>/explanation/tree"}` (`explain=linked`). The schema names the key in
    `propertyNames`, so that no property called `$ref` is mistaken for a reference."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})


class PremiseOut(_Out):
    kind: Literal["finding", "measure", "state", "cause"] = Field(
        description="What the premise is: a finding, a measurement, a muscle state (derived "
        "itself), or a cause given in the context."
    )
    id: str
    side: Side | None
    certainty: float = Field(description="The premise's certainty factor, 0-1.")
    text: str = Field(description="The premise in words.")
    derivation: TreeOut | TreeRefOut | None = Field(
        default=None,
        description="For a muscle state: how it was concluded (its tree, or a reference to it). "
        "Absent for findings, measurements and causes.",
    )


class RuleFiringOut(_Out):
    rule: str = Field(description="The rule's id (`GET /v1/rules/{id}`).")
    label: str
    sources: list[str] = Field(description="Source ids (`GET /v1/sources/{id}`).")
    source_files: list[str] = Field(
        description="For each source, the file name of the article, or the reference's id."
    )
    rule_certainty: float = Field(description="The rule's own certainty factor.")
    premise_certainty: float = Field(description="The weakest premise's certainty.")
    certainty: float = Field(description="What the rule contributes: rule x premise certainty.")
    premises: list[PremiseOut]


class TreeOut(_Out):
    kind: Literal["state", "imbalance"]
    id: str
    label: str
    side: Side | None
    certainty: float = Field(description="The combined certainty factor, 0-1.")
    arithmetic: list[str] = Field(
        description="How the rules' contributions combine, one step per line (MYCIN's rule)."
    )
    rules: list[RuleFiringOut] = Field(description="Every rule that fired, strongest first.")


class ExplanationOut(_Out):
    sentences: list[str] = Field(
        description="The conclusion in words, then (for an imbalance) every muscle state it "
        "rests on."
    )
    tree: TreeOut | None = Field(
        default=None,
        description="The derivation: conclusion -> rules (with sources and arithmetic) -> "
        "premises -> ... -> findings. With `explain=linked`, a muscle-state premise's "
        '`derivation` is `{"$ref": "#/states/<i>/explanation/tree"}`, the tree of that state '
        "in `states`; with `explain=nested` it is the tree itself. Absent with "
        "`explain=sentences`.",
    )


class StateOut(_Out):
    id: str
    iri: str | None
    label: str
    muscle: str | None = None
    state_kind: str | None = Field(default=None, description="For example weak or tight.")
    side: Side | None
    certainty: float


class BelievedStateOut(StateOut):
    explanation: ExplanationOut | None = Field(
        default=None, description="How the state was concluded; absent with `explain=none`."
    )


class ImbalanceOut(_Out):
    id: str
    iri: str
    label: str
    side: Side | None = Field(
        description="left or right; bilateral when derived alike on both sides (the same "
        "rules on the same findings, each on the other side); null when not lateral."
    )
    certainty: float = Field(description="Combined certainty factor, 0-1.")
    states: list[StateOut] = Field(
        description="Its component muscle states believed on its side; on either side (each "
        "component left, then right) when it is bilateral or has no side."
    )
    causes: list[str]
    explanation: ExplanationOut | None = Field(
        default=None, description="How it was concluded; absent with `explain=none`."
    )


class AddressedOut(_Out):
    id: str
    side: Side | None
    weight: float


class AddressesOut(_Out):
    imbalances: list[AddressedOut] = Field(
        description="Reported imbalances, each with the side it is reported on (as in "
        "`imbalances`), in id order; `why` names them heaviest first. A bilateral one weighs "
        "its two sides added."
    )
    states: list[AddressedOut] = Field(
        description="Believed muscle states, in id order, then left before right."
    )


class DoseOut(_Out):
    sets: int
    reps: int | None
    hold_seconds: int | None
    note: str | None = Field(
        default=None, description="How to dose the sides when one is weaker, and the like."
    )


class PlanItemOut(_Out):
    id: str
    iri: str
    label: str
    phase: str
    phase_label: str
    score: float
    dose: DoseOut
    side_emphasis: Literal["left", "right", "both"] | None = Field(
        description="The side to work on first or more: the weaker side when one is, else the "
        "side of what it addresses, `both` when that is both sides; null when not lateral."
    )
    addresses: AddressesOut
    why: list[str]


class AdvisoryOut(_Out):
    id: str
    code: str
    iri: str | None = None
    label: str
    sentence: str
    sources: list[str]
    referral: bool | None = Field(
        default=None, description="True when the advice is to see a clinician."
    )


class KnowledgeOut(_Out):
    """Which knowledge base a result comes from (as `GET /v1/kb` describes it): keep it with a
    stored result, since another knowledge base may conclude otherwise."""

    version: str = Field(description="The musclekb version that loaded the knowledge base.")
    content_hash: str = Field(description="SHA-256 of the knowledge base's content.")


class AssessmentOut(_Out):
    imbalances: list[ImbalanceOut]
    states: list[BelievedStateOut] = Field(
        description="Every muscle state believed above the threshold, best first."
    )
    plan: list[PlanItemOut]
    advisories: list[AdvisoryOut]
    not_reported: dict[str, str] = Field(description="Imbalance id -> why it was not reported.")
    threshold: float
    explain: ExplainForm = Field(description="How the explanations in this result are written.")
    knowledge: KnowledgeOut


class WhyNotImbalanceOut(_Out):
    id: str
    iri: str
    kind: Literal["imbalance"]
    label: str
    concluded: bool
    reason: str
    sides: dict[str, dict[str, Any]]
    knowledge: KnowledgeOut


class WhyNotExerciseOut(_Out):
    id: str
    iri: str
    kind: Literal["exercise"]
    label: str
    in_plan: bool = Field(description="Among the best 3 of its phase, which the plan shows.")
    reason: str
    phase: str = Field(description="The id of the exercise's phase.")
    phase_rank: int | None = Field(
        description="Its place among the exercises ranked in its phase (1 is the best); null "
        "when it is not ranked (excluded, or addressing nothing believed)."
    )
    score: float | None
    excluded: list[str]
    knowledge: KnowledgeOut
