"""experta imports on this Python (with the newer frozendict and schema), fires a rule, and does
not take over the application's logging."""

import logging
import subprocess
import sys

from musclekb.engine import ForwardEngine
from musclekb.experta_compat import import_experta
from musclekb.kb import KnowledgeBase
from musclekb.reasoner import Reasoner
from musclekb.request import parse_request


def test_experta_imports_and_fires_a_rule() -> None:
    experta = import_experta()

    class Greeter(experta.KnowledgeEngine):  # type: ignore[misc]
        fired: list[str]

        @experta.Rule(experta.Fact(sign=experta.MATCH.sign))  # type: ignore[misc]
        def conclude(self, sign: str) -> None:
            self.fired.append(sign)

    engine = Greeter()
    engine.fired = []
    engine.reset()
    engine.declare(experta.Fact(sign="knee-valgus"))
    engine.run()
    assert engine.fired == ["knee-valgus"]


def test_importing_experta_leaves_root_logging_alone() -> None:
    code = (
        "import logging\n"
        "from musclekb.experta_compat import import_experta\n"
        "import_experta()\n"
        "import experta.watchers\n"
        "print(len(logging.getLogger().handlers))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_plain_import_would_configure_logging() -> None:
    """Guard: the neutralisation above is needed (a plain import adds a root handler)."""
    code = "import logging, experta\nprint(len(logging.getLogger().handlers))\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"
    assert logging.getLogger() is not None


def test_the_engines_reset_leaves_what_experta_s_reset_leaves(kb: KnowledgeBase) -> None:
    """``ForwardEngine.reset`` skips experta's signature inspection; the facts and the agenda it
    leaves must be the ones experta's own reset leaves, after a run as before one."""
    experta = import_experta()
    tables = Reasoner(kb).tables
    sign = sorted(kb.signs)[0]
    request = parse_request(kb, {"findings": [{"sign": sign, "side": "left", "present": True}]})

    def state(engine: ForwardEngine) -> tuple[object, ...]:
        facts = [(type(f).__name__, dict(f)) for f in engine.facts.values()]
        agenda = [(a.rule.__name__, [dict(f) for f in a.facts]) for a in engine.agenda.activations]
        return facts, agenda, engine.running

    ours, theirs = ForwardEngine(tables), ForwardEngine(tables)
    for engine in (ours, theirs):
        engine.derive(request, [])
    ours.reset()
    experta.KnowledgeEngine.reset(theirs)
    assert state(ours) == state(theirs)
    assert len(ours.agenda.activations) == 3  # the three stages that match the initial fact
