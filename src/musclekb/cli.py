"""The ``musclekb`` command line.

Exit codes: 0 success (for ``validate``: the knowledge base is valid); 1 the knowledge base has
violations; 2 a file cannot be parsed, the directory is missing, or the command was misused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from musclekb.errors import (
    AssessmentInputError,
    KnowledgeError,
    KnowledgeInvalidError,
    MuscleKBError,
)

if TYPE_CHECKING:
    from musclekb.kb import KnowledgeBase

__all__ = ["app", "main"]

app = typer.Typer(
    name="musclekb",
    help="An explainable expert system for muscle imbalances.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DirArg = Annotated[
    Path | None,
    typer.Argument(
        help="Knowledge directory (default: the shipped knowledge base).", show_default=False
    ),
]


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def validate(
    directory: DirArg = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    engine: Annotated[
        str, typer.Option(help="SHACL engine: 'fast' (built in) or 'pyshacl'.")
    ] = "fast",
) -> None:
    """Validate a knowledge directory: exit 0 valid, 1 violations, 2 a file does not parse."""
    from musclekb.validation import validate as run

    if engine not in ("fast", "pyshacl"):
        _fail(f"unknown engine {engine!r}; use 'fast' or 'pyshacl'")
    chosen: Literal["fast", "pyshacl"] = "pyshacl" if engine == "pyshacl" else "fast"
    try:
        report = run(directory, engine=chosen)
    except KnowledgeError as exc:
        _fail(str(exc))
        return
    typer.echo(json.dumps(report.to_dict(), indent=2) if as_json else report.render())
    raise typer.Exit(report.exit_code)


@app.command()
def stats(
    directory: DirArg = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Count the entities of each kind in the knowledge base."""
    from musclekb.loader import load

    try:
        kb = load(directory)
    except KnowledgeInvalidError as exc:  # parses, but breaks its shapes or checks
        _fail(str(exc), 1)
        return
    except MuscleKBError as exc:
        _fail(str(exc))
        return
    info = kb.describe()
    if as_json:
        typer.echo(json.dumps(info, indent=2))
        return
    typer.echo(
        f"musclekb {info['version']}  knowledge {info['content_hash'][:12]}  "
        f"loaded in {info['load_seconds'] * 1000:.0f} ms"
    )
    for kind, count in info["counts"].items():
        typer.echo(f"  {kind:<20} {count:>6}")


def _side_item(text: str, present: bool) -> dict[str, object]:
    sign, _, side = text.partition(":")
    return {"sign": sign, "side": side or None, "present": present}


def _measure_item(text: str) -> dict[str, object]:
    parts = text.split(":")
    if len(parts) != 3:
        _fail(
            f"--measure {text!r}: write MEASURE:LEFT:RIGHT, for example single-leg-bridge-hold:30:14"
        )
    try:
        return {"measure": parts[0], "left": float(parts[1]), "right": float(parts[2])}
    except ValueError:
        _fail(f"--measure {text!r}: LEFT and RIGHT must be numbers")
        raise


RequestFile = Annotated[
    Path | None, typer.Argument(help="A request as JSON or YAML.", show_default=False)
]
Findings = Annotated[
    list[str] | None, typer.Option(help="SIGN[:SIDE] seen (side: left, right, bilateral).")
]
Absent = Annotated[list[str] | None, typer.Option(help="SIGN[:SIDE] looked for, not seen.")]
Measures = Annotated[list[str] | None, typer.Option(help="MEASURE:LEFT:RIGHT.")]
Causes = Annotated[list[str] | None, typer.Option(help="A cause from the history.")]
Pain = Annotated[int, typer.Option(help="Pain, 0-10.")]
Persistent = Annotated[bool, typer.Option(help="The pain is persistent.")]
Equipment = Annotated[list[str] | None, typer.Option(help="Available equipment.")]
Level = Annotated[str | None, typer.Option(help="Experience level.")]


def _request(
    file: Path | None,
    finding: list[str] | None,
    absent: list[str] | None,
    measure: list[str] | None,
    cause: list[str] | None,
    pain: int,
    persistent: bool,
    equipment: list[str] | None,
    level: str | None,
) -> dict[str, object]:
    """The assessment request read from ``file``, or made from the options."""
    import yaml

    if file is not None:
        try:
            loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            _fail(f"cannot read {file}: not UTF-8 text (byte {exc.start}); save it as UTF-8")
            raise
        except (OSError, yaml.YAMLError) as exc:
            _fail(f"cannot read {file}: {exc}")
            raise
        if not isinstance(loaded, dict):
            _fail(f"{file} must hold an object with findings, measurements and context")
        return dict(loaded)
    context: dict[str, object] = {
        "pain": pain,
        "pain_persistent": persistent,
        "causes": cause or [],
    }
    if equipment is not None:
        context["equipment"] = equipment
    if level is not None:
        context["level"] = level
    return {
        "findings": [_side_item(f, True) for f in finding or []]
        + [_side_item(f, False) for f in absent or []],
        "measurements": [_measure_item(m) for m in measure or []],
        "context": context,
    }


@app.command()
def assess(
    file: RequestFile = None,
    finding: Findings = None,
    absent: Absent = None,
    measure: Measures = None,
    cause: Causes = None,
    pain: Pain = 0,
    persistent: Persistent = False,
    equipment: Equipment = None,
    level: Level = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")] = False,
    explain: Annotated[
        str,
        typer.Option(
            help="With --json, how explanations are written: linked (each muscle state once, "
            "referred to by the imbalances), nested, sentences or none."
        ),
    ] = "linked",
) -> None:
    """Assess findings: ranked imbalances, a corrective plan and advisories, with explanations."""
    from musclekb.api_functions import assess as run

    request = _request(file, finding, absent, measure, cause, pain, persistent, equipment, level)
    try:
        result = run(request)
        text = json.dumps(result.to_dict(explain=explain), indent=2) if as_json else result.render()
    except MuscleKBError as exc:
        _fail(str(exc))
        return
    typer.echo(text)


