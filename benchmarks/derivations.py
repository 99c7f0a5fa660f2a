"""Verify every registered derivation in one process and print the total time (budget: 10 s).

    python benchmarks/derivations.py          # a table and the total
    python benchmarks/derivations.py --json   # one JSON object for tools
"""

from __future__ import annotations

import json
import sys
import time

BUDGET_S = 10.0


def main() -> int:
    started = time.perf_counter()
    from mpcheck.host import plugins
    from mpcheck.derive import run

    rows = []
    for name, derivation in sorted(plugins.registry().derivations.items()):
        t0 = time.perf_counter()
        report = run(derivation)
        rows.append({"name": name, "topic": derivation.topic, "steps": len(report.steps),
                     "verified": report.verified, "seconds": round(time.perf_counter() - t0, 3)})
    total = time.perf_counter() - started
    result = {"derivations": rows, "total_s": round(total, 3), "budget_s": BUDGET_S,
              "within_budget": total <= BUDGET_S, "all_verified": all(r["verified"] for r in rows)}
    if "--json" in sys.argv:
        print(json.dumps(result, indent=2))
    else:
        for row in rows:
            mark = "ok " if row["verified"] else "NOT"
            print(f"{mark} {row['seconds']:7.3f} s  {row['steps']:3d} steps  {row['topic']}/{row['name']}")
        print(f"total {total:.2f} s for {len(rows)} derivations (budget {BUDGET_S:g} s, "
              "including loading SymPy and the plugins)")
    return 0 if result["all_verified"] else 1


if __name__ == "__main__":
    sys.exit(main())
