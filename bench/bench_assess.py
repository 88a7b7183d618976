"""Time per assessment on the shipped knowledge base for 1, 10 and 30 findings, plus engine build
time (prints median and p99; asserts nothing).

    uv run python bench/bench_assess.py [--n 300]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import musclekb
from musclekb.reasoner import Reasoner


def _requests(kb: musclekb.KnowledgeBase, size: int, n: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    signs = sorted(kb.signs)
    out = []
    for _ in range(n):
        findings = []
        for sign_id in rng.sample(signs, size):
            side = rng.choice(["left", "right", "bilateral"]) if kb.signs[sign_id].lateral else None
            findings.append({"sign": sign_id, "side": side, "present": True})
        out.append({"findings": findings})
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    kb = musclekb.load()
    start = time.perf_counter()
    reasoner = Reasoner(kb)
    print(
        f"engine build: {(time.perf_counter() - start) * 1000:.1f} ms "
        f"({len(kb.rules)} rules, {len(kb.exercises)} exercises)"
    )
    for size in (1, 10, 30):
        requests = _requests(kb, size, args.n, seed=size)
        for r in requests[:20]:
            reasoner.assess(r).to_dict()  # warm up
        derive, full = [], []
        for r in requests:
            t0 = time.perf_counter()
            a = reasoner.assess(r)
            t1 = time.perf_counter()
            a.to_dict()
            t2 = time.perf_counter()
            derive.append((t1 - t0) * 1000)
            full.append((t2 - t0) * 1000)
        for name, xs in (("assess()", derive), ("assess()+to_dict()", full)):
            xs.sort()
            p99 = xs[min(len(xs) - 1, int(0.99 * len(xs)))]
            print(
                f"{size:>2} findings  {name:<20} median {statistics.median(xs):7.2f} ms   p99 {p99:7.2f} ms"
            )


if __name__ == "__main__":
    main()
