"""The examples of docs/api.md, run against the service: every curl command is answered without
error, the Python walk-through runs, and every JSON example has the shape of the answer it shows
(no field documented that the answer lacks; at the top level, every field the answer has).

A JSON example that stands for an answer must be listed in ``ANSWERS`` with the request that gets
it, and an error example is compared whole: errors are deterministic.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
import shlex
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
ELIDED = "..."  # a value the docs leave out


@dataclass(frozen=True)
class Block:
    lang: str
    text: str
    line: int

    @property
    def id(self) -> str:
        return f"api.md:{self.line}"


def _blocks(lang: str) -> list[Block]:
    doc = DOC.read_text(encoding="utf-8")
    return [
        Block(m.group(1), m.group(2), doc.count("\n", 0, m.start()) + 1)
        for m in FENCE.finditer(doc)
        if m.group(1) == lang
    ]


# ---------------------------------------------------------------------------- curl


@dataclass(frozen=True)
class Curl:
    method: str
    url: str
    headers: dict[str, str]
    content: bytes | None
    params: list[tuple[str, str]]


def _curls() -> Iterator[tuple[str, Curl]]:
    """Each curl command of the console blocks (a pipe's first command only), by line."""
    for block in _blocks("console"):
        text = block.text.replace("\\\n", " ")
        for offset, line in enumerate(text.splitlines()):
            line = line.removeprefix("$ ").strip()
            if line.startswith("curl "):
                words = shlex.split(line)
                if "|" in words:
                    words = words[: words.index("|")]
                yield f"api.md:{block.line + 1 + offset}", _parse_curl(words[1:])


def _parse_curl(words: list[str]) -> Curl:
    headers: dict[str, str] = {}
    data: list[str] = []
    get, url = False, ""
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("-H", "--header"):
            name, _, value = words[i + 1].partition(":")
            headers[name.strip()] = value.strip()
            i += 1
        elif word in ("-d", "--data", "--data-binary", "--data-urlencode"):
            data.append(words[i + 1])
            i += 1
        elif word in ("-G", "--get"):
            get = True
        elif word.startswith("-"):
            assert set(word[1:]) <= set("sSi"), f"option {word} is not understood here"
        else:
            url = word
        i += 1
    if get:
        params = [tuple(d.split("=", 1)) for d in data]
        return Curl("GET", url, headers, None, params)  # type: ignore[arg-type]
    if data:
        return Curl("POST", url, headers, "&".join(data).encode(), [])
    return Curl("GET", url, headers, None, [])


CURLS = dict(_curls())


def test_the_docs_have_curl_commands() -> None:
    assert len(CURLS) >= 6


@pytest.mark.parametrize("where", list(CURLS))
def test_each_curl_command_is_answered(api_client: TestClient, where: str) -> None:
    curl = CURLS[where]
    parts = urlsplit(curl.url)
    assert (parts.scheme, parts.netloc) == ("http", "127.0.0.1:8000"), curl.url
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    response = api_client.request(
        curl.method, path, headers=curl.headers, content=curl.content, params=curl.params
    )
    # 304: an example sends back a tag it shows (a tag of the shipped knowledge base)
    assert response.status_code in (200, 304), (where, response.text[:500])


# ---------------------------------------------------------------------------- Python


def _walk_through() -> Block:
    (block,) = [b for b in _blocks("python") if "httpx.Client" in b.text]
    return block


def _posted_body(code: str) -> dict[str, Any]:
    """The literal ``json=`` body that the walk-through posts."""
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.keyword) and node.arg == "json":
            body: dict[str, Any] = ast.literal_eval(node.value)
            return body
    raise AssertionError("the walk-through posts no json= body")


