"""Load plus validation time of the shipped knowledge base, by stage (prints figures; asserts nothing).

uv run python bench/bench_load.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

from musclekb.build import build_entities
from musclekb.checks import load_checks, run_checks
from musclekb.loader import load
from musclekb.shacl import compile_shapes
from musclekb.sources import default_knowledge_dir, parse_knowledge
from musclekb.validation import load_shapes, support_dir


def _time(fn: object, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    directory = default_knowledge_dir()
    first = time.perf_counter()
    load()
    cold = (time.perf_counter() - first) * 1000
    parse_ms, parsed = _time(lambda: parse_knowledge(directory), args.repeat)
    shapes = load_shapes(directory)
    shacl_ms, _ = _time(lambda: compile_shapes(shapes).validate(parsed.graph), args.repeat)  # type: ignore[attr-defined]
    checks = load_checks(support_dir(directory, "checks"))
    checks_ms, _ = _time(lambda: run_checks(parsed.store, checks, parsed.defined_in), args.repeat)  # type: ignore[attr-defined]
    build_ms, _ = _time(lambda: build_entities(parsed.graph), args.repeat)  # type: ignore[attr-defined]
    total_ms, _ = _time(load, args.repeat)
    print(f"knowledge base: {len(parsed.graph)} triples in {len(parsed.files)} files")  # type: ignore[attr-defined]
    print(f"first load in this process (imports warm, caches cold): {cold:8.1f} ms")
    print(f"median of {args.repeat}:")
    print(f"  parse (Oxigraph -> rdflib)   {parse_ms:8.1f} ms")
    print(f"  SHACL shapes                 {shacl_ms:8.1f} ms")
    print(f"  SPARQL checks                {checks_ms:8.1f} ms")
    print(f"  typed entities               {build_ms:8.1f} ms")
    print(f"  load() total                 {total_ms:8.1f} ms")


if __name__ == "__main__":
    main()
