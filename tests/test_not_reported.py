"""Why an imbalance concluded at or below the reporting threshold is not reported: the message
gives its certainty as precisely as results give certainties, so it never reads as the threshold
itself ("concluded at 0.20, not above the reporting threshold 0.2")."""

from __future__ import annotations

import re

import musclekb
from musclekb.cf import rounded

from .case_requests import random_requests

_CONCLUDED = re.compile(r"concluded at ([0-9.]+), not above the reporting threshold ([0-9.]+)$")


def test_a_dropped_imbalance_gives_its_certainty_as_results_do(
    kb: musclekb.KnowledgeBase,
) -> None:
    reasoner = musclekb.Reasoner(kb)
    near = 0  # certainties that two decimals would show as the threshold
    for request in random_requests(kb, 300, seed=11):
        result = reasoner.assess(request)
        threshold = result.derivation.threshold
        for imbalance, why in result.dropped.items():
            found = _CONCLUDED.match(why)
            if found is None:
                continue
            cf = max(
                result.beliefs.get(("imbalance", imbalance, side), 0.0)
                for side in ("left", "right")
            )
            assert float(found.group(1)) == rounded(cf), why
            assert float(found.group(2)) == threshold
            assert cf <= threshold
            if cf < threshold and f"{cf:.2f}" == f"{threshold:.2f}":
                near += 1
                assert found.group(1) != f"{threshold:g}", why
    assert near, "no dropped certainty lay within rounding of the threshold: raise the count"
