"""experta imports on this Python (with the newer frozendict and schema), fires a rule, and does
not take over the application's logging."""

import logging
import subprocess
import sys

from musclekb.experta_compat import import_experta


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