def test_the_python_walk_through_runs(
    api_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def client(base_url: str = "") -> contextlib.nullcontext[TestClient]:
        # the shared client, not entered again: entering it would start the app once more
        assert base_url == "http://127.0.0.1:8000"
        return contextlib.nullcontext(api_client)

    # the walk-through imports httpx (what integrators use); its client is this test's
    monkeypatch.setitem(sys.modules, "httpx", types.SimpleNamespace(Client=client))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(_walk_through().text, {})  # the project's own docs
    printed = out.getvalue().splitlines()
    # each imbalance's line and first sentence, then the plan by phase
    assert len(printed) >= 3 and any(" - " in line for line in printed), printed


# ---------------------------------------------------------------------------- JSON answers

WALK_THROUGH_BODY = _posted_body(_walk_through().text)
KNEE_AND_POSTURE = {
    "findings": [
        {"sign": "sls-knee-valgu", "side": "left"},
        {"sign": "hunched-posture-sign", "side": "left"},
    ]
}
BROKEN_JSON = b'{\n  "findings": [\n    {"sign": "sls-knee-valgus", "side": "left",}\n  ]\n}\n'

# a phrase of each JSON example that stands for an answer -> (method, path, body) of its request
# (bytes: sent as they are); whole: compared whole, not by shape
ANSWERS: dict[str, tuple[str, str, object, bool]] = {
    '"explain": "linked"': ("POST", "/v1/assessments", WALK_THROUGH_BODY, False),
    '"label": "hunched posture", "concluded"': (
        "POST",
        "/v1/assessments/why-not",
        {"findings": [{"sign": "sls-knee-valgus", "side": "left"}], "target": "hunched-posture"},
        False,
    ),
    '"id": "banded-hip-abduction"': (
        "POST",
        "/v1/assessments/why-not",
        {
            "findings": [{"sign": "sls-knee-valgus", "side": "left"}],
            "context": {"equipment": []},
            "target": "banded-hip-abduction",
        },
        False,
    ),
    '"title": "Invalid assessment request"': ("POST", "/v1/assessments", KNEE_AND_POSTURE, True),
    '"title": "Invalid request"': ("POST", "/v1/assessments", BROKEN_JSON, True),
    '"query": "knee caves in"': ("GET", "/v1/search?q=knee+caves+in&limit=1", None, False),
}


def _examples() -> dict[str, Block]:
    """The JSON examples, each under the phrase of ``ANSWERS`` it holds."""
    found: dict[str, Block] = {}
    for block in _blocks("json"):
        phrases = [p for p in ANSWERS if p in block.text]
        assert len(phrases) == 1, f"{block.id}: name its request in ANSWERS ({phrases})"
        found[phrases[0]] = block
    return found


EXAMPLES = _examples()


def test_every_listed_answer_has_its_example() -> None:
    assert sorted(EXAMPLES) == sorted(ANSWERS)


def test_the_broken_body_is_the_one_the_docs_show() -> None:
    assert BROKEN_JSON.decode() in [b.text for b in _blocks("text")]


def _fits(doc: object, real: object, where: str, top: bool = False) -> list[str]:
    """Where the example ``doc`` does not have the shape of the answer ``real``."""
    if doc == ELIDED or doc is None or real is None:
        return []
    if isinstance(doc, dict):
        if not isinstance(real, dict):
            return [f"{where}: an object in the docs, {type(real).__name__} in the answer"]
        problems = [f"{where}.{k}: documented, not in the answer" for k in doc if k not in real]
        if top:
            problems += [
                f"{where}.{k}: in the answer, not documented" for k in real if k not in doc
            ]
        for key in doc.keys() & real.keys():
            problems += _fits(doc[key], real[key], f"{where}.{key}")
        return problems
    if isinstance(doc, list):
        if not isinstance(real, list):
            return [f"{where}: a list in the docs, {type(real).__name__} in the answer"]
        if not real and any(d != ELIDED for d in doc):
            return [f"{where}: items in the docs, none in the answer"]
        return [
            p
            for i, d in enumerate(doc)
            for p in _fits(d, real[min(i, len(real) - 1)], f"{where}[{i}]")
        ]
    kinds = (bool, (int, float), str)
    for kind in kinds:
        if isinstance(doc, kind) != isinstance(real, kind):
            return [f"{where}: {doc!r} in the docs, {real!r} in the answer"]
    return []


@pytest.mark.parametrize("phrase", list(ANSWERS), ids=[EXAMPLES[p].id for p in ANSWERS])
def test_each_json_example_has_the_shape_of_its_answer(api_client: TestClient, phrase: str) -> None:
    method, path, body, whole = ANSWERS[phrase]
    if isinstance(body, bytes):
        sent = {"content": body, "headers": {"Content-Type": "application/json"}}
    else:
        sent = {} if body is None else {"json": body}
    response = api_client.request(method, path, **sent)  # type: ignore[arg-type]
    documented = json.loads(EXAMPLES[phrase].text)
    if whole:
        assert response.json() == documented
        return
    assert response.status_code == 200, response.text[:500]
    assert _fits(documented, response.json(), "answer", top=True) == []
