"""Validation results: parse problems and violations, as data and as plain text."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["ParseProblem", "ValidationReport", "Violation"]


@dataclass(frozen=True, order=True)
class ParseProblem:
    """A Turtle file that does not parse."""

    file: str
    line: int | None
    message: str

    def render(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True, order=True)
class Violation:
    """One thing wrong with the knowledge base, in plain words.

    ``entity`` is the short id of the offending entity, ``property`` the property involved
    (a CURIE such as ``mk:ifSign``, or ``""``), ``check`` the shape or query that found it.
    """

    file: str
    entity: str
    property: str
    message: str
    check: str = ""

    def render(self) -> str:
        prop = f" [{self.property}]" if self.property else ""
        return f"{self.file}: {self.entity}{prop}: {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating a knowledge directory."""

    files: tuple[str, ...]
    parse_problems: tuple[ParseProblem, ...] = ()
    violations: tuple[Violation, ...] = ()
    triples: int = 0
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def parsed(self) -> bool:
        return not self.parse_problems

    @property
    def conforms(self) -> bool:
        return self.parsed and not self.violations

    @property
    def exit_code(self) -> int:
        """0 when valid, 1 when there are violations, 2 when a file does not parse."""
        if not self.parsed:
            return 2
        return 0 if self.conforms else 1

    def render(self) -> str:
        if not self.parsed:
            lines = [f"{len(self.parse_problems)} file(s) could not be parsed:"]
            lines += [f"  {p.render()}" for p in self.parse_problems]
            return "\n".join(lines)
        if self.conforms:
            return (
                f"valid: {len(self.files)} file(s), {self.triples} triples, "
                f"checked in {self.seconds * 1000:.0f} ms"
            )
        lines = [f"{len(self.violations)} violation(s) in {len(self.files)} file(s):"]
        lines += [f"  {v.render()}" for v in self.violations]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "exit_code": self.exit_code,
            "files": list(self.files),
            "triples": self.triples,
            "seconds": round(self.seconds, 4),
            "parse_problems": [asdict(p) for p in self.parse_problems],
            "violations": [asdict(v) for v in self.violations],
        }
