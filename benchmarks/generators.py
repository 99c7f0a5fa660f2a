"""Throughput of every generator in process: sample params, solve, and check the canonical answer.

Budget (DESIGN.md): ≥ 1,000 problems per second for each generator. Generators whose answers are
formulas are checked by SymPy (parsing, printing, a numeric screen and a symbolic confirmation
take milliseconds per answer), so they get a budget of their own: ≥ 50 per second, i.e. a check
well under the 100 ms a person notices.

    python benchmarks/generators.py [--seconds 0.3] [--topic cnn] [--check]

With --check the exit code is 1 when a generator is under budget.
"""

from __future__ import annotations

import argparse
import sys
import time

BUDGET = 1000.0
SYMBOLIC_BUDGET = 50.0


def budget_of(generator) -> float:
    return SYMBOLIC_BUDGET if generator.answer_kind.name == "expression" else BUDGET


def rate(generator, seconds: float) -> float:
    """Problems per second: seeds 0, 1, 2, … each sampled, solved, formatted and checked."""
    from mpcheck.problem import Problem

    Problem.from_seed(generator, 0).check(Problem.from_seed(generator, 0).answer_text)  # warm-up
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        problem = Problem.from_seed(generator, count)
        verdict = problem.check(problem.answer_text)
        if not verdict.correct:
            raise AssertionError(f"{generator.id} seed {count}: canonical answer rejected: {verdict.feedback}")
        count += 1
    return count / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.3, help="time per generator")
    parser.add_argument("--topic", help="only this topic")
    parser.add_argument("--questions", action="store_true", help="include concept questions")
    parser.add_argument("--check", action="store_true", help="exit 1 when a generator is under budget")
    args = parser.parse_args()

    from mpcheck.host import plugins

    generators = [g for g in plugins.registry().generators.values()
                  if (args.questions or g.origin == "generator") and (not args.topic or g.topic == args.topic)]
    results = sorted((rate(g, args.seconds), g.id, budget_of(g)) for g in generators)
    for per_second, gid, budget in results:
        flag = "" if per_second >= budget else "  UNDER BUDGET"
        print(f"{gid:<40}{per_second:>10.0f} /s   (budget {budget:.0f}/s){flag}")
    for label, chosen in (("numeric", BUDGET), ("symbolic", SYMBOLIC_BUDGET)):
        group = [r for r in results if r[2] == chosen]
        if group:
            print(f"slowest {label}: {group[0][1]} at {group[0][0]:.0f}/s (budget {chosen:.0f}/s)")
    return 1 if args.check and any(r < b for r, _, b in results) else 0


if __name__ == "__main__":
    sys.exit(main())
