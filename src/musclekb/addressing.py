"""Which exercises address which muscle states, through the role rules of the knowledge base.

A role rule says which role a state kind calls for (tight -> lengthen, weak -> strengthen) and the
role says which exercise property fulfils it (``mk:lengthens``, ``mk:strengthens``). An exercise
addresses a state of muscle M when that property names M itself, a group or whole that M belongs
to, or a muscle inside M (for a group such as the hamstrings).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from musclekb.kb import KnowledgeBase

__all__ = ["Match", "build_addressing"]

# (exercise id, the muscle the exercise names, role id)
Match = tuple[str, str, str]


def _related(kb: KnowledgeBase, muscle: str, groups_of: dict[str, list[str]]) -> dict[str, str]:
    """Muscles whose targeting counts for ``muscle``, with how: 'self', 'group' or 'member'."""
    related = {muscle: "self"}
    for member in kb.members.get(muscle, ()):
        related.setdefault(member, "member")
    for group in groups_of.get(muscle, ()):
        related.setdefault(group, "group")
    return related


def build_addressing(kb: KnowledgeBase) -> dict[str, tuple[Match, ...]]:
    """State id -> the exercises that address it, as (exercise, muscle named, role)."""
    roles_for_kind: dict[str, list[str]] = defaultdict(list)
    for rule in kb.rules.values():
        if (
            rule.rule_type == "role"
            and rule.if_state_kind
            and rule.then_role
            and rule.certainty > 0
        ):
            roles_for_kind[rule.if_state_kind].append(rule.then_role)
    by_target: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ex in kb.exercises.values():
        for m in ex.lengthens:
            by_target[("lengthens", m)].append(ex.id)
        for m in ex.strengthens:
            by_target[("strengthens", m)].append(ex.id)
    groups_of: dict[str, list[str]] = defaultdict(list)  # muscle -> the groups it is inside
    for group, members in kb.members.items():
        for member in members:
            groups_of[member].append(group)
    out: dict[str, tuple[Match, ...]] = {}
    for state in kb.states.values():
        matches: set[Match] = set()
        for role_id in roles_for_kind.get(state.state_kind, ()):
            prop = kb.roles[role_id].realised_by
            for muscle in _related(kb, state.muscle, groups_of):
                for ex_id in by_target.get((prop, muscle), ()):
                    matches.add((ex_id, muscle, role_id))
        out[state.id] = tuple(sorted(matches))
    return out
