"""The exceptions musclekb raises.

Every error derives from one root, so callers can catch ``MuscleKBError`` and nothing else::

    MuscleKBError
    ├── KnowledgeError              the knowledge base cannot be used
    │   ├── KnowledgeNotFoundError  no knowledge directory or no Turtle files in it
    │   ├── KnowledgeParseError     a Turtle file does not parse (file and line)
    │   └── KnowledgeInvalidError   the files parse but break the shapes or checks
    ├── LookupFailedError           an id or label names no entity of the asked kind
    └── AssessmentInputError        an assessment request is not valid (every problem listed)

Messages name the offending term and where it came from, and say how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from musclekb.report import ParseProblem, Violation

__all__ = [
    "AssessmentInputError",
    "InputProblem",
    "KnowledgeError",
    "KnowledgeInvalidError",
    "KnowledgeNotFoundError",
    "KnowledgeParseError",
    "LookupFailedError",
    "MuscleKBError",
]


class MuscleKBError(Exception):
    """Root of every musclekb error."""


class KnowledgeError(MuscleKBError):
    """The knowledge base cannot be loaded or used."""


class KnowledgeNotFoundError(KnowledgeError):
    """The knowledge directory does not exist or holds no Turtle files."""


class KnowledgeParseError(KnowledgeError):
    """One or more Turtle files do not parse."""

    def __init__(self, problems: Sequence[ParseProblem]) -> None:
        self.problems = tuple(problems)
        lines = [p.render() for p in self.problems]
        super().__init__(
            f"{len(lines)} knowledge file(s) could not be parsed:\n" + "\n".join(lines)
        )


class KnowledgeInvalidError(KnowledgeError):
    """The knowledge base parses but violates its shapes or checks."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = tuple(violations)
        shown = [v.render() for v in self.violations[:20]]
        more = len(self.violations) - len(shown)
        tail = f"\n... and {more} more (run `musclekb validate` for all)" if more > 0 else ""
        super().__init__(
            f"the knowledge base has {len(self.violations)} violation(s):\n"
            + "\n".join(shown)
            + tail
        )


class LookupFailedError(MuscleKBError, KeyError):
    """An id or label names no entity of the requested kind (``by`` says which were tried:
    a lookup by id alone says ``id``)."""

    def __init__(
        self, kind: str, key: str, suggestions: Sequence[str] = (), by: str = "id or label"
    ) -> None:
        self.kind = kind
        self.key = key
        self.suggestions = tuple(suggestions)
        hint = (
            f"; did you mean {', '.join(repr(s) for s in self.suggestions)}?" if suggestions else ""
        )
        super().__init__(f"no {kind} with {by} {key!r}{hint}")

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with an assessment request: where (``findings[2].sign``), what, and the
    closest valid ids when an id was not recognised."""

    location: str
    message: str
    suggestions: tuple[str, ...] = ()

    def render(self) -> str:
        hint = (
            f" (did you mean {', '.join(repr(s) for s in self.suggestions)}?)"
            if self.suggestions
            else ""
        )
        return f"{self.location}: {self.message}{hint}"


class AssessmentInputError(MuscleKBError):
    """The assessment request is not valid; ``problems`` lists every problem found (the message
    shows the first :attr:`SHOWN`)."""

    SHOWN = 100

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.render(self.SHOWN))

    def render(self, shown: int) -> str:
        """How many problems there are, then the first ``shown``, one per line."""
        lines = [p.render() for p in self.problems[:shown]]
        more = len(self.problems) - len(lines)
        tail = f"\n... and {more} more" if more > 0 else ""
        return (
            f"the assessment request has {len(self.problems)} problem(s):\n"
            + "\n".join(lines)
            + tail
        )
