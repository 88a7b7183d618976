"""The connection layer (``musclekb_api.protocol``): what uvicorn refuses before the application
sees a request is a problem too, and a request's head is bounded. A real server on loopback,
spoken to over raw sockets, since these requests are ones no HTTP client library would send."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from uvicorn.importer import import_from_string

from musclekb_api.protocol import ProblemHttpProtocol, unreadable_detail, uvicorn_options
from musclekb_api.settings import settings_from
from tests.e2e.harness import live_server

LIMIT = 4096
WAIT = 0.5  # seconds a head may take here


class SmallHeads(ProblemHttpProtocol):
    max_head_bytes = LIMIT
    head_timeout = WAIT
    send_timeout = WAIT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        # a small kernel buffer, so that an answer a client does not read waits in the
        # server's own (on loopback the kernel would otherwise hold megabytes of it)
        transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        super().connection_made(transport)


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    # log_config None: uvicorn's loggers propagate, so caplog sees what the server logs
    with live_server(http=SmallHeads, log_config=None) as url:
        port = urlsplit(url).port
        assert port is not None
        yield port


def _exchange(port: int, *pieces: bytes, pause: float = 0.0) -> tuple[bytes, bool]:
    """Send ``pieces`` (``pause`` s apart); the whole answer until the server closes, and
    whether every piece could be sent."""
    sent_all = True
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        try:
            for piece in pieces:
                s.sendall(piece)
                if pause:
                    time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            sent_all = False
        answer = b""
        try:
            while chunk := s.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    return answer, sent_all


def _answers(raw: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """The responses in ``raw`` (each framed by its Content-Length)."""
    out = []
    while raw:
        head, _, rest = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
        n = int(headers["content-length"])
        out.append((int(lines[0].split()[1]), headers, rest[:n]))
        raw = rest[n:]
    return out


def _problem(raw: bytes, status: int) -> dict[str, object]:
    [(got, headers, body)] = _answers(raw)
    assert got == status, raw[:300]
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    doc = json.loads(body)
    assert doc["status"] == status and doc["type"] == "about:blank"
    assert isinstance(doc, dict)
    return doc


UNREADABLE = {
    "unknown method": (b"FETCH / HTTP/1.1\r\nHost: x\r\n\r\n", "GET, HEAD, POST or OPTIONS"),
    "not http": (b"hello there\r\n\r\n", "Invalid method"),
    "version": (b"GET /healthz HTTP/7.0\r\nHost: x\r\n\r\n", "Invalid HTTP version"),
    "header name": (b"GET /healthz HTTP/1.1\r\nHost: x\r\nNo Name: 1\r\n\r\n", "header token"),
    "length and chunked": (
        b"POST /v1/assessments HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "not both",
    ),
    "length not a number": (
        b"POST /v1/assessments HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n",
        "Content-Length",
    ),
    "byte outside ascii in the path": (
        b"GET /v1/mus\xffcles HTTP/1.1\r\nHost: x\r\n\r\n",
        "percent-encode",
    ),
    "chunk size": (
        b"POST /v1/assessments HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/json\r\n\r\nzz\r\n",
        "chunk size",
    ),
    "authority form": (b"CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n", "path that starts with '/'"),
    "http/2 preface": (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "not HTTP/2"),
}


@pytest.mark.parametrize("name", list(UNREADABLE))
def test_a_request_the_parser_refuses_is_a_problem_that_says_why(
    port: int, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    request, expected = UNREADABLE[name]
    with caplog.at_level(logging.WARNING):
        answer, _ = _exchange(port, request)
        time.sleep(0.1)  # the application's side of a refused body ends after the answer
    doc = _problem(answer, 400)
    assert doc["title"] == "Bad Request"
    detail = str(doc["detail"])
    assert detail.startswith("the request could not be read as HTTP/1.1 (")
    assert expected in detail
    # refused, not failed: nothing is logged as an error (a body cut short included)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # one line that says why, in place of uvicorn's, which does not
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [m for m in messages if "refused with 400: " + detail in m], messages
    assert "Invalid HTTP request received." not in messages


def test_a_head_over_the_limit_in_one_piece_is_431(port: int) -> None:
    headers = b"".join(b"X-Pad-%d: %s\r\n" % (i, b"a" * 100) for i in range(60))
    answer, _ = _exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    doc = _problem(answer, 431)
    assert doc["limit"] == LIMIT and "MUSCLEKB_MAX_HEAD_BYTES" in str(doc["detail"])


def test_a_long_request_line_is_414_and_says_to_post_a_long_query(port: int) -> None:
    line = b"GET /v1/sparql?query=" + b"a" * 2 * LIMIT + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    doc = _problem(_exchange(port, line)[0], 414)
    assert "by POST" in str(doc["detail"])


def test_a_head_that_never_ends_is_refused_without_reading_it_all(port: int) -> None:
    # 4 MiB of one header, in 16 KiB writes: refused after about the limit and one read
    pieces = [b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: "] + [b"a" * 16384] * 256
    start = time.perf_counter()
    answer, sent_all = _exchange(port, *pieces)
    assert _answers(answer)[0][0] == 431
    assert not sent_all  # the server closed the connection before the rest came
    assert time.perf_counter() - start < 10


def test_a_long_request_line_sent_slowly_is_414(port: int) -> None:
    pieces = [b"GET /v1/muscles?q="] + [b"a" * 2048] * 8
    answer, _ = _exchange(port, *pieces, pause=0.01)
    assert _answers(answer)[0][0] == 414


def test_a_body_past_the_head_limit_is_not_counted_as_head(port: int) -> None:
    # one write holding a small head and a body larger than the head limit, then a second
    # request on the same connection: both answered
    finding = {"sign": "sls-knee-valgus", "side": "left", "present": True}
    body = json.dumps({"findings": [finding], "context": {"causes": []}, "pad": "x" * 3 * LIMIT})
    first = (
        b"POST /v1/assessments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body.encode())
    )
    second = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    answers = _answers(_exchange(port, first + second)[0])
    assert [status for status, _, _ in answers][1:] == [200]
    assert answers[0][0] not in (414, 431)


@pytest.mark.parametrize(
    ("broken", "status"),
    [
        pytest.param(b"FETCH / HTTP/1.1\r\nHost: x\r\n\r\n", 400, id="unparsable"),
        pytest.param(
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 2 * LIMIT + b"\r\n\r\n",
            431,
            id="head-too-large",
        ),
        pytest.param(
            b"POST /v1/assessments HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/json\r\n\r\nzz\r\n",
            400,
            id="body-of-a-waiting-request",
        ),
    ],
)
def test_a_refusal_comes_after_the_answers_to_the_requests_before_it(
    port: int, broken: bytes, status: int
) -> None:
    """Pipelined: two good requests, then a broken one, in one write. The two are answered, in
    order, and then the refusal (it was written at once, before them, and they were lost)."""
    good = [
        b"GET /v1/muscles/gluteus-medius HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
    ]
    answers = _answers(_exchange(port, b"".join([*good, broken]))[0])
    assert [a[0] for a in answers] == [200, 200, status]
    assert json.loads(answers[0][2])["id"] == "gluteus-medius"
    assert json.loads(answers[1][2])["status"] == "ok"


def test_a_head_that_stops_coming_after_a_pipelined_request_is_408_after_its_answer(
    port: int,
) -> None:
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\n")
        answer, _ = _closed_after(s)
    assert [a[0] for a in _answers(answer)] == [200, 408]


def test_a_head_within_the_limit_is_served(port: int) -> None:
    headers = b"".join(b"X-Pad-%d: %s\r\n" % (i, b"a" * 100) for i in range(20))
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + b"Connection: close\r\n\r\n"
    assert _answers(_exchange(port, request)[0])[0][0] == 200


def test_a_body_cut_short_is_no_error_in_the_log(
    port: int, caplog: pytest.LogCaptureFixture
) -> None:
    head = (
        b"POST /v1/assessments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000\r\n\r\n"
    )
    with caplog.at_level(logging.WARNING), socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(head + b'{"findings": [')
        time.sleep(0.2)
    time.sleep(0.3)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def _closed_after(s: socket.socket) -> tuple[bytes, float]:
    """What comes on ``s`` until the server closes it, and how long that took."""
    start, answer = time.perf_counter(), b""
    s.settimeout(20)
    while chunk := s.recv(65536):
        answer += chunk
    return answer, time.perf_counter() - start


def _read_one(s: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One response from ``s``, which stays open."""
    s.settimeout(20)
    raw = b""
    while b"\r\n\r\n" not in raw:
        raw += s.recv(65536)
    head = raw.split(b"\r\n\r\n", 1)[0]
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
    while len(raw) < len(head) + 4 + length:
        raw += s.recv(65536)
    [answer] = _answers(raw)
    return answer


