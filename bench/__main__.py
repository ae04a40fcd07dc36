"""Run the benchmark suite: `python -m bench [--quick] [--json FILE]`.

Timings on a shared machine drift, so no figure here is an absolute promise. Each group times a baseline in the
same process, right before its subjects, and reports subject / baseline. The domain group's baseline is one
call of a trivial pure-Python function that builds a small dataclass (the floor of any per-call work);
the web group's baseline is `GET /healthz` through the same Flask test client.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench import domain


@dataclass
class Figure:
    group: str
    name: str
    seconds: float
    baseline: float

    @property
    def ratio(self) -> float:
        return self.seconds / self.baseline


def best_of(fn: Callable[[], object], *, repeat: int, number: int) -> float:
    """Seconds per call: the minimum over `repeat` runs of `number` calls (least disturbed by other load)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def run_group(
    group: str,
    baseline: Callable[[], object],
    subjects: dict[str, tuple[Callable[[], object], int]],
    repeat: int,
) -> list[Figure]:
    base = best_of(baseline, repeat=repeat, number=2000)
    return [
        Figure(group, name, best_of(fn, repeat=repeat, number=number), base)
        for name, (fn, number) in subjects.items()
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--skip-web", action="store_true", help="domain and scoring only")
    parser.add_argument("--skip-ledger", action="store_true", help="without the province-year ledger run")
    args = parser.parse_args(argv)
    repeat = 2 if args.quick else 5

    figures = run_group("domain", domain.baseline, domain.subjects(), repeat)
    if not args.skip_ledger:
        # seconds per run: fewer repetitions than the microsecond subjects (each run scores 700,000 adoptions)
        figures += run_group("ledger", domain.baseline, domain.ledger_subjects(), min(repeat, 3))
    if not args.skip_web:
        from bench import web

        with web.prepared(quick=args.quick) as (baseline, subjects):
            figures += run_group("web", baseline, subjects, repeat)

    width = max(len(f.name) for f in figures)
    print(f"{'group':<7} {'benchmark':<{width}} {'per call':>12} {'× baseline':>12}")
    for f in figures:
        per_call = f"{f.seconds:>10.2f} s" if f.seconds >= 1 else f"{f.seconds * 1e6:>10.1f}µs"
        print(f"{f.group:<7} {f.name:<{width}} {per_call:>12} {f.ratio:>12.1f}")
    for group in dict.fromkeys(f.group for f in figures):
        base = next(f.baseline for f in figures if f.group == group)
        print(f"baseline[{group}] = {base * 1e6:.2f}µs per call")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump([f.__dict__ | {"ratio": f.ratio} for f in figures], out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
