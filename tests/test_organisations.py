"""Many organisations in one build: a CSV a safeguarding team fills in, every row checked
before any work, a folder per organisation verified with its own numbers, and a card carrying
another school's number caught."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from leaflets.cli import main
from leaflets.sources.organisations import load_organisations, slug_of
from leaflets.verify import read_pdf

from .conftest import ROOT, pdf_text

HEADER = [
    "name",
    "logo",
    "contact_label",
    "contact_phone",
    "contact_region",
    "contact_hours",
    "contact_url",
    "paper",
    "locales",
]


def _rows(n: int) -> list[list[str]]:
    """`n` schools, every third with the example logo; numbers from Ofcom's drama range."""
    return [
        [
            f"School {i:02d} Primary",
            "logo.png" if i % 3 == 0 else "",
            "Safeguarding lead",
            f"020 7946 {i:04d}",
            "GB",
            "Mon-Fri 8:30-16:30",
            "",
            "a4",
            "en",
        ]
        for i in range(n)
    ]


def _sheet(tmp_path: Path, rows: list[list[str]], header=HEADER, delimiter=",") -> Path:
    shutil.copy(ROOT / "examples" / "northfield-school-logo.png", tmp_path / "logo.png")
    path = tmp_path / "schools.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter=delimiter).writerows([header, *rows])
    return path


def _cards(sheet: Path, out: Path, *extra: str, jobs: int = 1):
    return CliRunner().invoke(
        main,
        ["build", "--organisations", str(sheet), "--guide", "uk-young-people"]
        + ["--format", "card", "--jobs", str(jobs), "--out", str(out), *extra],
    )


@pytest.fixture(scope="module")
def fifty(tmp_path_factory):
    """The 50 schools built once: (sheet, out)."""
    tmp = tmp_path_factory.mktemp("fifty")
    sheet = _sheet(tmp, _rows(50))
    out = tmp / "out"
    res = _cards(sheet, out, jobs=2)
    assert res.exit_code == 0, res.output
    return sheet, out


def test_three_bad_rows_are_three_lines_before_any_file_is_written(tmp_path):
    rows = _rows(50)
    rows[4][3] = "0909 879 0123"  # premium rate
    rows[16][4] = "US"  # a GB number said to be American
    rows[29][0] = "School 29, call 0800 111 222"  # a number in the name
    out = tmp_path / "out"
    res = _cards(_sheet(tmp_path, rows), out)
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert res.stderr.strip().splitlines() == [
        "error: schools.csv: row 6: contact_phone: '0909 879 0123' is a premium-rate number; "
        "give a number people can call free or at a local rate",
        "error: schools.csv: row 18: contact_phone: '020 7946 0016' is not a valid phone number "
        "in US; check the digits",
        "error: schools.csv: row 31: name: contains the number '0800 111 222'; put numbers in a "
        "contact's phone, where they are checked",
    ]
    assert not out.exists()


def test_the_fixed_sheet_builds_a_verified_folder_per_school(fifty):
    sheet, out = fifty
    index = json.loads((out / "organisations.json").read_text())
    folders = [o["folder"] for o in index["organisations"]]
    assert len(folders) == 50 and folders[7] == "school-07-primary"
    for i, folder in enumerate(folders):
        card = out / folder / "uk-young-people" / "en" / "card-cr80.pdf"
        text = " ".join(pdf_text(card).split())
        assert f"School {i:02d} Primary" in text and f"020 7946 {i:04d}" in text
        manifest = json.loads((out / folder / "manifest.json").read_text())
        assert [e["path"] for e in manifest["files"]] == ["uk-young-people/en/card-cr80.pdf"]
    res = CliRunner().invoke(main, ["verify", "--organisations", str(sheet), str(out)])
    assert res.exit_code == 0, res.output
    assert res.stderr.strip() == "50 file(s) checked, 0 error(s), 0 warning(s)"
    # without the sheet, every school's own number is unknown
    res = CliRunner().invoke(main, ["verify", str(out / folders[3])])
    assert res.exit_code == 1 and "'020 7946 0003' is not in the registry" in res.output


def test_another_schools_number_on_a_card_is_caught_and_named(fifty, tmp_path):
    sheet, out = fifty
    copy = tmp_path / "school-02-primary"
    shutil.copytree(out / "school-02-primary", copy)
    theirs = out / "school-01-primary" / "uk-young-people" / "en" / "card-cr80.pdf"
    shutil.copy(theirs, copy / "uk-young-people" / "en" / "card-cr80.pdf")
    res = CliRunner().invoke(main, ["verify", "--organisations", str(sheet), str(copy)])
    assert res.exit_code == 1
    assert (
        "'020 7946 0001' is not in the registry; it looks like Safeguarding lead's 020 7946 "
        "0002; it is the number of School 01 Primary (row 3), printed for School 02 Primary "
        "(row 4)"
    ) in res.output
    assert "Safeguarding lead (020 7946 0002) is missing" in res.output


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("three")
    sheet = _sheet(tmp, _rows(3))
    out = tmp / "out"
    assert _cards(sheet, out).exit_code == 0
    return sheet, out


def test_a_row_whose_folder_is_missing_is_a_finding(three):
    sheet, out = three
    shutil.rmtree(out / "school-01-primary")
    res = CliRunner().invoke(main, ["verify", "--organisations", str(sheet), str(out)])
    assert res.exit_code == 1 and "row 3 (School 01 Primary) has no folder here" in res.output


