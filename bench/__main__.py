"""Run the benchmark suite: `python -m bench [--quick] [--reuse] [--json FILE]` (`make bench`).

Two parts: the pure groups below (domain and scoring calls, a province-year of the ledger engine), and the
province bench (`bench.runner`): a generated province served by gunicorn, every page of issue 12 measured over
HTTP.

Timings on a shared machine drift, so no figure here is an absolute promise. Each group times a baseline in the
same process, right before its subjects, and reports subject / baseline. The domain group's baseline is one
call of a trivial pure-Python function that builds a small dataclass (the floor of any per-call work);
the web group's baseline is `GET /healthz` through the same Flask test client.
"""

from __future__ import annotations

import argparse
import json
import os
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
    parser.add_argument(
        "--quick", action="store_true", help="a small province and fewer requests (smoke run, < 1 min)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the generated databases between runs (generated again once a run used up the POST pages' cases)",
    )
    parser.add_argument("--size", choices=["full", "quick", "tiny"], default="full", help="province size")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or None,
                        help="PostgreSQL URL (database name must contain 'bench'); default SQLite under instance/bench")  # fmt: skip
    parser.add_argument(
        "--requests", type=int, default=None, help="requests per page (default 200, quick 24)"
    )
    parser.add_argument("--max-seconds", type=float, default=None, help="time budget per page (default 40 s)")
    parser.add_argument("--tick-timeout", type=float, default=1800.0, help="seconds kaoping tick may take")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--warmup", type=int, default=None, help="clients that send a warm-up request per page (default all)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="rounds the pages and the baseline are timed in, a share of the requests each (default 4, quick 1)",
    )
    parser.add_argument("--json", help="where to write the results (default bench/results/latest.json)")
    parser.add_argument("--skip-domain", action="store_true", help="without the domain and ledger groups")
    parser.add_argument(
        "--skip-ledger", action="store_true", help="without the pure province-year ledger run"
    )
    parser.add_argument("--skip-province", action="store_true", help="domain and scoring only")
    parser.add_argument(
        "--test-client", action="store_true", help="also the in-process test-client web group"
    )
    args = parser.parse_args(argv)
    repeat = 2 if args.quick else 5
    if args.requests is None:
        args.requests = 24 if args.quick else 200
    if args.max_seconds is None:
        args.max_seconds = 8.0 if args.quick else 40.0
    if args.rounds is None:
        args.rounds = 1 if args.quick else 4
    args.rounds = max(1, min(args.rounds, args.requests))

    figures: list[Figure] = []
    if not args.skip_domain:
        figures += run_group("domain", domain.baseline, domain.subjects(), repeat)
        if not args.skip_ledger and not args.quick:
            # seconds per run: fewer repetitions than the microsecond subjects (each run scores 700,000 adoptions)
            figures += run_group("ledger", domain.baseline, domain.ledger_subjects(), min(repeat, 3))
    if args.test_client:
        from bench import web

        with web.prepared(quick=args.quick) as (baseline, subjects):
            figures += run_group("web", baseline, subjects, repeat)
    if figures:
        print_figures(figures)
    if not args.skip_province:
        from bench import runner

        report = runner.run(args)
        if figures:
            report["domain"] = [f.__dict__ | {"ratio": f.ratio} for f in figures]
            out = args.json or str(runner.RESULTS / "latest.json")
            with open(out, "w", encoding="utf-8") as handle:
                json.dump(report, handle, ensure_ascii=False, indent=2)
                handle.write("\n")
        failed = [page["name"] for page in report["pages"] if page.get("errors")]
        if failed:
            print(f"pages that answered errors (their figures are not results): {', '.join(failed)}")
            return 1
    return 0


def print_figures(figures: list[Figure]) -> None:
    width = max(len(f.name) for f in figures)
    print(f"{'group':<7} {'benchmark':<{width}} {'per call':>12} {'× baseline':>12}")
    for f in figures:
        per_call = f"{f.seconds:>10.2f} s" if f.seconds >= 1 else f"{f.seconds * 1e6:>10.1f}µs"
        print(f"{f.group:<7} {f.name:<{width}} {per_call:>12} {f.ratio:>12.1f}")
    for group in dict.fromkeys(f.group for f in figures):
        base = next(f.baseline for f in figures if f.group == group)
        print(f"baseline[{group}] = {base * 1e6:.2f}µs per call")


if __name__ == "__main__":
    sys.exit(main())
