"""The sources: every seed sentence is in its guide, the registry validates, and no number or
link lives anywhere but the registry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from leaflets.errors import SourceError
from leaflets.sources.guide import load_guide
from leaflets.sources.placeholders import PLACEHOLDER, fill, placeholders
from leaflets.sources.registry import load_registry

from .conftest import ROOT, SEEDS


def _norm(s: str) -> str:
    s = s.translate(
        str.maketrans(
            {"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "}
        )
    )
    return " ".join(s.split())


def _guide_text(guide) -> str:
    text = " ".join(t for _, t, _ in guide.messages())
    return _norm(PLACEHOLDER.sub("", text))


def _sentences(seed_text: str) -> list[str]:
    out = []
    for line in seed_text.splitlines():
        line = line.strip().lstrip("-•").strip()
        for s in re.split(r"(?<=[.?!])\s*", line):
            s = _norm(s).strip()
            if s:
                out.append(s)
    return out


@pytest.mark.parametrize("gid", ["us", "uk-young-people"])
def test_every_seed_sentence_is_in_its_guide(guides, gid):
    guide = guides[gid]
    seed = (SEEDS / guide.seed).read_text("utf-8")
    # numbers and links the seed writes literally become placeholders in the guide
    for form in sorted(guide.seed_forms, key=len, reverse=True):
        seed = seed.replace(form, "")
    text = _guide_text(guide)
    missing = [
        s
        for s in _sentences(seed)
        if _norm(re.sub(r"\(\s*\)", "", s)).strip(" .") not in re.sub(r"\(\s*\)", "", text)
    ]
    assert not missing, f"{len(missing)} seed sentences missing, first: {missing[:3]}"


def test_shared_seeds_match_the_copies():
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not beside this clone")
    for copy in SEEDS.glob("*.txt"):
        assert copy.read_bytes() == (shared / copy.name).read_bytes(), copy.name


@pytest.mark.parametrize("gid", ["us", "uk-young-people"])
def test_guides_hold_no_number_or_link(guides, gid):
    for ctx, text, _ in guides[gid].messages():
        bare = PLACEHOLDER.sub("", text)
        assert not re.search(r"\d{3}", bare), ctx
        assert not re.search(r"https?:|www\.|\.(org|gov|uk|com)\b", bare), ctx


def test_no_number_or_link_in_python_code():
    pattern = re.compile(
        r"(\+?1[-. ]?)?\(?[0-9]{3}\)?[-. ][0-9]{3}[-. ][0-9]{4}|0800 ?1111|\+\d{9,}"
        r"|https?://[a-z0-9.-]+\.(org|gov|uk|com)"
    )
    files = list((ROOT / "leaflets").rglob("*.py")) + [ROOT / "make_leaflets.py"]
    hits = [
        f"{f.name}:{i}"
        for f in files
        for i, line in enumerate(f.read_text("utf-8").splitlines(), 1)
        if pattern.search(line) and "xmlns:" not in line  # XML namespace names are not links
    ]
    assert not hits


def test_registry_loads_every_fact(registry):
    ids = {r.id for r in registry}
    assert {
        "emergency-us",
        "rainn",
        "rainn-chat",
        "ccri",
        "cybertipline",
        "take-it-down",
        "fbi",
        "fbi-tips",
        "ic3",
        "fbi-sextortion",
        "doj-know-your-rights",
        "childline",
        "childline-chat",
        "ceop",
        "emergency-uk",
    } == ids
    assert registry["rainn"].tel == "+18006564673"
    assert registry["childline"].display == "0800 1111"
    assert "/atj/" in registry["doj-know-your-rights"].url


def test_placeholders_fill_from_the_registry(registry):
    assert fill("call {rainn} or {rainn-chat}", registry) == (
        f"call {registry['rainn'].display} or {registry['rainn-chat'].display}"
    )
    assert fill("{ic3.url}", registry) == registry["ic3"].url
    assert placeholders("a {ccri} b {ic3.url}") == ["{ccri}", "{ic3.url}"]


def _registry_with(tmp_path: Path, old: str, new: str) -> Path:
    src = (ROOT / "leaflets" / "data" / "resources.toml").read_text("utf-8")
    assert old in src
    p = tmp_path / "resources.toml"
    p.write_text(src.replace(old, new, 1), "utf-8")
    return p


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('tel = "+18006564673"', 'tel = "+1800656467"', "resource rainn: tel +1800656467 is not"),
        (
            'display = "1-800-656-HOPE (4673)"',
            'display = "1-800-656-HOPE (4674)"',
            "resource rainn: the gloss (4674)",
        ),
        (
            'display = "1-844-878-2274"',
            'display = "1-844-878-2275"',
            "resource ccri: display '1-844-878-2275' dials +18448782275, not +18448782274",
        ),
        ('qr = "tel:+18006564673"', 'qr = "tel:+18006564674"', "resource rainn: qr"),
        (
            'url = "https://report.cybertip.org/"',
            'url = "http://report.cybertip.org/"',
            "resource cybertipline: url 'http://report.cybertip.org/' must start with https://",
        ),
        ('display = "ic3.gov"', 'display = "ic3.gov.example"', "resource ic3: display"),
        ('region = "GB"\nurl', 'region = "US"\nurl', "resource childline: tel +448001111 belongs"),
        ('tel = "999"', 'tel = "998"', "resource emergency-uk: tel 998 is neither"),
        ("verified = 2026-11-25", 'verified = "2026-11-25"', "verified must be a date"),
        ("verified = 2026-11-25", "verified = 2026-11-25T10:00:00", "without a time"),
        ("verified = 2026-11-25", "verified = 2099-01-01", "verified 2099-01-01 is in the future"),
        ('short_name = "CCRI"', 'short_name = "CCRI"\ncolour = "red"', "unknown field(s) colour"),
    ],
)
def test_a_bad_registry_entry_stops_with_one_line(tmp_path, old, new, message):
    with pytest.raises(SourceError) as e:
        load_registry(_registry_with(tmp_path, old, new))
    assert message in str(e.value)
    assert "\n" not in str(e.value)


def test_a_guide_placeholder_must_name_an_entry(tmp_path, registry):
    src = (ROOT / "leaflets" / "data" / "guides" / "us.toml").read_text("utf-8")
    p = tmp_path / "us.toml"
    p.write_text(src.replace("call {ccri}", "call {ccri-helpline}", 1), "utf-8")
    with pytest.raises(
        SourceError,
        match=r"us.toml: message us\|card.contacts.ccri.text names "
        r"\{ccri-helpline\}, which is not in the registry",
    ):
        load_guide(p, registry)
    p.write_text(src.replace("call {ccri}", "call {childline}", 1), "utf-8")
    with pytest.raises(SourceError, match="does not list for edition us"):
        load_guide(p, registry)