def test_the_gallery_groups_the_files_by_organisation(three):
    _, out = three
    assert CliRunner().invoke(main, ["preview", str(out)]).exit_code == 0
    page = (out / "index.html").read_text("utf-8")
    assert page.count("<h2>") == len(list(out.glob("school-*")))
    assert "<h2>School 02 Primary · Edition uk-young-people</h2>" in page


@pytest.mark.parametrize(
    "header, rows, message",
    [
        (
            [*HEADER, "motto"],
            [[*_rows(1)[0], "x"]],
            "schools.csv: column 'motto': unknown; use name, logo, contact_label",
        ),
        (HEADER[1:], [r[1:] for r in _rows(1)], "schools.csv: column 'name' is missing"),
        (HEADER, [_rows(1)[0][:5]], "schools.csv: row 2: has 5 cells, the header 9"),
        (
            HEADER,
            [_rows(1)[0], ["School 00 Primary!", *_rows(1)[0][1:3], "020 7946 0099", "GB"]
             + ["", "", "a4", "en"]],
            "schools.csv: row 3: name: 'School 00 Primary!' makes the folder "
            "'school-00-primary', as row 2 does; make the names differ",
        ),
        (
            HEADER,
            [[*_rows(1)[0][:6], "https://school.example@evil.example/", "a4", "en"]],
            "schools.csv: row 2: contact_url: 'https://school.example@evil.example/' has a "
            "name before '@'",
        ),
        (HEADER, [[*_rows(1)[0][:7], "a5", "en"]], "schools.csv: row 2: paper: 'a5': use a4"),
    ],
)  # fmt: skip
def test_a_bad_sheet_is_one_line_per_problem(tmp_path, header, rows, message):
    res = _cards(_sheet(tmp_path, rows, header), tmp_path / "out")
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert any(line.startswith(f"error: {message}") for line in res.stderr.splitlines()), res.stderr


def test_a_sheet_saved_by_excel_with_a_bom_and_semicolons_reads(tmp_path):
    path = _sheet(tmp_path, _rows(2), delimiter=";")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    orgs = load_organisations(path)
    assert [o.slug for o in orgs] == ["school-00-primary", "school-01-primary"]
    assert orgs[1].config.contacts[0].id == "local-school-01-primary-1"


def test_the_example_sheet_builds(tmp_path):
    sheet = tmp_path / "organisations.csv"
    res = CliRunner().invoke(main, ["init-config", "--organisations", str(sheet)])
    assert res.exit_code == 0 and "build --organisations" in res.output
    res = _cards(sheet, tmp_path / "out")
    assert res.exit_code == 0, res.output
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "organisations.json",
        "northfield-primary-school",
        "riverside-academy",
    }


def test_names_become_plain_folder_names():
    assert slug_of("St Mary's C of E School") == "st-marys-c-of-e-school"
    assert slug_of("École Sainte-Thérèse") == "ecole-sainte-therese"
    assert slug_of("../../etc") == "etc"
    assert slug_of("مدرسة") == ""


def test_two_organisations_with_names_in_chinese_build_in_one_process(tmp_path):
    """Each organisation's Chinese name makes its own subset of the CJK collection; reportlab
    keeps one font per face name, so without a name of its own the second subset printed with
    the first one's glyphs (and the build refused it)."""
    rows = [
        ["第一学校", "", "Safeguarding lead", "020 7946 0001", "GB", "", "", "a4", "zh-Hans"],
        ["第二学院", "", "Safeguarding lead", "020 7946 0002", "GB", "", "", "a4", "zh-Hans"],
    ]
    out = tmp_path / "out"
    res = CliRunner().invoke(
        main,
        ["build", "--organisations", str(_sheet(tmp_path, rows)), "--guide", "us"]
        + ["--format", "card", "--jobs", "1", "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    for folder, name in (("organisation-2", "第一学校"), ("organisation-3", "第二学院")):
        card = out / folder / "us" / "zh-Hans" / "card-cr80.pdf"
        text = " ".join(" ".join(p.text.split()) for p in read_pdf(card).pages)
        assert name in text


def test_plan_of_many_holds_one_copy_of_each_guide(tmp_path):
    """Each organisation's plan is checked against its own registry, but the guide read
    once is the one every plan holds (not a copy of it an organisation)."""
    from leaflets.build.organisations import make_organisations_plan

    plan = make_organisations_plan(
        _sheet(tmp_path, _rows(3)), ["uk-young-people"], None, ["card"], "a4", out=tmp_path / "o"
    )
    guides = [p.guides["uk-young-people"] for p in plan.plans]
    assert len(guides) == 3 and all(g is guides[0] for g in guides)
    assert {p.registry.digest for p in plan.plans} == {plan.plans[0].registry.digest}
    assert all(p.org.contacts[0].id in p.registry.resources for p in plan.plans)


def test_a_schools_logo_gives_the_same_file_wherever_its_folder_is(tmp_path, monkeypatch):
    """reportlab names an image drawn from a file by its path: the same school built from two
    copies of its folder gave two different PDFs. The logo is named by its pixels."""
    from leaflets.build import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    builds = []
    for n, where in enumerate(("here", "elsewhere/deeper")):
        folder = tmp_path / where
        shutil.copytree(ROOT / "examples", folder)
        build(config=folder / "school.toml", formats="card", out=tmp_path / f"out{n}")
        cards = sorted((tmp_path / f"out{n}").rglob("card-cr80.pdf"))
        builds.append({p.relative_to(tmp_path / f"out{n}"): p.read_bytes() for p in cards})
    assert builds[0] and all(b"/Subtype /Image" in data for data in builds[0].values())
    assert builds[0] == builds[1]
