#!/usr/bin/env python3
"""The every-language marginal: in one process, after a warm-up card in English, the wallet
card of each (edition, language) pair, each a language the process has not built yet.

    python benchmarks/every_language.py [--same]

Prints one JSON line: the cards built and the seconds each took (localise + render_pdf).
`--same` builds the English card again as many times instead (the same-card marginal).
Run by benchmarks/run.py in a fresh process each time, so nothing of one run is in memory
for the next; what the user's cache holds (converted fonts, checked catalogs) is kept.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("BENCH_ROOT") or str(Path(__file__).resolve().parent.parent))


def main() -> int:
    from leaflets.build import render_pdf
    from leaflets.formats import FORMATS
    from leaflets.i18n import available_locales, localise
    from leaflets.sources.guide import load_guides
    from leaflets.sources.registry import default_registry

    registry = default_registry()
    guides = load_guides(sorted(registry.editions), registry)
    card = FORMATS["card"]
    render_pdf(localise(guides[0], "en"), registry, card, "cr80")  # imports, Latin fonts
    pairs = [(g, loc) for g in guides for loc in sorted(available_locales(g.id)) if loc != "en"]
    if "--same" in sys.argv:
        pairs = [(guides[0], "en")] * len(pairs)
    times = []
    for guide, locale in pairs:
        t = time.perf_counter()
        lg = localise(guide, locale, allow_incomplete=True)
        render_pdf(lg, registry, card, "cr80")
        times.append(time.perf_counter() - t)
    print(json.dumps({"cards": len(times), "times": times}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
