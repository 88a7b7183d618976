"""Each broken fixture under tests/cases/broken/ fails validation with the expected message.

A fixture is a folder with ``case.yaml`` (description, source, expected exit code, expected message
fragments) and Turtle files that are added to a copy of the shipped knowledge base.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import musclekb
from musclekb.cli import app

from .conftest import CASES

BROKEN = sorted(p for p in (CASES / "broken").iterdir() if (p / "case.yaml").is_file())


def _case(path: Path) -> dict[str, object]:
    data = yaml.safe_load((path / "case.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    assert data.get("source"), f"{path.name}: a case names its source"
    return data


def _apply(case_dir: Path, kb_copy: Path) -> None:
    for ttl in case_dir.glob("*.ttl"):
        shutil.copy(ttl, kb_copy / ttl.name)


@pytest.mark.parametrize("case_dir", BROKEN, ids=[p.name for p in BROKEN])
def test_fixture_fails_with_expected_message(case_dir: Path, kb_copy: Path) -> None:
    case = _case(case_dir)
    _apply(case_dir, kb_copy)
    report = musclekb.validate(kb_copy)
    assert report.exit_code == case["exit"], report.render()
    text = report.render()
    for fragment in case["expect"]:  # type: ignore[attr-defined]
        assert fragment in text, f"expected {fragment!r} in:\n{text}"


@pytest.mark.parametrize("case_dir", BROKEN, ids=[p.name for p in BROKEN])
def test_load_refuses_fixture(case_dir: Path, kb_copy: Path) -> None:
    case = _case(case_dir)
    _apply(case_dir, kb_copy)
    expected = musclekb.KnowledgeParseError if case["exit"] == 2 else musclekb.KnowledgeInvalidError
    with pytest.raises(expected) as info:
        musclekb.load(kb_copy)
    assert isinstance(info.value, musclekb.MuscleKBError)


@pytest.mark.parametrize("case_dir", BROKEN, ids=[p.name for p in BROKEN])
def test_cli_exit_code(case_dir: Path, kb_copy: Path) -> None:
    case = _case(case_dir)
    _apply(case_dir, kb_copy)
    result = CliRunner().invoke(app, ["validate", str(kb_copy)])
    assert result.exit_code == case["exit"], result.output
    assert case["expect"][0] in result.output  # type: ignore[index]


def test_all_problems_are_collected(kb_copy: Path) -> None:
    """Several broken files at once: every violation is reported, not only the first."""
    for name in ("missing-label", "unknown-sign-in-rule", "certainty-out-of-range"):
        src = CASES / "broken" / name / "zz-extra.ttl"
        shutil.copy(src, kb_copy / f"zz-{name}.ttl")
    report = musclekb.validate(kb_copy)
    text = report.render()
    assert "unlabelled-sign" in text
    assert "rule-names-missing-sign" in text
    assert "overconfident-rule" in text


def test_every_unparsable_file_is_listed(kb_copy: Path) -> None:
    (kb_copy / "aa-bad.ttl").write_text(
        "@prefix kb: <https://w3id.org/musclekb/id/> .\nkb:x kb:y .\n"
    )
    (kb_copy / "zz-bad.ttl").write_text("kb:x kb:y kb:z .\n")
    report = musclekb.validate(kb_copy)
    assert report.exit_code == 2
    assert [p.file for p in report.parse_problems] == ["aa-bad.ttl", "zz-bad.ttl"]
    assert all(p.line is not None for p in report.parse_problems)


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(musclekb.KnowledgeNotFoundError, match="does not exist"):
        musclekb.load(tmp_path / "nowhere")
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_stats_exit_codes_follow_the_kind_of_failure(kb_copy: Path, tmp_path: Path) -> None:
    """1 when the knowledge base breaks its shapes or checks; 2 when it cannot be read, whatever
    the directory is called."""
    missing = tmp_path / "violations-missing"
    result = CliRunner().invoke(app, ["stats", str(missing)])
    assert result.exit_code == 2 and "does not exist" in result.output
    _apply(CASES / "broken" / "duplicate-id", kb_copy)
    assert CliRunner().invoke(app, ["stats", str(kb_copy)]).exit_code == 1
    _apply(CASES / "broken" / "not-utf8", kb_copy)
    result = CliRunner().invoke(app, ["stats", str(kb_copy)])
    assert result.exit_code == 2 and "not UTF-8 text" in result.output


def test_a_directory_without_the_ontology_says_so(kb_copy: Path) -> None:
    """Without schema.ttl every shape would fail on every entity (262 violations that do not
    say why); the report names the missing ontology instead."""
    (kb_copy / "schema.ttl").unlink()
    result = CliRunner().invoke(app, ["validate", str(kb_copy)])
    assert result.exit_code == 2, result.output
    assert "schema.ttl: the ontology (mk:Muscle" in result.output
    assert "violation" not in result.output
