"""A why-not answer (:meth:`Assessment.why_not`) as plain text, for people to read.

For an imbalance: whether it was concluded and why not, then for each side its certainty and
every rule that could conclude it there, with the rule's certainty and sources and each premise's
status (held, too weak, contradicted or missing). For an exercise: whether it is in the plan and
why (its rank, what excluded it, or its score), then its score where the reason does not give it.
Last, which knowledge base the answer comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from musclekb.assessment import knowledge_line
from musclekb.cf import fmt

__all__ = ["render_why_not"]


def render_why_not(answer: Mapping[str, Any]) -> str:
    """``answer`` (what :meth:`~musclekb.assessment.Assessment.why_not` returns) as lines of
    text."""
    text = _exercise(answer) if answer["kind"] == "exercise" else _imbalance(answer)
    return f"{text}\n{knowledge_line(answer['knowledge'])}"


def _title(answer: Mapping[str, Any], verdict: str) -> str:
    return f"{answer['label']} ({answer['id']}): {verdict}: {answer['reason']}."


def _imbalance(answer: Mapping[str, Any]) -> str:
    lines = [_title(answer, "concluded" if answer["concluded"] else "not concluded")]
    for side, found in answer["sides"].items():
        certainty = found["certainty"]
        held = "not derived" if certainty is None else f"derived at {fmt(certainty)}"
        rules = found["rules"]
        lines.append(f"{side.capitalize()} side: {held}; {len(rules)} rule(s) conclude it")
        for rule in rules:
            sources = ", ".join(rule["sources"]) or "no source"
            state = "fired" if rule["fired"] else "did not fire"
            lines.append(
                f"  - {rule['rule']} ({fmt(rule['certainty'])}, {sources}), {state}: "
                f"{rule['label']}"
            )
            lines += [f"      {premise['text']}" for premise in rule["premises"]]
    return "\n".join(lines)


def _exercise(answer: Mapping[str, Any]) -> str:
    lines = [_title(answer, "in the plan" if answer["in_plan"] else "not in the plan")]
    if answer["score"] is not None and (answer["in_plan"] or answer["excluded"]):
        lines.append(f"score {fmt(answer['score'])}")  # else the reason gives it
    return "\n".join(lines)