def test_a_connection_that_sends_nothing_is_closed_after_the_head_timeout(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as s:
        answer, waited = _closed_after(s)
    assert answer == b""
    assert WAIT * 0.8 < waited < WAIT + 5


def test_a_head_that_stops_coming_is_408(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # no blank line: the head goes on
        answer, waited = _closed_after(s)
    doc = _problem(answer, 408)
    assert "MUSCLEKB_HEAD_TIMEOUT" in str(doc["detail"])
    assert waited < WAIT + 5


def test_the_head_timeout_counts_again_for_each_request_of_a_connection(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as s:
        for _ in range(3):  # each request well within the time, the three together not
            time.sleep(WAIT * 0.4)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert _read_one(s)[0] == 200
        s.sendall(b"GET /healthz HTTP/1.1\r\n")
        answer, _ = _closed_after(s)
    assert _answers(answer)[0][0] == 408


def test_a_head_sent_slowly_but_in_time_is_served(port: int) -> None:
    pieces = [b"GET /healthz HTTP/1.1\r\n", b"Host: x\r\n", b"Connection: close\r\n\r\n"]
    answer, _ = _exchange(port, *pieces, pause=WAIT / 10)
    assert _answers(answer)[0][0] == 200


@pytest.mark.parametrize("upgrade", ["websocket", "h2c"])
def test_an_upgrade_is_answered_as_http_1_1(
    port: int, upgrade: str, caplog: pytest.LogCaptureFixture
) -> None:
    """No route takes a WebSocket: the request is answered as if the header were not there
    (uvicorn's WebSocket handling answered a bare, empty 403), and that is no warning (uvicorn
    warned of each, and advised installing a WebSocket library)."""
    request = (
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, close\r\n"
        b"Upgrade: %s\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        b"Sec-WebSocket-Version: 13\r\n\r\n" % upgrade.encode()
    )
    with caplog.at_level(logging.DEBUG, logger="uvicorn.error"):
        [(status, _, body)] = _answers(_exchange(port, request)[0])
    assert status == 200 and json.loads(body)["status"] == "ok"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.records
    assert [r for r in caplog.records if f"Upgrade: {upgrade}" in r.getMessage()]


def _export(port: int, read_after: float) -> tuple[int, int]:
    """Ask for the whole graph (megabytes), read nothing for ``read_after`` seconds, then all
    that comes: the bytes of the body announced and of the body received."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # the kernel holds little
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /v1/kb/export?format=ntriples HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(read_after)
        s.settimeout(5)
        raw = b""
        try:
            while b"\r\n\r\n" not in raw or len(raw) < len(raw.split(b"\r\n\r\n")[0]) + 4 + int(
                re.search(rb"(?i)content-length: *(\d+)", raw).group(1)  # type: ignore[union-attr]
            ):
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                raw += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    head, _, body = raw.partition(b"\r\n\r\n")
    match = re.search(rb"(?i)content-length: *(\d+)", head)
    return (int(match.group(1)) if match else -1), len(body)


def test_a_client_that_stops_reading_is_dropped_after_the_send_timeout(port: int) -> None:
    announced, received = _export(port, read_after=0)
    assert announced > 1_000_000 and received == announced  # one that reads gets it all
    announced, received = _export(port, read_after=WAIT * 6)
    assert received < announced  # dropped: what waited for it went with the connection


def test_serve_uses_the_protocol_and_its_limit_is_a_setting() -> None:
    options = uvicorn_options()
    assert import_from_string(options["http"]) is ProblemHttpProtocol
    assert options["ws"] == "none"
    assert settings_from({}).max_head_bytes == 64 * 1024
    assert settings_from({"MUSCLEKB_MAX_HEAD_BYTES": "8192"}).max_head_bytes == 8192
    with pytest.raises(ValueError, match="MUSCLEKB_MAX_HEAD_BYTES must be a whole number from"):
        settings_from({"MUSCLEKB_MAX_HEAD_BYTES": "10"})
    assert settings_from({}).head_timeout == 10.0
    assert settings_from({}).send_timeout == 60.0
    assert settings_from({"MUSCLEKB_SEND_TIMEOUT": "5"}).send_timeout == 5.0
    assert settings_from({"MUSCLEKB_HEAD_TIMEOUT": "2.5"}).head_timeout == 2.5
    with pytest.raises(ValueError, match=r"MUSCLEKB_HEAD_TIMEOUT must be a number from 0\.1"):
        settings_from({"MUSCLEKB_HEAD_TIMEOUT": "0"})


def test_the_detail_of_an_error_without_a_message_names_its_kind() -> None:
    assert "(ValueError)" in unreadable_detail(ValueError())
