"""Assessment requests shared by tests: those of the case files, and random ones."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

import musclekb

CASE_DIR = Path(__file__).resolve().parent / "cases" / "assessments"
# the request of every case file that expects an assessment (not an input error), by file stem
CASES: dict[str, dict[str, Any]] = {
    path.stem: case["request"]
    for path in sorted(CASE_DIR.glob("*.yaml"))
    if "error" not in (case := yaml.safe_load(path.read_text(encoding="utf-8"))).get("expect", {})
}


def random_requests(kb: musclekb.KnowledgeBase, n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` requests of 1 to 12 findings on random signs and sides, one in ten not seen."""
    rng = random.Random(seed)
    signs = sorted(kb.signs)
    out = []
    for _ in range(n):
        findings = []
        for sign in rng.sample(signs, rng.randint(1, 12)):
            side = rng.choice(["left", "right", "bilateral"]) if kb.signs[sign].lateral else None
            findings.append({"sign": sign, "side": side, "present": rng.random() > 0.1})
        out.append({"findings": findings})
    return out


def assessed_requests(
    reasoner: musclekb.Reasoner, n: int, seed: int
) -> Iterator[tuple[dict[str, Any], musclekb.Assessment]]:
    """:func:`random_requests` that assess, each with its assessment (a request that draws one
    sign both seen and not seen on a side is refused, and left out)."""
    for request in random_requests(reasoner.kb, n, seed):
        try:
            yield request, reasoner.assess(request)
        except musclekb.AssessmentInputError:
            continue


_SIDE_WORDS = {"left": "right", "right": "left", "Left": "Right", "Right": "Left"}


def swap_sides(text: str) -> str:
    """``text`` with left and right swapped, as a mirror image's sentences read."""
    return re.sub(r"\b(left|right|Left|Right)\b", lambda m: _SIDE_WORDS[m.group()], text)
