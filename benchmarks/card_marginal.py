#!/usr/bin/env python3
"""The card marginal (the same English card again, `render_pdf` in one warm process), tagged
and untagged, wall and CPU time, for one or more checkouts measured in turn: on a shared
machine only interleaved runs compare.

    python benchmarks/card_marginal.py [--rounds 6] [--renders 40] [CHECKOUT ...]

Each round runs a fresh process per checkout (default: this one) and takes the best of
`--renders` renders; the table gives the best of all rounds. To compare with the code before
a change: ``git archive <commit> | tar -x -C /tmp/before`` and pass both folders.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ONE = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from leaflets.build import render_pdf
from leaflets.formats import FORMATS
from leaflets.i18n import localise
from leaflets.sources.guide import load_guides
from leaflets.sources.registry import default_registry
registry = default_registry()
lg = localise(load_guides(["us"], registry)[0], "en")
out = {}
for tagged in (True, False):
    render_pdf(lg, registry, FORMATS["card"], "cr80", tagged=tagged)
    walls, cpus = [], []
    for _ in range(int(sys.argv[2])):
        w, c = time.perf_counter(), time.process_time()
        render_pdf(lg, registry, FORMATS["card"], "cr80", tagged=tagged)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    out["tagged" if tagged else "untagged"] = [min(walls) * 1000, min(cpus) * 1000]
print(json.dumps(out))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs="*", type=Path, default=[ROOT])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--renders", type=int, default=40)
    args = parser.parse_args()
    best: dict[Path, dict[str, list[float]]] = {}
    for _ in range(args.rounds):
        for where in args.checkouts:
            run = [sys.executable, "-c", ONE, str(where.resolve()), str(args.renders)]
            got = json.loads(subprocess.run(run, check=True, capture_output=True).stdout)
            mine = best.setdefault(where, {})
            for key, (wall, cpu) in got.items():
                old = mine.get(key, [wall, cpu])
                mine[key] = [min(old[0], wall), min(old[1], cpu)]
    print(f"{'checkout':<40} {'tagged wall/CPU ms':>20} {'untagged wall/CPU ms':>22}")
    for where, got in best.items():
        t, u = got["tagged"], got["untagged"]
        print(f"{str(where):<40} {t[0]:>9.2f} / {t[1]:<8.2f} {u[0]:>11.2f} / {u[1]:<8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
