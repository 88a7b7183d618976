"""docs/authoring.md's worked example, done on a copy of the shipped knowledge base: the Turtle it
shows, added to the files it names, validates, and the new sign, rule and exercise work at once
with no Python; the two mistakes its validation example shows give exactly the violations shown
(the line numbers aside, which depend on the file's length)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import musclekb
from musclekb.validation import validate

DOC = Path(__file__).resolve().parents[1] / "docs" / "authoring.md"
FILE_COMMENT = re.compile(r"^# ([\w-]+\.ttl)$", re.MULTILINE)
VIOLATION = re.compile(r"^  ([\w-]+\.ttl):\d+: (.*)$", re.MULTILINE)  # as validate prints one


def _blocks(lang: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    return re.findall(rf"^```{lang}\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def _sections() -> dict[str, str]:
    """The example's Turtle by the file it goes in (each after its ``# <file>`` comment), each
    with the example's prefixes."""
    (example,) = _blocks("turtle")
    parts = FILE_COMMENT.split(example)
    prefixes, rest = parts[0], parts[1:]
    return {name: prefixes + body for name, body in zip(rest[::2], rest[1::2], strict=True)}


def _add_example(directory: Path, sections: dict[str, str]) -> None:
    for name, turtle in sections.items():
        path = directory / name
        assert path.is_file(), f"the example names {name}, which the knowledge base lacks"
        path.write_text(path.read_text(encoding="utf-8") + "\n" + turtle, encoding="utf-8")


def _shown_violations() -> list[tuple[str, str]]:
    """The violations of the docs' validation example, as (file, what) without line numbers."""
    (console,) = _blocks("console")
    shown = VIOLATION.findall(console)
    assert shown, "the validation example shows no violation"
    return shown


def test_the_example_names_the_files_it_edits() -> None:
    assert sorted(_sections()) == [
        "exercises.ttl",
        "rules-signs.ttl",
        "signs.ttl",
        "tests.ttl",
    ]


def test_the_example_is_valid_and_works_with_no_python(kb_copy: Path) -> None:
    _add_example(kb_copy, _sections())
    report = validate(kb_copy)
    assert report.conforms, report.render()
    kb = musclekb.load(kb_copy)
    result = musclekb.Reasoner(kb).assess(
        {"findings": [{"sign": "knee caves in during wall sit", "side": "left"}]}
    )
    state = result.derivation.states[("gluteus-medius-weak", "left")]
    assert [c.rule for c in state.evidence] == ["wall-sit-knee-drift--gluteus-medius-weak"]
    assert state.cf == pytest.approx(0.4)
    # offered for the weak gluteus medius, through the role rule for weak muscles
    offered = result.why_not("banded-wall-sit")
    assert offered["score"] is not None and offered["score"] > 0, offered


def test_the_validation_example_shows_what_the_mistakes_give(kb_copy: Path) -> None:
    sections = _sections()
    rule = sections["rules-signs.ttl"]
    broken = rule.replace("mk:certainty 0.4", "mk:certainty 1.5").replace(
        "mk:ifSign kb:wall-sit-knee-drift ;", "mk:ifSign kb:wall-sit-knee-drif ;"
    )
    assert broken.count("1.5") == 1 and "knee-drif ;" in broken
    _add_example(kb_copy, {**sections, "rules-signs.ttl": broken})
    report = validate(kb_copy)
    assert report.exit_code == 1
    lines = report.render().splitlines()
    got = [(path, what) for line in lines[1:] for path, what in VIOLATION.findall(line)]
    assert len(got) == len(lines) - 1, lines
    assert got == _shown_violations()
    assert lines[0] == f"{len(got)} violation(s) in {len(report.files)} file(s):"


def test_the_valid_example_line_counts_the_shipped_files(knowledge_dir: Path) -> None:
    """The file count (the triple count changes with every edit, and is not held to)."""
    (console,) = _blocks("console")
    shown = re.search(r"^valid: (\d+) file\(s\), \d+ triples", console, re.MULTILINE)
    assert shown is not None
    assert int(shown.group(1)) == len(validate(knowledge_dir).files)
