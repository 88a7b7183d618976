"""``musclekb assess`` from arguments and from a file; bad input is a clear error with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from musclekb.cli import app

runner = CliRunner()


def test_assess_from_arguments() -> None:
    result = runner.invoke(app, ["assess", "--finding", "sls-knee-valgus:left"])
    assert result.exit_code == 0, result.output
    assert "Imbalances:" in result.output
    assert "[left]" in result.output


def test_assess_json_from_yaml_file(tmp_path: Path) -> None:
    request = tmp_path / "request.yaml"
    request.write_text(
        "findings:\n  - {sign: sls-knee-valgus, side: right, present: true}\ncontext: {pain: 0}\n"
    )
    result = runner.invoke(app, ["assess", str(request), "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["imbalances"][0]["side"] == "right"
    assert body["plan"]


def test_referral_advisory_first() -> None:
    result = runner.invoke(
        app,
        ["assess", "--finding", "sls-knee-valgus:left", "--pain", "8", "--persistent", "--json"],
    )
    codes = [a["code"] for a in json.loads(result.output)["advisories"]]
    assert codes[0].startswith("refer")


def test_unknown_sign_is_exit_2_with_suggestion() -> None:
    result = runner.invoke(app, ["assess", "--finding", "sls-knee-valgu:left"])
    assert result.exit_code == 2
    assert "unknown sign 'sls-knee-valgu'" in result.output
    assert "sls-knee-valgus" in result.output


def test_side_on_non_lateral_sign_is_an_error() -> None:
    result = runner.invoke(app, ["assess", "--finding", "ohs-forward-lean:left"])
    assert result.exit_code == 2
    assert "not lateral" in result.output


def test_present_and_absent_is_an_error() -> None:
    result = runner.invoke(
        app, ["assess", "--finding", "sls-knee-valgus:left", "--absent", "sls-knee-valgus:left"]
    )
    assert result.exit_code == 2
    assert "both present and absent" in result.output


def test_bad_measure_syntax() -> None:
    result = runner.invoke(app, ["assess", "--measure", "single-leg-bridge-hold:30"])
    assert result.exit_code == 2
    assert "MEASURE:LEFT:RIGHT" in result.output


def test_json_explanations_in_each_form() -> None:
    args = ["assess", "--finding", "sls-knee-valgus:left", "--json"]
    linked = json.loads(runner.invoke(app, args).output)
    nested = json.loads(runner.invoke(app, [*args, "--explain", "nested"]).output)
    bare = json.loads(runner.invoke(app, [*args, "--explain", "none"]).output)
    assert (linked["explain"], nested["explain"], bare["explain"]) == ("linked", "nested", "none")
    assert all("explanation" not in i for i in bare["imbalances"])
    assert [i["id"] for i in bare["imbalances"]] == [i["id"] for i in linked["imbalances"]]
    assert len(json.dumps(linked)) < len(json.dumps(nested))


def test_unknown_explanation_form_is_exit_2_with_suggestion() -> None:
    result = runner.invoke(
        app, ["assess", "--finding", "sls-knee-valgus:left", "--json", "--explain", "nestd"]
    )
    assert result.exit_code == 2
    assert "unknown explanation form 'nestd'" in result.output
    assert "'nested'" in result.output
