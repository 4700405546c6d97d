#!/usr/bin/env python3
"""Speed, memory and size of leaflets, against the targets of the release-build issues (and a
Typst card compiled in the same run, where the `typst` package is installed).

    python benchmarks/run.py [--quick] [--suite] [--json benchmarks/results.json]

Not a test: it prints a table and writes JSON. Figures depend on the machine; the targets are
for a 2-core machine. Cold processes run with bytecode (as an installed package has it), in a
bytecode folder of this run's own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {
    "card_ms": ("card marginal, the same card again", 10.0, "ms", "max"),
    "card_cpu_ms": ("  the same, CPU time", 10.0, "ms", "max"),
    "card_untagged_ms": ("  the same, untagged (tagged=False)", None, "ms", "max"),
    "typst_card_ms": ("  Typst: the same card again", None, "ms", "max"),
    "card_ratio": ("  ratio to Typst", None, "x", "max"),
    "every_language_ms": ("card marginal, each card a new language", None, "ms", "max"),
    "every_language_unchecked_ms": ("  the same, no catalog checked before", None, "ms", "max"),
    "typst_every_language_ms": ("  Typst: each card a new language", None, "ms", "max"),
    "every_language_ratio": ("  ratio to Typst (cache warm)", 1.0, "x", "max"),
    "poster_ms": ("marginal time per A4 poster", None, "ms", "max"),
    "leaflet_ms": ("marginal time per A4 leaflet", None, "ms", "max"),
    "card_tagging_ms": ("of which tagging (PDF/UA), per card", None, "ms", "max"),
    "leaflet_tagging_ms": ("of which tagging (PDF/UA), per A4 leaflet", None, "ms", "max"),
    "matrix_j1_s": ("whole release matrix, --jobs 1", None, "s", "max"),
    "matrix_j2_s": ("whole release matrix, --jobs 2 (cache warm)", 5.0, "s", "max"),
    "speedup_j2": ("--jobs 2 speed-up over --jobs 1", 1.7, "x", "min"),
    "verify_card_page_ms": ("verify, per card page", 30.0, "ms", "max"),
    "verify_a4_page_ms": ("verify, per A4 page", 250.0, "ms", "max"),
    "help_cold_ms": ("--help from a cold process", 100.0, "ms", "max"),
    "one_card_cold_ms": ("one-card build from a cold process", 300.0, "ms", "max"),
    "typst_cold_ms": ("  Typst: one card from a cold process", None, "ms", "max"),
    "one_card_cold_ratio": ("  ratio to Typst", None, "x", "max"),
    "one_card_cold_ginstr": ("  instructions (callgrind), the steady figure", None, "G", "max"),
    "python_start_ms": ("  the interpreter's own start (python -c pass)", None, "ms", "max"),
    "card_kb": ("Latin-script card size", 30.0, "KB", "max"),
    "worker_peak_mb": ("peak memory of a worker (whole matrix, --jobs 1)", 150.0, "MB", "max"),
    "suite_s": ("the test suite (pytest -q)", 180.0, "s", "max"),
}

# Cold processes get bytecode, as an installed package has: written once, in a folder of
# this run's own (the checkout stays clean), before anything is timed.
_PYC = Path(tempfile.mkdtemp(prefix="leaflets-bench-pyc-"))
COLD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
COLD_ENV["PYTHONPYCACHEPREFIX"] = str(_PYC)


def best_of(fn, repeat: int) -> float:
    return best_of_both(fn, repeat)[0]


def best_of_both(fn, repeat: int) -> tuple[float, float]:
    """The best wall time and the best CPU time (`time.process_time`) of `repeat` calls: on
    a shared machine the CPU time is the steadier of the two."""
    walls, cpus = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def marginal(fmt: str, paper: str, repeat: int, tagged: bool = True) -> float:
    """Seconds to render one more PDF once fonts, catalogs and QR codes are warm (without
    tagging, to show what it costs, with `tagged=False`)."""
    return marginal_both(fmt, paper, repeat, tagged)[0]


def marginal_both(fmt: str, paper: str, repeat: int, tagged: bool = True) -> tuple[float, float]:
    """`marginal`'s best wall and best CPU seconds."""
    from leaflets.build import render_pdf
    from leaflets.formats import FORMATS
    from leaflets.i18n import localise
    from leaflets.sources.guide import load_guides
    from leaflets.sources.registry import default_registry

    registry = default_registry()
    lg = localise(load_guides(["us"], registry)[0], "en")
    render_pdf(lg, registry, FORMATS[fmt], paper, tagged=tagged)  # warm up
    return best_of_both(
        lambda: render_pdf(lg, registry, FORMATS[fmt], paper, tagged=tagged), repeat
    )


