"""Why-not for people: ``Reasoner.why_not`` (the request's and the target's problems together),
its answer as text (``render_why_not``), ``musclekb why-not``, and the API's ``text/plain``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import musclekb
from musclekb.api_functions import reasoner_for
from musclekb.cli import app
from musclekb.why_not_text import render_why_not

KNEE = {"findings": [{"sign": "sls-knee-valgus", "side": "left", "present": True}]}
runner = CliRunner()


@pytest.fixture(scope="module")
def reasoner() -> musclekb.Reasoner:
    return reasoner_for()


def test_an_imbalance_lists_every_rule_and_premise_per_side(reasoner: musclekb.Reasoner) -> None:
    answer = reasoner.why_not(KNEE, "knee-valgus")
    text = render_why_not(answer)
    lines = text.splitlines()
    assert lines[0] == f"knee valgus (knee-valgus): concluded: {answer['reason']}."
    for side, found in answer["sides"].items():
        header = next(i for i, line in enumerate(lines) if line.startswith(side.capitalize()))
        assert f"{len(found['rules'])} rule(s)" in lines[header]
        block = lines[header + 1 : header + 1 + sum(1 + len(r["premises"]) for r in found["rules"])]
        for rule in found["rules"]:
            (line,) = [x for x in block if x.startswith(f"  - {rule['rule']} ")]
            assert ("fired" if rule["fired"] else "did not fire") in line
            assert rule["label"] in line and all(s in line for s in rule["sources"])
            assert all(f"      {p['text']}" in block for p in rule["premises"])
    assert "Left side: derived at" in text, "the left side was concluded"
    assert "Right side: not derived" in text


def test_an_imbalance_not_concluded_says_why(reasoner: musclekb.Reasoner) -> None:
    answer = reasoner.why_not(KNEE, "hunched-posture")
    assert not answer["concluded"]
    first = render_why_not(answer).splitlines()[0]
    assert first == f"hunched posture (hunched-posture): not concluded: {answer['reason']}."
    assert "missing" in render_why_not(answer)


def _exercise(reasoner: musclekb.Reasoner, body: dict[str, Any], which: str) -> dict[str, Any]:
    result = reasoner.assess(body)
    for exercise in sorted(reasoner.kb.exercises):
        answer = result.why_not(exercise)
        kind = (
            "in plan"
            if answer["in_plan"]
            else "excluded"
            if answer["excluded"]
            else "scored"
            if answer["score"] is not None
            else "unrelated"
        )
        if kind == which:
            return answer
    raise AssertionError(f"no exercise is {which}")


@pytest.mark.parametrize("which", ["in plan", "excluded", "unrelated"])
def test_an_exercise_gives_its_verdict_and_score_once(
    reasoner: musclekb.Reasoner, which: str
) -> None:
    body = {**KNEE, "context": {"equipment": []}}  # no equipment: some are excluded
    answer = _exercise(reasoner, body, which)
    lines = render_why_not(answer).splitlines()
    verdict = "in the plan" if answer["in_plan"] else "not in the plan"
    assert lines[0] == f"{answer['label']} ({answer['id']}): {verdict}: {answer['reason']}."
    score_lines = [line for line in lines if line.startswith("score ")]
    assert len(score_lines) == (1 if which in ("in plan", "excluded") else 0)


def test_the_request_and_target_problems_come_together(reasoner: musclekb.Reasoner) -> None:
    bad = {"findings": [{"sign": "sls-knee-valgu", "side": "left", "present": True}]}
    with pytest.raises(musclekb.AssessmentInputError) as caught:
        reasoner.why_not(bad, "knee-valgu")
    where = [p.location for p in caught.value.problems]
    assert where == ["findings[0].sign", "target"]
    assert "knee-valgus" in caught.value.problems[1].suggestions
    with pytest.raises(musclekb.AssessmentInputError):
        reasoner.why_not(KNEE, "knee-valgu")
    assert reasoner.why_not(KNEE, "knee valgus")["id"] == "knee-valgus", "by label"


def test_cli_prints_the_text_or_the_json(reasoner: musclekb.Reasoner) -> None:
    args = ["why-not", "hunched-posture", "--finding", "sls-knee-valgus:left"]
    text = runner.invoke(app, args)
    assert text.exit_code == 0, text.output
    assert text.output == render_why_not(reasoner.why_not(KNEE, "hunched-posture")) + "\n"
    as_json = runner.invoke(app, [*args, "--json"])
    assert json.loads(as_json.output) == reasoner.why_not(KNEE, "hunched-posture")


def test_cli_unknown_target_is_exit_2_with_suggestion() -> None:
    result = runner.invoke(app, ["why-not", "knee-valgu", "--finding", "sls-knee-valgus:left"])
    assert result.exit_code == 2
    assert "'knee-valgu'" in result.output and "knee-valgus" in result.output


def test_api_answers_text_when_asked(api_client: TestClient) -> None:
    body = {**KNEE, "target": "hunched-posture"}
    data = api_client.post("/v1/assessments/why-not", json=body)
    text = api_client.post("/v1/assessments/why-not", json=body, headers={"Accept": "text/plain"})
    assert data.headers["content-type"] == "application/json"
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.text == render_why_not(data.json()) + "\n"
    assert "Accept" in text.headers["vary"] and "Accept" in data.headers["vary"]
    refused = api_client.post(
        "/v1/assessments/why-not", json=body, headers={"Accept": "application/xml"}
    )
    assert refused.status_code == 406 and refused.json()["available"]


def test_cli_takes_a_why_not_body_saved_from_the_api(tmp_path: Path) -> None:
    body = tmp_path / "why-not.json"
    body.write_text(json.dumps({**KNEE, "target": "hunched-posture"}))
    same = runner.invoke(app, ["why-not", "hunched-posture", str(body)])
    assert same.exit_code == 0, same.output
    assert same.output.startswith("hunched posture (hunched-posture): not concluded")
    other = runner.invoke(app, ["why-not", "knee-valgus", str(body)])
    assert other.exit_code == 2
    assert "'hunched-posture'" in other.output and "'knee-valgus'" in other.output


def test_text_answers_end_with_the_knowledge_base(reasoner: musclekb.Reasoner) -> None:
    info = reasoner.kb.info
    line = f"Knowledge base {info.content_hash[:12]} (musclekb {info.version})."
    result = reasoner.assess(KNEE)
    assert result.render().splitlines()[-1] == line
    for target in ("knee-valgus", "banded-hip-abduction"):
        answer = result.why_not(target)
        assert answer["knowledge"] == {"version": info.version, "content_hash": info.content_hash}
        assert render_why_not(answer).splitlines()[-1] == line
