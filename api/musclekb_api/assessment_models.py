"""Pydantic models of the assessment request (checked by FastAPI) and response (documentation).

FastAPI checks shapes and types with the request models; the library checks the request against
the knowledge base (unknown ids with suggestions, a side on a non-lateral sign, a sign both present
and absent on one side, values outside a measure's range), and when the types are wrong it checks
the rest of the body all the same, so that one answer names every problem
(``routers/assessments.py``). The response models only
describe ``Assessment.to_dict()`` in the OpenAPI document; responses are not re-validated.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

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


class ExplanationOut(BaseModel):
    sentences: list[str] = Field(
        description="The conclusion in words, then (for an imbalance) every muscle state it "
        "rests on."
    )
    tree: dict[str, Any] | None = Field(
        default=None,
        description="The derivation: conclusion -> rules (with sources and arithmetic) -> "
        "premises -> ... -> findings. With `explain=linked`, a muscle-state premise's "
        '`derivation` is `{"$ref": "#/states/<i>/explanation/tree"}`, the tree of that state '
        "in `states`; with `explain=nested` it is the tree itself. Absent with "
        "`explain=sentences`.",
    )


class StateOut(BaseModel):
    id: str
    iri: str | None
    label: str
    muscle: str | None = None
    state_kind: str | None = Field(default=None, description="For example weak or tight.")
    side: str | None
    certainty: float


class BelievedStateOut(StateOut):
    explanation: ExplanationOut | None = Field(
        default=None, description="How the state was concluded; absent with `explain=none`."
    )


class ImbalanceOut(BaseModel):
    id: str
    iri: str
    label: str
    side: Side | None = Field(
        description="left or right; bilateral when equal on both sides; null when not lateral."
    )
    certainty: float = Field(description="Combined certainty factor, 0-1.")
    states: list[StateOut]
    causes: list[str]
    explanation: ExplanationOut | None = Field(
        default=None, description="How it was concluded; absent with `explain=none`."
    )


class AddressedOut(BaseModel):
    id: str
    side: str | None
    weight: float


class PlanItemOut(BaseModel):
    id: str
    iri: str
    label: str
    phase: str
    phase_label: str
    score: float
    dose: dict[str, Any]
    side_emphasis: str | None
    addresses: dict[str, list[AddressedOut]]
    why: list[str]


class AdvisoryOut(BaseModel):
    code: str
    iri: str | None = None
    label: str
    sentence: str
    sources: list[str]
    referral: bool | None = Field(
        default=None, description="True when the advice is to see a clinician."
    )


class AssessmentOut(BaseModel):
    imbalances: list[ImbalanceOut]
    states: list[BelievedStateOut] = Field(
        description="Every muscle state believed above the threshold, best first."
    )
    plan: list[PlanItemOut]
    advisories: list[AdvisoryOut]
    not_reported: dict[str, str] = Field(description="Imbalance id -> why it was not reported.")
    threshold: float
    explain: ExplainForm = Field(description="How the explanations in this result are written.")


class WhyNotImbalanceOut(BaseModel):
    id: str
    iri: str
    kind: Literal["imbalance"]
    label: str
    concluded: bool
    reason: str
    sides: dict[str, dict[str, Any]]


class WhyNotExerciseOut(BaseModel):
    id: str
    iri: str
    kind: Literal["exercise"]
    label: str
    in_plan: bool
    reason: str
    score: float | None
    excluded: list[str]
