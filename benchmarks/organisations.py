#!/usr/bin/env python3
"""Many organisations in one build, measured: N schools x (wallet card + A4 poster).

    python benchmarks/organisations.py [--rows 200] [--json benchmarks/organisations.json]

Builds a sheet of N schools (every fifth with a logo) at --jobs 1 and --jobs 2, and reports
files per second and the peak memory of the build and of its workers; the peak is measured at
N/4 rows too, so that memory that grows with the number of organisations shows. Not a test.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_MEASURE = """
import resource, sys
sys.argv = ['make_leaflets.py', *sys.argv[1:]]
sys.path.insert(0, {root!r})
from leaflets.cli import main
try:
    main()
except SystemExit as e:
    code = e.code
self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
kids_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"PEAK {{self_mb:.1f}} {{kids_mb:.1f}}", file=sys.stderr)
sys.exit(code)
"""


def sheet(path: Path, rows: int) -> Path:
    shutil.copy(ROOT / "examples" / "northfield-school-logo.png", path.parent / "logo.png")
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "logo", "contact_label", "contact_phone", "contact_region", "paper"])
        for i in range(rows):
            # numbers from Ofcom's range reserved for drama (020 7946 0000 to 0999)
            w.writerow(
                [
                    f"School {i:04d}",
                    "logo.png" if i % 5 == 0 else "",
                    "Safeguarding lead",
                    f"020 7946 {i % 1000:04d}",
                    "GB",
                    "a4",
                ]
            )
    return path


def build(csv_path: Path, out: Path, jobs: int) -> tuple[float, int, float, float]:
    """(seconds, files written, peak MB of the build process, peak MB of a worker)."""
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE.format(root=str(ROOT)), "build"]
        + ["--organisations", str(csv_path), "--guide", "uk-young-people"]
        + ["--format", "card", "--format", "poster", "--paper", "a4"]
        + ["--jobs", str(jobs), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    peak = next(line for line in proc.stderr.splitlines() if line.startswith("PEAK "))
    self_mb, kids_mb = (float(x) for x in peak.split()[1:])
    files = sum(1 for _ in out.rglob("*.pdf"))
    return seconds, files, self_mb, kids_mb


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for rows in (max(1, args.rows // 4), args.rows):
            path = sheet(tmp / f"schools-{rows}.csv", rows)
            for jobs in (1, 2):
                out = tmp / f"out-{rows}-{jobs}"
                seconds, files, self_mb, kids_mb = build(path, out, jobs)
                key = f"rows{rows}_j{jobs}"
                results[f"{key}_files_per_s"] = round(files / seconds, 2)
                results[f"{key}_s"] = round(seconds, 1)
                results[f"{key}_peak_mb"] = round(self_mb, 1)
                results[f"{key}_worker_peak_mb"] = round(kids_mb, 1)
                print(
                    f"{rows:>5} organisations, --jobs {jobs}: {files} files in {seconds:6.1f} s "
                    f"= {files / seconds:5.1f} files/s; peak {self_mb:.0f} MB (build), "
                    f"{kids_mb:.0f} MB (worker)"
                )
                shutil.rmtree(out)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
