"""The command line as a new user meets it: help, builds, and one-line errors."""

from __future__ import annotations

import re
import subprocess
import sys

from click.testing import CliRunner

from leaflets.cli import main

from .conftest import ROOT

COMMANDS = {
    (): {"build", "verify", "preview", "init-config", "i18n"},
    ("i18n",): {"extract", "init", "update", "check", "stats", "review"},
}


def _listed_commands(help_text: str) -> set[str]:
    """The names in a group's "Commands:" section."""
    section = help_text.split("\nCommands:\n", 1)[1]
    return set(re.findall(r"^  (\S+)", section, re.MULTILINE))  # not wrapped descriptions


def _help(args) -> str:
    res = CliRunner().invoke(main, [*args, "--help"])
    assert res.exit_code == 0, (args, res.output)
    assert res.output.startswith(f"Usage: {' '.join(['main', *args])} "), res.output
    assert CliRunner().invoke(main, [*args, "-h"]).output == res.output  # -h is --help
    return res.output


def test_every_command_has_help():
    for group, commands in COMMANDS.items():
        assert _listed_commands(_help(group)) == commands, group
        for cmd in commands:
            text = _help([*group, cmd])
            assert "Options:" in text and "-h, --help" in text, (group, cmd)


def _choices(help_text: str, option: str) -> list[str]:
    m = re.search(rf"^  {re.escape(option)} \[([^\]]+)\]", help_text, re.MULTILINE)
    assert m, f"{option} lists no choices"
    return m.group(1).split("|")


def test_build_help_lists_the_formats_and_papers():
    text = _help(["build"])
    assert _choices(text, "--format") == [
        *["card", "card-sheet", "card-discreet", "poster", "poster-door", "leaflet"],
        *["large-print", "social-square", "social-story", "html", "all"],
    ]
    assert _choices(text, "--paper") == [
        *["cr80", "a4", "letter", "a3", "tabloid", "a5", "a6", "1080x1080", "1080x1920"],
        "all",
    ]
    assert _choices(text, "--guide") == ["uk-young-people", "us", "all"]
    for option in ("--locale", "--out", "--jobs", "--bleed", "--config", "--strict"):
        assert option in text


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
    assert (
        "'mug' is not one of 'card', 'card-sheet', 'card-discreet', 'poster', 'poster-door', "
        "'leaflet', 'large-print', 'social-square', 'social-story', 'html', 'all'" in line
    )
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


def test_an_option_of_one_value_given_twice_is_refused_not_dropped(tmp_path):
    """click keeps the last of a repeated option: `--paper a4 --paper cr80` built the card
    alone and said nothing. Now it is one line and nothing is built; --format, which takes
    several, still does."""
    out = tmp_path / "out"
    for args in (
        ["build", "--guide", "us", "--locale", "en", "--paper", "a4", "--paper=cr80"],
        ["build", "--guide", "us", "--locale", "en", "--locale", "es", "--format", "card"],
        ["i18n", "check", "--locale", "es", "--locale", "fr"],
    ):
        res = CliRunner().invoke(main, [*args, "--out", str(out)] if args[0] == "build" else args)
        assert res.exit_code == 2, res.output
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and "is given 2 times" in lines[0] and "Traceback" not in res.output
        assert not out.exists()
    res = CliRunner().invoke(
        main,
        ["build", "--guide", "us", "--locale", "en", "--format", "poster", "--format", "leaflet"]
        + ["--paper", "a4", "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (out / "us" / "en").glob("*.pdf")) == [
        "leaflet-a4.pdf",
        "poster-a4.pdf",
    ]
