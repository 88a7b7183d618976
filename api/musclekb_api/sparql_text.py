"""A SPARQL query's text as its parser reads it: which parts are code, its keywords, and how
deeply its brackets nest. What the checks before evaluation (``graphstore``) read.

The query is split into the tokens that can hide a keyword or a bracket from a plain scan:
comments, IRIs, strings, variables, blank nodes, prefixed names (with their ``\\#``-style escapes
and ``%xx`` codes) and language tags, as the SPARQL 1.1 grammar defines them. Codepoint escapes
(``\\u0053``) are applied first, as the grammar says. What is left is code: keywords,
brackets, operators and punctuation. That reading serves the query's form, its nesting and its
operator chains. It does not serve to find SERVICE: the evaluator reads that keyword where no
reading of the grammar would (glued to the next word, after ``true``, in escapes it leaves
undecoded), so :func:`mentions_service` looks for the letters anywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Code", "code", "keywords", "mentions_service"]

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
# The character classes of the grammar (SPARQL 1.1, section 19.8), exactly: a looser class could
# read a name on past where the parser stops, and hide what follows.
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)  # PN_CHARS_BASE
_MORE = "0-9\u00b7\u0300-\u036f\u203f\u2040"  # what VARNAME and PN_CHARS add to PN_CHARS_U
_VAR_CHAR = f"[{_BASE}_{_MORE}]"
_NAME_CHAR = f"[{_BASE}_{_MORE}-]"  # PN_CHARS
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"  # PERCENT | PN_LOCAL_ESC
_LOCAL = rf"(?:[{_BASE}_0-9:]|{_PLX})(?:(?:{_NAME_CHAR}|[.:]|{_PLX})*(?:{_NAME_CHAR}|:|{_PLX}))?"
_PREFIX = rf"[{_BASE}](?:(?:{_NAME_CHAR}|\.)*{_NAME_CHAR})?"
# One token at a time from the start, in this order at each place. The closing quotes of strings
# are optional, so that a match never fails after scanning ahead (an unterminated string runs to
# the end of its line, or of the text), and each string's characters are taken in runs between
# escapes. A run of name characters and dots that is no prefixed name is one token of code (so
# that the prefixed-name pattern is tried once per run, not at each of its characters);
# anything else is one character of code.
_TOKEN = re.compile(
    "|".join(
        (
            r"#[^\n\r]*",
            rf"(?P<iri>{IRI.pattern})",
            r"'{3}[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*(?:'{3})?",
            r'"{3}[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?:"{3})?',
            r"'[^'\\\n\r]*(?:\\.[^'\\\n\r]*)*'?",
            r'"[^"\\\n\r]*(?:\\.[^"\\\n\r]*)*"?',
            rf"[?$]{_VAR_CHAR}+",
            rf"_:[{_BASE}_0-9](?:(?:{_NAME_CHAR}|\.)*{_NAME_CHAR})?",
            rf"(?:{_PREFIX})?:(?:{_LOCAL})?",
            r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*",
            rf"(?P<code>(?:{_NAME_CHAR}|\.)+|\s+|.)",
        )
    ),
    re.DOTALL,
)
_KEYWORD = re.compile(r"[A-Za-z]+")
_LINE = re.compile(r"[^\n\r]+")


@dataclass(frozen=True)
class Code:
    """A query's text with everything but code blanked character by character, so that lines
    and columns stay where they were. ``with_iris`` keeps IRIs: what looks like an IRI may be
    a less-than and a greater-than around an expression (``?a<(?b)>?c``), whose brackets the
    parser reads as code; ``bare`` blanks them too."""

    with_iris: str
    bare: str

    def position(self, offset: int) -> tuple[int, int]:
        """The line and column (from 1) of a character."""
        text = self.bare
        line = text.count("\n", 0, offset) + 1
        return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _spaces(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def _unescape(match: re.Match[str]) -> str:
    number = int(match.group(1) or match.group(2), 16)
    return chr(number) if number <= 0x10FFFF else match.group(0)


@lru_cache(maxsize=4)  # the read-only and the depth checks read the same query
def code(query: str) -> Code:
    """``query`` split into code and the rest (see the module documentation)."""
    text = _ESCAPE.sub(_unescape, query)
    with_iris: list[str] = []
    bare: list[str] = []
    for match in _TOKEN.finditer(text):  # every character is in some token
        token = match.group()
        if match.group("code") is not None:
            with_iris.append(token)
            bare.append(token)
        else:
            blank = _LINE.sub(_spaces, token)
            with_iris.append(token if match.group("iri") is not None else blank)
            bare.append(blank)
    return Code("".join(with_iris), "".join(bare))


def keywords(query: str) -> Iterator[str]:
    """The keywords of ``query`` in order, upper-cased: every run of letters in its code (a run
    that touches a number, ``1SERVICE``, counts, as the parser may read it so)."""
    return (m.group().upper() for m in _KEYWORD.finditer(code(query).bare))


def mentions_service(query: str) -> bool:
    """Whether the letters ``service`` appear anywhere in ``query``, in any case or width, as
    written or with its codepoint escapes applied."""
    return any(
        "service" in unicodedata.normalize("NFKC", text).casefold()
        for text in (query, _ESCAPE.sub(_unescape, query))
    )