def cold(args: list[str], repeat: int) -> float:
    run = [sys.executable, str(ROOT / "make_leaflets.py"), *args]
    subprocess.run(run, check=True, capture_output=True, env=COLD_ENV)  # bytecode, caches
    return best_of(
        lambda: subprocess.run(run, check=True, capture_output=True, env=COLD_ENV), repeat
    )


def callgrind(args: list[str]) -> int | None:
    """The instructions a cold process runs (valgrind's callgrind, where it is installed):
    the same count for the same code and inputs however busy the machine is, where its
    timings move by a third between runs on a shared virtual machine."""
    if shutil.which("valgrind") is None:
        return None
    subprocess.run([sys.executable, *args], check=True, capture_output=True, env=COLD_ENV)
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, *args],
        capture_output=True,
        text=True,
        env=COLD_ENV,
    )
    found = re.search(r"Collected : (\d+)", out.stderr)
    return int(found.group(1)) if out.returncode == 0 and found else None


def every_language(env: dict | None = None, same: bool = False) -> list[float]:
    """Seconds per card, each (edition, language) pair once, in a fresh process
    (benchmarks/every_language.py)."""
    args = [sys.executable, str(ROOT / "benchmarks" / "every_language.py")] + (
        ["--same"] if same else []
    )
    out = subprocess.run(args, check=True, capture_output=True, text=True, env=env or COLD_ENV)
    return json.loads(out.stdout.strip().splitlines()[-1])["times"]


def unchecked_env(tmp: Path) -> dict:
    """A cache with the converted fonts of the user's cache and nothing else: what a run has
    after a change to every catalog."""
    from leaflets.files import user_cache_dir

    env = dict(COLD_ENV, LEAFLETS_CACHE=str(tmp / "cache"))
    fonts = user_cache_dir() / "fonts" if user_cache_dir() else None
    if fonts and fonts.is_dir():
        shutil.copytree(fonts, tmp / "cache" / "fonts")
    return env


# ----------------------------------------------------------------------------- Typst


def typst_cards() -> list[dict]:
    """The card texts of every (edition, language) pair, English first, with the registry's
    numbers and links in them, as benchmarks/card.typ reads them."""
    from leaflets.i18n import available_locales, localise
    from leaflets.sources.guide import load_guides
    from leaflets.sources.registry import default_registry

    registry = default_registry()
    ids = {r.id: r for r in registry}

    def fill(text: str) -> str:
        def one(m: re.Match) -> str:
            r = ids.get(m.group(1))
            return m.group(0) if r is None else (r.url if m.group(2) else r.display)

        return re.sub(r"\{([a-z0-9-]+)(\.url)?\}", one, text)

    out = []
    for guide in load_guides(sorted(registry.editions), registry):
        for locale in ["en"] + sorted(set(available_locales(guide.id)) - {"en"}):
            lg = localise(guide, locale, allow_incomplete=True)
            msgs = [(c, fill(t)) for c, t, _ in lg.guide.messages() if "|card." in c]
            out.append(
                {
                    "lang": locale.split("-")[0],
                    "title": lg.guide.title,
                    "front": [t for c, t in msgs if "contacts" not in c],
                    "back": [t for c, t in msgs if "contacts" in c],
                    "qr": "qr.svg",
                }
            )
    return out


