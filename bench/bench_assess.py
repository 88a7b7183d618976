"""Time per assessment for 1, 10 and 30 findings, on the shipped knowledge base and on synthetic
ones 10x and 100x larger (``bench/synthetic.py``), plus engine build time. Prints median and p99
per size, with and without writing the result out (``to_dict()``: explanations as trees and
sentences), and the ratio of each median to the shipped knowledge base's in the same run. Asserts
nothing: the machines are shared, so compare the ratios.

    uv run python bench/bench_assess.py [--n 300] [--scales 1,10,100] [--gc-threshold 2000]

The garbage collector is set as the service sets it (``musclekb_api``: the loaded state frozen
out of its reach, first threshold ``MUSCLEKB_GC_THRESHOLD``); ``--gc-threshold 0`` measures with
Python's default instead.

Targets: median at most 3 ms for 10 findings on the shipped knowledge base, and at most 1.5x that
on the 100x one.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import copy_id, scaled

import musclekb
from musclekb.reasoner import Reasoner
from musclekb_api.settings import Settings

SIZES = (1, 10, 30)


def _requests(
    kb: musclekb.KnowledgeBase, size: int, n: int, seed: int, copies: int = 1
) -> list[dict[str, object]]:
    """``n`` requests of ``size`` findings each. On a synthetic knowledge base the findings of one
    request come from one copy (one body), chosen at random: the same requests as on the shipped
    knowledge base, with ids from a copy."""
    rng = random.Random(seed)
    signs = sorted(s for s in kb.signs if "--x" not in s)
    out = []
    for _ in range(n):
        findings = []
        k = rng.randrange(copies)
        for original in rng.sample(signs, size):
            sign_id = copy_id(original, k)
            side = rng.choice(["left", "right", "bilateral"]) if kb.signs[sign_id].lateral else None
            findings.append({"sign": sign_id, "side": side, "present": True})
        out.append({"findings": findings})
    return out


def _summary(xs: list[float]) -> tuple[float, float]:
    xs = sorted(xs)
    return statistics.median(xs), xs[min(len(xs) - 1, int(0.99 * len(xs)))]


def _run(
    kb: musclekb.KnowledgeBase, label: str, n: int, copies: int, gc_threshold: int
) -> dict[tuple[int, str], float]:
    start = time.perf_counter()
    reasoner = Reasoner(kb)
    build_ms = (time.perf_counter() - start) * 1000
    # As the service does after start-up: the knowledge base lives as long as the process, so
    # keep the cyclic garbage collector from walking it again and again, and (unless
    # --gc-threshold 0) let it wait for more new objects before it runs.
    gc.collect()
    gc.freeze()
    thresholds = gc.get_threshold()
    if gc_threshold:
        gc.set_threshold(gc_threshold, *thresholds[1:])
    print(
        f"[{label}] {len(kb.rules)} rules, {len(kb.exercises)} exercises, {len(kb.signs)} signs; "
        f"engine build {build_ms:.1f} ms; garbage collector threshold {gc.get_threshold()[0]}"
    )
    medians = {}
    for size in SIZES:
        requests = _requests(kb, size, n, seed=size, copies=copies)
        for r in requests[:20]:
            reasoner.assess(r).to_dict()  # warm up
        derive, full = [], []
        gc.collect()
        for r in requests:
            t0 = time.perf_counter()
            a = reasoner.assess(r)
            t1 = time.perf_counter()
            a.to_dict()
            t2 = time.perf_counter()
            derive.append((t1 - t0) * 1000)
            full.append((t2 - t0) * 1000)
        for name, xs in (("assess()", derive), ("assess()+to_dict()", full)):
            median, p99 = _summary(xs)
            medians[(size, name)] = median
            print(
                f"[{label}] {size:>2} findings  {name:<20} median {median:7.2f} ms   p99 {p99:7.2f} ms"
            )
    gc.set_threshold(*thresholds)
    gc.unfreeze()
    return medians


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument(
        "--gc-threshold",
        type=int,
        default=Settings().gc_threshold,
        help="the garbage collector's first threshold while measuring (default: the service's; "
        "0: Python's own, 700)",
    )
    args = parser.parse_args()
    kb = musclekb.load()
    results = {}
    for factor in (int(x) for x in args.scales.split(",")):
        start = time.perf_counter()
        big = scaled(kb, factor)
        if factor > 1:
            print(
                f"[{factor}x] synthetic knowledge base made in {time.perf_counter() - start:.1f} s"
            )
        results[factor] = _run(big, f"{factor}x", args.n, factor, args.gc_threshold)
    if 1 in results:
        for factor, medians in results.items():
            if factor == 1:
                continue
            ratios = ", ".join(
                f"{size} findings {medians[(size, 'assess()')] / results[1][(size, 'assess()')]:.2f}x"
                for size in SIZES
            )
            print(f"median assess() on {factor}x relative to the shipped knowledge base: {ratios}")


if __name__ == "__main__":
    main()