def _same_target(kb: KnowledgeBase, named: object, target: str) -> bool:
    """Whether a request file's ``target`` and the command's name one imbalance or exercise (by
    id, label or synonym); a name that names nothing is left to the answer to report."""
    from musclekb.request import parse_target

    if named == target:
        return True
    try:
        return parse_target(kb, named) == parse_target(kb, target)
    except AssessmentInputError:
        return False


@app.command("why-not")
def why_not(
    target: Annotated[
        str, typer.Argument(help="An imbalance id or an exercise id.", show_default=False)
    ],
    file: RequestFile = None,
    finding: Findings = None,
    absent: Absent = None,
    measure: Measures = None,
    cause: Causes = None,
    pain: Pain = 0,
    persistent: Persistent = False,
    equipment: Equipment = None,
    level: Level = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
) -> None:
    """Why an imbalance was not concluded (each rule that could conclude it, per side, and the
    status of each premise), or why an exercise is not in the plan, after assessing the request.
    A request file may be a why-not body of the API: its "target" must then be TARGET."""
    from musclekb.api_functions import reasoner_for
    from musclekb.why_not_text import render_why_not

    request = _request(file, finding, absent, measure, cause, pain, persistent, equipment, level)
    reasoner = reasoner_for()
    named = request.pop("target", target)  # a why-not body saved from the API names it too
    if not _same_target(reasoner.kb, named, target):
        _fail(
            f"{file} names the target {named!r} but the command asks about {target!r}: "
            f'remove "target" from the file, or ask about {named!r}'
        )
    try:
        answer = reasoner.why_not(request, target)
    except MuscleKBError as exc:
        _fail(str(exc))
        return
    typer.echo(json.dumps(answer, indent=2) if as_json else render_why_not(answer))


def _check_address(host: str, port: int) -> None:
    """Stop with exit 2 and a plain message when ``host:port`` cannot be listened on (an address
    that does not resolve, or is not this machine's; a port in use), before any worker starts:
    bind it as the server will (``musclekb_api.workers.bind``), and let it go."""
    import errno
    import socket

    from musclekb_api.workers import bind

    try:
        bind(host, port).close()
    except socket.gaierror as exc:
        _fail(
            f"cannot listen on host {host!r}: {exc.strerror or exc}; give an address of this "
            "machine, such as 127.0.0.1 or 0.0.0.0"
        )
    except OSError as exc:
        advice = {
            errno.EADDRINUSE: "choose another --port",
            errno.EACCES: "ports below 1024 need privileges: choose another --port",
            errno.EADDRNOTAVAIL: "give an address of this machine, such as 127.0.0.1",
        }.get(exc.errno or 0, "check --host and --port")
        _fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}; {advice}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (each loads its own engine at start).")
    ] = 1,
    knowledge: Annotated[
        Path | None, typer.Option(help="Knowledge directory (default: the shipped one).")
    ] = None,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log every request.")
    ] = True,
    log_level: Annotated[
        str, typer.Option(help="critical, error, warning, info, debug or trace.")
    ] = "info",
) -> None:
    """Serve the HTTP API (and the web page) with uvicorn, on uvloop and httptools.

    With several workers, they share one listening socket and take turns to accept, so that each
    holds about as many connections as the others (on Windows, uvicorn's own workers serve).

    The knowledge base and the settings (MUSCLEKB_* environment variables) are checked once here,
    so that a broken knowledge base stops the command instead of every worker; then each worker
    loads the knowledge base and builds its engine in its lifespan, before taking requests.
    """
    import os

    import uvicorn

    from musclekb.loader import load
    from musclekb_api.protocol import uvicorn_options
    from musclekb_api.settings import settings_from, unknown_settings
    from musclekb_api.workers import WorkerStartError, balanced_workers_supported, run_workers

    levels = ("critical", "error", "warning", "info", "debug", "trace")
    if log_level not in levels:
        _fail(f"unknown log level {log_level!r}; use one of {', '.join(levels)}")
    if knowledge is not None:
        os.environ["MUSCLEKB_KNOWLEDGE"] = str(knowledge.resolve())
    for warning in unknown_settings(os.environ):
        typer.echo(f"warning: {warning}", err=True)
    try:
        settings_from(os.environ)
        load(knowledge)
    except (MuscleKBError, ValueError) as exc:
        _fail(str(exc))
    _check_address(host, port)
    options = uvicorn_options(access_log=access_log, log_level=log_level)
    if workers > 1 and balanced_workers_supported():
        typer.echo(f"serving http://{host}:{port} with {workers} worker processes", err=True)
        try:
            run_workers(options, host, port, workers)
        except OSError as exc:
            _fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
        except WorkerStartError as exc:
            _fail(str(exc))
        return
    uvicorn.run(host=host, port=port, workers=workers, **options)


@app.command()
def vocab(
    check: Annotated[
        bool, typer.Option("--check", help="Only check that vocab.py is up to date.")
    ] = False,
) -> None:
    """Regenerate src/musclekb/vocab.py from knowledge/schema.ttl."""
    from musclekb.sources import default_knowledge_dir
    from musclekb.vocabgen import sync_vocab, vocab_module_path

    schema = default_knowledge_dir() / "schema.ttl"
    try:
        fresh, message = sync_vocab(schema, vocab_module_path(), check=check)
    except (OSError, SyntaxError) as exc:  # no schema, or Turtle that does not parse
        _fail(f"cannot read {schema}: {exc}")
        return
    if check and not fresh:
        _fail(message, 1)
    typer.echo(message)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