def typst_figures(tmp: Path, repeat: int) -> dict[str, float]:
    """The Typst card (benchmarks/card.typ, PDF/UA-1 as ours): the same card again, each
    card a new language (a fresh compiler, one English card first), and a cold process."""
    try:
        import typst  # noqa: F401
    except ImportError:
        return {}
    import segno

    root = tmp / "typst"
    root.mkdir()
    shutil.copy(ROOT / "benchmarks" / "card.typ", root / "card.typ")
    from leaflets.sources.registry import default_registry

    rainn = next(r for r in default_registry() if r.id == "rainn")  # the registry's payload
    segno.make(rainn.qr, error="m").save(root / "qr.svg")
    cards = typst_cards()
    (root / "cards.json").write_text(json.dumps(cards, ensure_ascii=False), "utf-8")
    script = f"""
import json, sys, time, typst
cards = json.load(open({str(root / "cards.json")!r}, encoding="utf-8"))
c = typst.Compiler({str(root / "card.typ")!r}, root={str(root)!r},
    font_paths={[str(ROOT / "fonts"), str(ROOT / "fonts" / "cjk")]!r}, ignore_system_fonts=True)
def one(card):
    t = time.perf_counter()
    c.compile(sys_inputs={{"data": json.dumps(card)}}, pdf_standards=["ua-1"])
    return time.perf_counter() - t
if sys.argv[1] == "cold":
    sys.exit(0 if one(cards[0]) else 1)
one(cards[0])
if sys.argv[1] == "same":
    times = [one(cards[0]) for _ in range({repeat})]
else:
    times = [one(card) for card in cards[1:]]
print(json.dumps(times))
"""
    run = [sys.executable, "-c", script]
    same = json.loads(subprocess.run([*run, "same"], check=True, capture_output=True).stdout)
    every = json.loads(subprocess.run([*run, "every"], check=True, capture_output=True).stdout)
    subprocess.run([*run, "cold"], check=True, capture_output=True, env=COLD_ENV)
    cold_s = best_of(
        lambda: subprocess.run([*run, "cold"], check=True, capture_output=True, env=COLD_ENV), 5
    )
    return {
        "typst_card_ms": min(same) * 1000,
        "typst_every_language_ms": statistics.mean(every) * 1000,
        "typst_cold_ms": cold_s * 1000,
    }


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
        env=COLD_ENV,
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
    parser.add_argument("--suite", action="store_true", help="time the test suite too")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results.json")
    args = parser.parse_args()
    repeat = 3 if args.quick else 10
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        wall, cpu = marginal_both("card", "cr80", max(repeat, 20))
        results["card_ms"], results["card_cpu_ms"] = wall * 1000, cpu * 1000
        every_language()  # the user's cache: every catalog checked, every font converted
        results["every_language_ms"] = statistics.mean(every_language()) * 1000
        results["every_language_unchecked_ms"] = (
            statistics.mean(every_language(unchecked_env(tmp))) * 1000
        )
        results.update(typst_figures(tmp, repeat))
        if "typst_card_ms" in results:
            results["card_ratio"] = results["card_ms"] / results["typst_card_ms"]
        if "typst_every_language_ms" in results:
            results["every_language_ratio"] = (
                results["every_language_ms"] / results["typst_every_language_ms"]
            )
        results["poster_ms"] = marginal("poster", "a4", repeat) * 1000
        results["leaflet_ms"] = marginal("leaflet", "a4", max(3, repeat // 3)) * 1000
        untagged = marginal("card", "cr80", max(repeat, 20), tagged=False) * 1000
        results["card_untagged_ms"] = untagged
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
        if "typst_cold_ms" in results:
            results["one_card_cold_ratio"] = results["one_card_cold_ms"] / results["typst_cold_ms"]
        start = [sys.executable, "-c", "pass"]
        results["python_start_ms"] = (
            best_of(lambda: subprocess.run(start, check=True, env=COLD_ENV), 5) * 1000
        )
        instructions = callgrind(
            [str(ROOT / "make_leaflets.py"), "build", "--guide", "us", "--format", "card"]
            + ["--jobs", "1", "--out", str(tmp / "one")]
        )
        if instructions:
            results["one_card_cold_ginstr"] = instructions / 1e9
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
        if args.suite:
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            results["suite_s"] = time.perf_counter() - t
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
