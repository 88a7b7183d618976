"""The numbers the planner scores exercises with, read from the knowledge base's plan weights.

Each field is the ``mk:weight`` of the ``mk:PlanWeight`` whose ``mk:code`` is the field's name
with hyphens (``fit_self`` <- ``"fit-self"``); the shipped values and the principles they put into
practice are in ``knowledge/planning.ttl``, and ``docs/reasoning.md`` shows where each enters the
score. A knowledge base that lacks one cannot plan: :func:`plan_weights` names what is missing.
Each weight comes with how a reason that uses it cites it (:attr:`PlanWeights.cited`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import TYPE_CHECKING

from musclekb.errors import KnowledgeInvalidError
from musclekb.phrases import source_names
from musclekb.report import Violation

if TYPE_CHECKING:
    from musclekb.kb import KnowledgeBase
    from musclekb.model import PlanWeight

__all__ = ["WEIGHTS", "PlanWeights", "plan_weights"]


@dataclass(frozen=True)
class PlanWeights:
    state: float  # a believed muscle state's share beside a reported imbalance's
    fit_self: float  # the exercise names the muscle itself
    fit_group: float  # ... a group the muscle belongs to
    fit_member: float  # ... one muscle inside the group whose state it is
    component_not_believed: float  # a match through an imbalance's part that is not believed
    unilateral_weaker_side: float  # context factor: one side at a time, one side weaker
    one_level_above: float  # context factor: one experience level above the person's
    two_levels_above: float  # ... two or more (0: left out of the plan)
    # field name -> "(<plan weight id>, source <files>)", for the reasons that use it
    cited: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)


# the fields that hold a weight, each read from the plan weight whose code is its name with hyphens
WEIGHTS = tuple(f.name for f in fields(PlanWeights) if f.name != "cited")


def plan_weights(kb: KnowledgeBase) -> PlanWeights:
    """The plan weights of ``kb``; :class:`~musclekb.errors.KnowledgeInvalidError` naming each
    code that no plan weight (or more than one) gives."""
    by_code: dict[str, list[PlanWeight]] = {}
    for w in kb.plan_weights.values():
        by_code.setdefault(w.code, []).append(w)
    values: dict[str, float] = {}
    cited: dict[str, str] = {}
    problems = []
    for name in WEIGHTS:
        code = name.replace("_", "-")
        found = by_code.get(code, [])
        if len(found) == 1:
            values[name] = found[0].weight
            sources = ", ".join(source_names(kb, found[0].sources))
            cited[name] = f"({found[0].id}, source {sources})"
            continue
        problems.append(
            Violation(
                "planning.ttl",
                "mk:PlanWeight",
                "mk:code",
                f'the planner reads exactly one plan weight with code "{code}", and the '
                f"knowledge base has {len(found)}; give it once",
                "plan-weight-count",
            )
        )
    if problems:
        raise KnowledgeInvalidError(problems)
    return PlanWeights(**values, cited=MappingProxyType(cited))
