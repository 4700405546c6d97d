"""The command line as a new user meets it: help, builds, and one-line errors."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from leaflets.cli import main

from .conftest import ROOT


def test_help_reads_like_the_readme():
    runner = CliRunner()
    res = runner.invoke(main, ["--help"])
    assert res.exit_code == 0
    assert "build" in res.output and "verify" in res.output
    for cmd in ("build", "verify"):
        res = runner.invoke(main, [cmd, "--help"])
        assert res.exit_code == 0 and "Usage:" in res.output
    assert "--guide" in runner.invoke(main, ["build", "--help"]).output


def test_build_writes_one_card_per_edition(tmp_path):
    res = CliRunner().invoke(
        main,
        ["build", "--guide", "all", "--locale", "en", "--format", "card", "--out", str(tmp_path)],
    )
    assert res.exit_code == 0, res.output
    for gid in ("us", "uk-young-people"):
        assert (tmp_path / gid / "en" / "card-cr80.pdf").read_bytes().startswith(b"%PDF-")
    assert not list(tmp_path.rglob("*.tmp"))


def _one_line_error(args, code):
    res = CliRunner().invoke(main, args)
    assert res.exit_code == code, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    assert "Traceback" not in res.output
    return lines[0]


def test_bad_input_is_one_line(tmp_path):
    # every input error is exit code 2, one line, and names what there is to choose from
    line = _one_line_error(["build", "--guide", "mars", "--out", str(tmp_path)], 2)
    assert "'mars' is not one of 'uk-young-people', 'us', 'all'" in line
    line = _one_line_error(["build", "--format", "mug", "--out", str(tmp_path)], 2)
    assert "'mug' is not one of 'card', 'card-sheet', 'poster', 'leaflet', 'all'" in line
    line = _one_line_error(
        ["build", "--format", "card", "--paper", "a4", "--out", str(tmp_path)], 2
    )
    assert "format card does not come on paper a4" in line
    afile = tmp_path / "file"
    afile.write_text("x")
    line = _one_line_error(["build", "--out", str(afile)], 2)
    assert "is not a folder" in line
    line = _one_line_error(["build", "--locale", "xx", "--out", str(tmp_path / "o")], 2)
    assert "locale xx" in line
    assert not (tmp_path / "o").exists()  # nothing is made for bad input


def test_names_are_case_insensitive(tmp_path):
    res = CliRunner().invoke(
        main,
        ["build", "--guide", "US", "--format", "Card", "--locale", "ES", "--out", str(tmp_path)],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "us" / "es" / "card-cr80.pdf").is_file()


def test_make_leaflets_script_runs_as_a_new_user_would(tmp_path):
    res = subprocess.run(
        [
            sys.executable,
            str(ROOT / "make_leaflets.py"),
            "build",
            "--guide",
            "us",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    res = subprocess.run(
        [sys.executable, str(ROOT / "make_leaflets.py"), "verify", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stdout + res.stderr
