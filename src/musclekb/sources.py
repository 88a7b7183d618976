"""Where the knowledge files are, and reading them into graphs with file and line for every problem."""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, RDF, Graph, URIRef
from rdflib.term import Node

from musclekb.errors import KnowledgeNotFoundError
from musclekb.rdfio import add_to_graph, parse_turtle
from musclekb.report import ParseProblem, Violation
from musclekb.vocab import KB, MK

__all__ = [
    "ParsedKnowledge",
    "default_knowledge_dir",
    "knowledge_files",
    "parse_knowledge",
]

ENV_VAR = "MUSCLEKB_KNOWLEDGE"
_SUBJECT_LINE = re.compile(r"^kb:([A-Za-z0-9_.-]+)\s+(?:a|rdf:type)\s", re.MULTILINE)
_ID = re.compile(r"^[a-z0-9]+(?:--?[a-z0-9]+)*$")


def default_knowledge_dir() -> Path:
    """The shipped knowledge base: ``$MUSCLEKB_KNOWLEDGE``, else inside the wheel, else the checkout."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    here = Path(__file__).resolve().parent
    for candidate in (here / "knowledge", here.parents[1] / "knowledge"):
        if (candidate / "schema.ttl").is_file():
            return candidate
    raise KnowledgeNotFoundError(
        f"no knowledge directory found beside {here} (looked for knowledge/schema.ttl in the "
        f"package and in the checkout); set {ENV_VAR} to the directory that holds the Turtle files"
    )


def knowledge_files(directory: Path) -> list[Path]:
    """The Turtle data files of a knowledge directory, sorted by name."""
    if not directory.is_dir():
        raise KnowledgeNotFoundError(
            f"knowledge directory {str(directory)!r} does not exist or is not a directory"
        )
    files = sorted(p for p in directory.glob("*.ttl") if p.is_file())
    if not files:
        raise KnowledgeNotFoundError(
            f"knowledge directory {str(directory)!r} holds no .ttl files; "
            "put the Turtle files of the knowledge base there"
        )
    return files


@dataclass
class ParsedKnowledge:
    """The merged graph of a knowledge directory and where each entity was defined."""

    directory: Path
    files: list[Path]
    graph: Graph
    defined_in: dict[URIRef, str] = field(default_factory=dict)
    lines: dict[URIRef, int] = field(default_factory=dict)
    problems: list[ParseProblem] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    content_hash: str = ""
    store: ox.Store = field(default_factory=ox.Store)

    def where(self, node: object) -> str:
        """``file:line`` where ``node`` is defined, or ``"?"``."""
        if not isinstance(node, URIRef) or node not in self.defined_in:
            return "?"
        line = self.lines.get(node)
        return f"{self.defined_in[node]}:{line}" if line else self.defined_in[node]


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_POSITION = re.compile(
    r"^Parser error (?:at|between) line \d+ column \d+(?: and line \d+ column \d+)?: "
)


def _problem(path: Path, exc: SyntaxError) -> ParseProblem:
    why = _POSITION.sub("", str(exc.msg or exc))
    column = f" (column {exc.offset})" if exc.offset else ""
    return ParseProblem(path.name, exc.lineno, f"Turtle syntax error{column}: {why}")


def parse_knowledge(directory: Path) -> ParsedKnowledge:
    """Parse every file of ``directory``; collect every problem instead of stopping at the first."""
    files = knowledge_files(directory)
    parsed = ParsedKnowledge(directory, files, Graph(store="SimpleMemory"))
    cache: dict[str, Node] = {}
    digest = hashlib.sha256()
    typed_in: dict[URIRef, list[str]] = defaultdict(list)
    for path in files:
        data = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + data + b"\0")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:  # Turtle is UTF-8 text
            line = data.count(b"\n", 0, exc.start) + 1
            message = (
                f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be read; save it as UTF-8"
            )
            parsed.problems.append(ParseProblem(path.name, line, message))
            continue
        try:
            quads = parse_turtle(text, path.resolve().as_uri())
        except SyntaxError as exc:
            parsed.problems.append(_problem(path, exc))
            continue
        seen_lines: dict[str, int] = {}
        for match in _SUBJECT_LINE.finditer(text):
            local, line = match.group(1), text.count("\n", 0, match.start()) + 1
            if local in seen_lines:
                parsed.violations.append(
                    Violation(
                        path.name,
                        local,
                        "",
                        f"id {local!r} is defined twice in this file "
                        f"(lines {seen_lines[local]} and {line}); give one of them another id",
                        "duplicate-id",
                    )
                )
            else:
                seen_lines[local] = line
                parsed.lines.setdefault(KB[local], line)
        typed = {
            q.subject.value
            for q in quads
            if q.predicate.value == _RDF_TYPE and isinstance(q.subject, ox.NamedNode)
        }
        for iri in sorted(typed):
            subject = URIRef(iri)
            typed_in[subject].append(path.name)
            parsed.defined_in.setdefault(subject, path.name)
        add_to_graph(parsed.graph, quads, cache)
        parsed.store.extend(quads)
    parsed.content_hash = digest.hexdigest()
    for subject, names in typed_in.items():
        if len(names) > 1 and str(subject).startswith(str(KB)):
            local = str(subject)[len(str(KB)) :]
            parsed.violations.append(
                Violation(
                    names[0],
                    local,
                    "",
                    f"id {local!r} is defined in more than one file "
                    f"({', '.join(names)}); each id is defined once",
                    "duplicate-id",
                )
            )
    for subject in parsed.defined_in:
        text = str(subject)
        if text.startswith(str(KB)) and not _ID.match(text[len(str(KB)) :]):
            local = text[len(str(KB)) :]
            parsed.violations.append(
                Violation(
                    parsed.defined_in[subject],
                    local,
                    "",
                    f"id {local!r} is not a valid id: "
                    "use lowercase letters and digits, with hyphens between words (a double hyphen may separate the parts of a rule id)",
                    "id-syntax",
                )
            )
    if not parsed.problems and (MK.Muscle, RDF.type, OWL.Class) not in parsed.graph:
        # without the ontology every shape fails, and the report would not say why
        parsed.problems.append(
            ParseProblem(
                "schema.ttl",
                None,
                "the ontology (mk:Muscle and the other classes and properties) is defined in "
                "no file of this directory; copy schema.ttl from the shipped knowledge base",
            )
        )
    return parsed
