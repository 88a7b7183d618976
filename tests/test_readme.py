"""The README's library example runs as shown, and each line whose comment is a Python value
gives that value."""

from __future__ import annotations

import ast
import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
PYTHON = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _example() -> str:
    (code,) = PYTHON.findall(README.read_text(encoding="utf-8"))
    return str(code)


_WORDS = object()


def _shown_value(comment: str) -> object:
    """The value a comment shows (a Python literal), or ``_WORDS`` when it is words."""
    try:
        return ast.literal_eval(comment)
    except (ValueError, SyntaxError):
        return _WORDS


def test_the_library_example_runs_and_gives_what_it_shows() -> None:
    scope: dict[str, object] = {}
    checked = 0
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for line in _example().splitlines():
            code, _, comment = line.partition("  # ")
            shown = _shown_value(comment.strip()) if comment else _WORDS
            if shown is _WORDS:
                exec(code, scope)  # the project's own README
            else:
                assert eval(code, scope) == shown, line
                checked += 1
    assert checked, "no line shows its value"
    assert "Imbalances:" in out.getvalue()  # what a.render() prints
