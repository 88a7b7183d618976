"""The vocabulary module is generated from the schema, is up to date, and refuses unknown terms."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from musclekb import cli, vocabgen
from musclekb.sources import default_knowledge_dir
from musclekb.vocab import MK
from musclekb.vocabgen import render_vocab, vocab_module_path


def test_regenerating_gives_no_diff() -> None:
    fresh = render_vocab(default_knowledge_dir() / "schema.ttl")
    assert vocab_module_path().read_text(encoding="utf-8") == fresh, "run `musclekb vocab`"


def test_known_terms_resolve() -> None:
    assert str(MK.ifSign) == "https://w3id.org/musclekb/ontology#ifSign"


def test_unknown_terms_fail() -> None:
    with pytest.raises(AttributeError):
        _ = MK.ifSignn


def _checkout_with_a_new_term(root: Path) -> Path:
    """A checkout's layout (knowledge/schema.ttl, src/musclekb/vocabgen.py) whose schema has a
    property the shipped vocab.py lacks, and whose package would fail on import."""
    (root / "knowledge").mkdir()
    (root / "src" / "musclekb").mkdir(parents=True)
    schema = (default_knowledge_dir() / "schema.ttl").read_text(encoding="utf-8")
    schema += (
        '\nmk:newlyAdded a owl:DatatypeProperty ; rdfs:label "newly added"@en ;\n'
        '    skos:definition "A term the code names before vocab.py has it."@en .\n'
    )
    (root / "knowledge" / "schema.ttl").write_text(schema, encoding="utf-8")
    package = root / "src" / "musclekb"
    shutil.copy(Path(vocabgen.__file__), package / "vocabgen.py")
    shutil.copy(vocab_module_path(), package / "vocab.py")
    (package / "__init__.py").write_text("from musclekb.vocab import MK\nMK.newlyAdded\n")
    return package


def test_the_generator_runs_as_a_script_when_the_package_cannot_be_imported(
    tmp_path: Path,
) -> None:
    package = _checkout_with_a_new_term(tmp_path)
    script = [sys.executable, str(package / "vocabgen.py")]
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*script, *args], capture_output=True, text=True, env=env, cwd=tmp_path, check=False
        )

    importing = subprocess.run(
        [sys.executable, "-c", "import musclekb"], capture_output=True, text=True, env=env,
        cwd=tmp_path, check=False,
    )  # fmt: skip
    assert importing.returncode != 0 and "newlyAdded" in importing.stderr
    stale = run("--check")
    assert stale.returncode == 1 and "out of date" in stale.stdout
    assert run().returncode == 0
    assert "    newlyAdded: URIRef  # newly added\n" in (package / "vocab.py").read_text("utf-8")
    assert run("--check").returncode == 0
    assert run("--force").returncode == 2
    (tmp_path / "knowledge" / "schema.ttl").write_text("mk:broken a", encoding="utf-8")
    broken = run("--check")
    assert broken.returncode == 2 and "cannot read" in broken.stderr


def test_musclekb_vocab_reports_a_schema_it_cannot_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "schema.ttl").write_text("mk:broken a", encoding="utf-8")
    monkeypatch.setenv("MUSCLEKB_KNOWLEDGE", str(tmp_path))
    result = CliRunner().invoke(cli.app, ["vocab", "--check"])
    assert result.exit_code == 2
    assert "cannot read" in result.output and "schema.ttl" in result.output
    monkeypatch.delenv("MUSCLEKB_KNOWLEDGE")
    shipped = CliRunner().invoke(cli.app, ["vocab", "--check"])
    assert shipped.exit_code == 0 and "vocab.py is up to date" in shipped.output
