"""``musclekb assess`` from arguments and from a file; bad input is a clear error with exit 2."""

from __future__ import annotations

import json
import socket
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


def test_a_request_file_that_is_not_utf8_is_exit_2_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "request.json"
    path.write_bytes(b'\xff\xfe{"findings": []}')
    for command in (["assess", str(path)], ["why-not", "knee-valgus", str(path)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        assert f"cannot read {path}: not UTF-8 text (byte 0)" in result.output


def test_a_key_that_is_not_a_string_is_named_as_an_unexpected_field(tmp_path: Path) -> None:
    path = tmp_path / "request.yaml"
    path.write_text("1: 2\nfindings:\n  - {sign: sls-knee-valgus, side: left, 3: x}\n")
    result = runner.invoke(app, ["assess", str(path)])
    assert result.exit_code == 2, result.output
    assert "request: unexpected field(s) 1" in result.output
    assert "findings[0]: unexpected field(s) 3" in result.output


def test_why_not_takes_a_file_naming_the_same_target_by_label(tmp_path: Path) -> None:
    path = tmp_path / "why-not.json"
    path.write_text(json.dumps({"target": "knee valgus", "findings": []}))
    result = runner.invoke(app, ["why-not", "knee-valgus", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["id"] == "knee-valgus"
    path.write_text(json.dumps({"target": "hunched-posture", "findings": []}))
    result = runner.invoke(app, ["why-not", "knee-valgus", str(path)])
    assert result.exit_code == 2 and "names the target 'hunched-posture'" in result.output


def test_serve_refuses_what_it_cannot_listen_on() -> None:
    """Before any worker starts: a port out of range, a host that does not resolve, a port in
    use, each exit 2 with a message that says what to change."""
    assert runner.invoke(app, ["serve", "--port", "99999"]).exit_code == 2
    assert runner.invoke(app, ["serve", "--port", "-5"]).exit_code == 2
    result = runner.invoke(app, ["serve", "--host", "256.1.1.1"])
    assert result.exit_code == 2 and "cannot listen on host '256.1.1.1'" in result.output
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["serve", "--port", str(port)])
    assert result.exit_code == 2, result.output
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "choose another --port" in result.output
