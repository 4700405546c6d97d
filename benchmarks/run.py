#!/usr/bin/env python3
"""Speed, memory and size of leaflets, against the targets of the release-build issue.

    python benchmarks/run.py [--quick] [--json benchmarks/results.json]

Not a test: it prints a table and writes JSON. Figures depend on the machine; the targets are
for a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {
    "card_ms": ("marginal time per wallet card", 10.0, "ms", "max"),
    "poster_ms": ("marginal time per A4 poster", None, "ms", "max"),
    "leaflet_ms": ("marginal time per A4 leaflet", None, "ms", "max"),
    "card_tagging_ms": ("of which tagging (PDF/UA), per card", None, "ms", "max"),
    "leaflet_tagging_ms": ("of which tagging (PDF/UA), per A4 leaflet", None, "ms", "max"),
    "matrix_j1_s": ("whole release matrix, --jobs 1", None, "s", "max"),
    "matrix_j2_s": ("whole release matrix, --jobs 2", None, "s", "max"),
    "speedup_j2": ("--jobs 2 speed-up over --jobs 1", 1.6, "x", "min"),
    "verify_card_page_ms": ("verify, per card page", 30.0, "ms", "max"),
    "verify_a4_page_ms": ("verify, per A4 page", 250.0, "ms", "max"),
    "help_cold_ms": ("--help from a cold process", 150.0, "ms", "max"),
    "one_card_cold_ms": ("one-card build from a cold process", 300.0, "ms", "max"),
    "card_kb": ("Latin-script card size", 30.0, "KB", "max"),
    "worker_peak_mb": ("peak memory of a worker (whole matrix, --jobs 1)", 150.0, "MB", "max"),
}


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def marginal(fmt: str, paper: str, repeat: int, tagged: bool = True) -> float:
    """Seconds to render one more PDF once fonts, catalogs and QR codes are warm (without
    tagging, to show what it costs, with `tagged=False`)."""
    from leaflets.build import render_pdf
    from leaflets.formats import FORMATS
    from leaflets.i18n import localise
    from leaflets.sources.guide import load_guides
    from leaflets.sources.registry import default_registry

    registry = default_registry()
    lg = localise(load_guides(["us"], registry)[0], "en")
    render_pdf(lg, registry, FORMATS[fmt], paper, tagged=tagged)  # warm up
    return best_of(lambda: render_pdf(lg, registry, FORMATS[fmt], paper, tagged=tagged), repeat)


def cold(args: list[str], repeat: int) -> float:
    return best_of(
        lambda: subprocess.run(
            [sys.executable, str(ROOT / "make_leaflets.py"), *args], check=True, capture_output=True
        ),
        repeat,
    )


def matrix(workers: int, out: Path) -> tuple[float, float]:
    """Seconds for the whole matrix, and the peak memory (MB) of the build process."""
    t = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import resource, sys; sys.argv=['make_leaflets.py', *sys.argv[1:]]\n"
            "from leaflets.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)",
            "build",
            "--guide",
            "all",
            "--locale",
            "all",
            "--format",
            "all",
            "--paper",
            "all",
            "--jobs",
            str(workers),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - t
    peak_kb = int(proc.stderr.strip().splitlines()[-1])
    return elapsed, peak_kb / 1024


def verify_per_page(path: Path, repeat: int) -> float:
    from leaflets.sources.registry import default_registry
    from leaflets.verify import check_file

    registry = default_registry()
    pages = 2 if "card" in path.name or "leaflet" in path.name else 1
    check_file(path, registry)
    return best_of(lambda: check_file(path, registry), repeat) / pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no matrix")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results.json")
    args = parser.parse_args()
    repeat = 3 if args.quick else 10
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        results["card_ms"] = marginal("card", "cr80", repeat) * 1000
        results["poster_ms"] = marginal("poster", "a4", repeat) * 1000
        results["leaflet_ms"] = marginal("leaflet", "a4", max(3, repeat // 3)) * 1000
        untagged = marginal("card", "cr80", repeat, tagged=False) * 1000
        results["card_tagging_ms"] = results["card_ms"] - untagged
        untagged = marginal("leaflet", "a4", max(3, repeat // 3), tagged=False) * 1000
        results["leaflet_tagging_ms"] = results["leaflet_ms"] - untagged
        results["help_cold_ms"] = cold(["--help"], 5) * 1000
        results["one_card_cold_ms"] = (
            cold(
                [
                    "build",
                    "--guide",
                    "us",
                    "--format",
                    "card",
                    "--jobs",
                    "1",
                    "--out",
                    str(tmp / "one"),
                ],
                3,
            )
            * 1000
        )
        card = tmp / "one" / "us" / "en" / "card-cr80.pdf"
        results["card_kb"] = card.stat().st_size / 1024
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "make_leaflets.py"),
                "build",
                "--guide",
                "us",
                "--format",
                "poster",
                "--paper",
                "a4",
                "--jobs",
                "1",
                "--out",
                str(tmp / "one"),
            ],
            check=True,
            capture_output=True,
        )
        results["verify_card_page_ms"] = verify_per_page(card, repeat) * 1000
        results["verify_a4_page_ms"] = (
            verify_per_page(tmp / "one" / "us" / "en" / "poster-a4.pdf", max(3, repeat // 3)) * 1000
        )
        if not args.quick:
            results["matrix_j1_s"], results["worker_peak_mb"] = matrix(1, tmp / "j1")
            results["matrix_j2_s"], _ = matrix(2, tmp / "j2")
            results["speedup_j2"] = results["matrix_j1_s"] / results["matrix_j2_s"]
            sizes = [p.stat().st_size for p in (tmp / "j1").rglob("*.pdf")]
            results["matrix_files"] = len(sizes)
            results["matrix_mb"] = sum(sizes) / 1024 / 1024
    print(f"{'measure':<48} {'value':>10}  {'target':>10}  result")
    for key, (label, target, unit, sense) in TARGETS.items():
        if key not in results:
            continue
        value = results[key]
        if target is None:
            verdict, shown = "", "-"
        else:
            ok = value <= target if sense == "max" else value >= target
            verdict, shown = (
                ("met" if ok else "MISSED"),
                f"{'<=' if sense == 'max' else '>='}{target:g} {unit}",
            )
        print(f"{label:<48} {value:>8.1f} {unit:<2} {shown:>10}  {verdict}")
    if "matrix_files" in results:
        print(
            f"{'release matrix: files, total size':<48} {results['matrix_files']:>8.0f}    "
            f"{results['matrix_mb']:.1f} MB"
        )
    machine = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({"machine": machine, "results": results}, indent=2, sort_keys=True) + "\n"
    )
    print(f"written: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
