"""Layout read back from the PDFs: markers that mean what they say, the helpline as the
poster's hero, DRAFT where it is seen, QR codes in a calm grid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from leaflets.build import render_pdf
from leaflets.errors import SourceError
from leaflets.files import write_atomic
from leaflets.formats import FORMATS
from leaflets.i18n import localise
from leaflets.sources.guide import load_guide

from .conftest import pdf_text

CROSSES = "×✗✘"  # what reads as "false" or "don't"
OTHER = {"us": "ru", "uk-young-people": "pl"}
BUILDS = [("poster", "a4"), ("card", "cr80"), ("leaflet", "a4")]


def build(guide, registry, out: Path, fmt: str, paper: str, locale: str = "en") -> Path:
    path = out / guide.id / locale / f"{fmt}-{paper}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, render_pdf(localise(guide, locale), registry, FORMATS[fmt], paper).data)
    return path


@pytest.fixture(scope="module")
def marked(tmp_path_factory, guides, registry):
    """Poster, card and leaflet of both editions in English and a language of long words."""
    out = tmp_path_factory.mktemp("markers")
    return {
        (gid, loc, fmt): (localise(g, loc).guide, build(g, registry, out, fmt, paper, loc))
        for gid, g in guides.items()
        for loc in ("en", OTHER[gid])
        for fmt, paper in BUILDS
    }


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\ufffe", "").replace("\u00ad", ""))


def _lists(guide):
    return [
        (guide.card.steps_kind, guide.card.steps),
        (guide.poster.donts_kind, guide.poster.donts),
    ]


@pytest.mark.parametrize("gid", ["us", "uk-young-people"])
@pytest.mark.parametrize("translated", [False, True])
@pytest.mark.parametrize("fmt", [f for f, _ in BUILDS])
def test_a_cross_stands_only_before_a_dont(marked, gid, translated, fmt):
    guide, path = marked[gid, OTHER[gid] if translated else "en", fmt]
    text = _flat(pdf_text(path))
    dont_starts = []
    for kind, items in _lists(guide):
        for item in items:
            start = _flat(item)[:24]
            before = [text[: m.start()].rstrip()[-1:] for m in re.finditer(re.escape(start), text)]
            if not before:  # this format does not print the list (the card has no don'ts)
                continue
            crossed = [b for b in before if b and b in CROSSES]
            if kind == "dont":  # the poster's list is crossed (the leaflet's own text is not)
                assert crossed or fmt != "poster", f"{fmt}: {start!r} has no cross before it"
                dont_starts.append(start)
            else:
                assert not crossed, f"{fmt}: a cross before {kind} item {start!r}"
    # and every cross on the page opens one of the don'ts
    for m in re.finditer(f"[{CROSSES}]", text):
        after = text[m.end() :].lstrip()
        assert any(after.startswith(s) for s in dont_starts), f"{fmt}: cross before {after[:30]!r}"


def test_the_uk_reassurances_are_not_crossed(marked):
    guide, path = marked["uk-young-people", "en", "poster"]
    assert guide.poster.donts_kind == "facts"
    text = _flat(pdf_text(path))
    assert "• It’s never too late to get help." in text
    assert not any(c in text for c in CROSSES)


def test_the_us_donts_are_crossed(marked):
    guide, path = marked["us", "en", "poster"]
    text = _flat(pdf_text(path))
    assert sum(text.count(c) for c in CROSSES) == len(guide.poster.donts) == 4


@pytest.mark.parametrize(
    "change, message",
    [
        (('donts_kind = "dont"\n', ""), "poster donts_kind '' is not one of do, dont, facts"),
        (('donts_kind = "dont"', 'donts_kind = "warning"'), "donts_kind 'warning' is not one"),
        (('steps_kind = "do"', 'steps_kind = "steps"'), "card steps_kind 'steps' is not one"),
    ],
)
def test_a_list_without_a_known_kind_is_one_line(tmp_path, registry, change, message):
    src = (Path(__file__).parent.parent / "leaflets/data/guides/us.toml").read_text("utf-8")
    assert change[0] in src
    bad = tmp_path / "us.toml"
    bad.write_text(src.replace(change[0], change[1], 1), "utf-8")
    with pytest.raises(SourceError) as err:
        load_guide(bad, registry)
    assert str(err.value).startswith("us.toml: ") and message in str(err.value)
    assert "\n" not in str(err.value)
