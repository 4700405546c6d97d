"""Fonts: the font stacks of fonts/fonts.toml, registered once per process with reportlab.

reportlab has no font fallback, so a font is chosen per run of text by glyph coverage; a
character that no font of the stack covers is an error naming the character, never a box.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import SourceError

FONTS_DIR = Path(os.environ.get("LEAFLETS_FONTS", Path(__file__).resolve().parent.parent / "fonts"))


@dataclass(frozen=True)
class Face:
    """A registered regular/bold pair."""

    name: str  # reportlab name of the regular face; bold is name + "-Bold"
    regular: Path
    bold: Path
    scripts: tuple[str, ...]

    @property
    def bold_name(self) -> str:
        return self.name + "-Bold"

    def covers(self, ch: str) -> bool:
        return ord(ch) in _cmap(self.regular) and ord(ch) in _cmap(self.bold)


@cache
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as f:
        return frozenset(f.getBestCmap())


@cache
def stacks() -> dict[str, Face]:
    cfg = FONTS_DIR / "fonts.toml"
    try:
        data = tomllib.loads(cfg.read_text("utf-8"))
    except FileNotFoundError:
        raise SourceError(
            f"{cfg}: font configuration not found (is the fonts/ folder there?)"
        ) from None
    faces = {}
    for name, spec in data["fonts"].items():
        faces[name] = Face(name, FONTS_DIR / spec["regular"], FONTS_DIR / spec["bold"],
                           tuple(spec.get("scripts", ())))
        for p in (faces[name].regular, faces[name].bold):
            if not p.is_file():
                raise SourceError(f"{cfg}: font {name}: file {p.name} is missing from fonts/")
    return faces


@cache
def register(name: str = "NotoSans") -> Face:
    """Register a face (regular and bold) with reportlab, once per process."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    face = stacks()[name]
    pdfmetrics.registerFont(TTFont(face.name, str(face.regular)))
    pdfmetrics.registerFont(TTFont(face.bold_name, str(face.bold)))
    addMapping(face.name, 0, 0, face.name)
    addMapping(face.name, 1, 0, face.bold_name)
    addMapping(face.name, 0, 1, face.name)
    addMapping(face.name, 1, 1, face.bold_name)
    return face


def missing_glyphs(text: str, face: Face) -> list[str]:
    """Characters of `text` the face cannot draw (control characters aside)."""
    return sorted({c for c in text if c >= " " and not face.covers(c)})


def check_coverage(messages, face: Face, locale: str) -> None:
    """Stop with one line naming the locale, the message and the character when a font cannot
    draw a character: reportlab would print a box or nothing."""
    import unicodedata

    for ctx, text, _ in messages:
        missing = missing_glyphs(text, face)
        if missing:
            c = missing[0]
            raise SourceError(
                f"locale {locale}, message {ctx}: no font in fonts/ draws "
                f"U+{ord(c):04X} {unicodedata.name(c, '?')} ({c!r}); add a font for this "
                "script to fonts/fonts.toml"
            )
