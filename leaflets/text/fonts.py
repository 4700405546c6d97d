"""Fonts: the font stacks of fonts/fonts.toml, registered once per process with reportlab.

reportlab has no font fallback, so text is split into runs by glyph coverage: each character
is printed in the first font of its language's stack that draws it (NotoSans, for Latin,
digits and punctuation, ends every stack). A character that no font of the stack draws is an
error naming the locale, the message and the character, never a box.

reportlab embeds only TrueType (glyf) fonts. The CJK collection is CFF: the face a language
needs is subset to the characters the leaflet uses and the spaces and punctuation of
``[subset] keep`` in fonts.toml, converted to TrueType (cu2qu) at build time, and cached in
the user's cache folder, so it is done once per set of characters. A cache that cannot be
written (a read-only or missing home) is no error: the font is then made in memory, each
time.

The fonts are package data (``fonts/`` of the repository, ``leaflets/data/fonts`` in a wheel),
except the 40 MB CJK collections under ``fonts/cjk/``: the wheel leaves them out, and the
``leaflets-cjk-fonts`` distribution (``pip install 'leaflets[cjk]'``) brings them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import uharfbuzz
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont as RLTTFont

from ..errors import SourceError
from ..files import data_folder, read_toml, user_cache_dir

FONTS_DIR = Path(os.environ["LEAFLETS_FONTS"]) if os.environ.get("LEAFLETS_FONTS") else None
CJK_PREFIX = "cjk/"  # font files under fonts/cjk/ come with the leaflets-cjk-fonts distribution
CJK_DISTRIBUTION = "leaflets_cjk_fonts"
DEFAULT_LINE_HEIGHT = 1.22


def fonts_dir() -> Path:
    """The folder of fonts.toml and the fonts (``LEAFLETS_FONTS`` overrides it)."""
    return FONTS_DIR or data_folder("fonts")


CACHE_VERSION = 2  # raise it when the way fonts are made changes: old entries are not read


def cache_dir() -> Path | None:
    base = user_cache_dir()
    return base / "fonts" if base is not None else None


def font_file(rel: str) -> Path | None:
    """Where a font file named in fonts.toml is: in the fonts folder, or, for the CJK
    collections, in the leaflets-cjk-fonts distribution when it is installed. None if
    neither has it."""
    own = fonts_dir() / rel
    if own.is_file():
        return own
    if rel.startswith(CJK_PREFIX) and importlib.util.find_spec(CJK_DISTRIBUTION) is not None:
        extra = Path(str(resources.files(CJK_DISTRIBUTION).joinpath(rel[len(CJK_PREFIX) :])))
        if extra.is_file():
            return extra
    return None


def _cached(name: str, make) -> bytes:
    """The bytes of a made font from the user's cache, or made by `make()` and cached. Each
    entry's file name ends in the hash of its bytes: an entry truncated, damaged or swapped
    for another file is not used but made again. Where the cache cannot be read or written,
    the font is made in memory."""
    folder = cache_dir()
    stem = f"v{CACHE_VERSION}-{Path(name).stem}"
    if folder is not None:
        try:
            for entry in folder.glob(f"{stem}-*.ttf"):
                data = entry.read_bytes()
                if entry.stem.rsplit("-", 1)[-1] == hashlib.sha256(data).hexdigest()[:16]:
                    return data
        except OSError:
            pass
    data = make()
    if folder is None:
        return data
    path = folder / f"{stem}-{hashlib.sha256(data).hexdigest()[:16]}.ttf"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:  # a read-only, full or missing cache: the font stays in memory
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
    return data


@dataclass(frozen=True)
class Face:
    """A registered regular/bold pair of TrueType fonts."""

    name: str  # reportlab name of the regular face; bold is name + "-Bold"
    line_height: float = DEFAULT_LINE_HEIGHT
    shaping: bool = False  # needs shaped line layout (Arabic script, Indic scripts)
    cjk: bool = False  # breaks lines between characters

    @property
    def bold_name(self) -> str:
        return self.name + "-Bold"

    def covers(self, ch: str) -> bool:
        return ord(ch) in _cmap(self.name) and ord(ch) in _cmap(self.bold_name)


@cache
def _cmap(font_name: str) -> frozenset[int]:
    """The characters a registered font draws (from reportlab's own parse of the file)."""
    return frozenset(pdfmetrics.getFont(font_name).face.charToGlyph)


@cache
def config() -> dict:
    _, table = read_toml(fonts_dir() / "fonts.toml", "font configuration", SourceError)
    return table


def _spec(name: str) -> dict:
    spec = config()["fonts"].get(name)
    if spec is None:
        raise SourceError(f"fonts/fonts.toml: no font {name!r}")
    for key in ("regular", "bold"):
        if font_file(spec[key]) is None:
            if spec[key].startswith(CJK_PREFIX):
                raise SourceError(
                    f"font {name}: {spec[key].removeprefix(CJK_PREFIX)} is not installed; "
                    "Chinese, Japanese and Korean need the CJK fonts: "
                    "pip install 'leaflets[cjk]'"
                )
            raise SourceError(f"fonts/fonts.toml: font {name}: file {spec[key]} is missing")
    return spec


def register(name: str = "NotoSans", chars: Iterable[str] = ()) -> Face:
    """Register a face (regular and bold) with reportlab and return it. A CFF collection face
    is first subset to `chars` and converted to TrueType."""
    spec = _spec(name)
    flags = (
        spec.get("line_height", DEFAULT_LINE_HEIGHT),
        bool(spec.get("shaping")),
        bool(spec.get("cjk")),
    )
    if "face" in spec:
        subset = "".join(sorted({c for c in chars if not c.isspace()} | subset_keeps()))
        return _register_converted(name, spec["face"], spec["regular"], spec["bold"], subset, flags)
    return _register(
        name, _unhinted(font_file(spec["regular"])), _unhinted(font_file(spec["bold"])), flags
    )


_RANGE = re.compile(r"U\+([0-9A-F]{4,6})(?:\.\.U\+([0-9A-F]{4,6}))?")


@cache
def subset_keeps() -> frozenset[str]:
    """The characters every CJK subset keeps (``[subset] keep`` of fonts.toml): the
    ideographic space and the punctuation of Chinese, Japanese and Korean, so that a text
    that types them is printed in the face that draws them."""
    keep = config().get("subset", {}).get("keep", [])
    if not isinstance(keep, list):
        raise SourceError("fonts/fonts.toml: [subset] keep must be a list of code point ranges")
    out: set[str] = set()
    for item in keep:
        m = _RANGE.fullmatch(item) if isinstance(item, str) else None
        if m is None or int(m.group(2) or m.group(1), 16) < int(m.group(1), 16):
            raise SourceError(
                f"fonts/fonts.toml: [subset] keep: {item!r} is not a code point or a range "
                "such as U+3000..U+303F"
            )
        first, last = int(m.group(1), 16), int(m.group(2) or m.group(1), 16)
        out.update(chr(c) for c in range(first, last + 1))
    return frozenset(out)


@cache
def _unhinted(path: Path) -> bytes:
    """The font without its TrueType hinting, cached: hints only steer low-resolution screens,
    and dropping them makes every embedded subset (and so every PDF) about a third smaller."""
    data = path.read_bytes()
    key = hashlib.sha256(data).hexdigest()[:16]

    def make() -> bytes:
        # imported here to keep start-up fast: the unhinted fonts are cached, made once
        from fontTools.ttLib import TTFont

        font = TTFont(io.BytesIO(data), recalcTimestamp=False)
        for tag in ("fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX", "DSIG"):
            if tag in font:
                del font[tag]
        glyf = font["glyf"]
        for name in font.getGlyphOrder():
            glyf[name].removeHinting()
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()

    return _cached(f"{path.stem}-unhinted-{key}.ttf", make)


@cache
def _register(name: str, regular: bytes, bold: bytes, flags: tuple, own_face: bool = False) -> Face:
    """Register a face's two fonts. `own_face` gives each font the registered name as its face
    name too: reportlab keeps one font per face name and would hand a second subset of the same
    face (a CJK collection subset to other characters) the first one's glyphs."""
    face = Face(name, *flags)
    for font_name, data in ((face.name, regular), (face.bold_name, bold)):
        font = RLTTFont(font_name, io.BytesIO(data))
        if own_face:
            font.face.name = type(font.face.name)(font_name.encode("ascii"))
        if face.shaping:
            _fix_private_codes(font)
        pdfmetrics.registerFont(font)
    for b in (0, 1):
        for i in (0, 1):
            addMapping(face.name, b, i, face.bold_name if b else face.name)
    return face


def _fix_private_codes(font) -> None:
    """Give every glyph without a Unicode value its private-use code now, in glyph order.

    reportlab hands such codes out (for shaped ligatures and contextual forms) in the order
    glyphs are first drawn in a process, so the same PDF would come out different after
    other documents, or in another worker: byte-identical builds need a fixed assignment.
    """
    font.hbFace  # noqa: B018 -- sets up reportlab's private-code table
    hb = uharfbuzz.Font(font.hbFace)
    add = font._TTFont__addPrivate
    for gid in range(font.hbFace.glyph_count):
        if gid not in font.face.glyphToChar:
            add(hb.glyph_to_string(gid), gid, hb.get_glyph_h_advance(gid))


@cache
def _register_converted(
    name: str, member: str, regular: str, bold: str, chars: str, flags: tuple
) -> Face:
    digest = hashlib.sha256(f"{member}|{chars}".encode()).hexdigest()[:12]
    made = [_converted(font_file(f), member, chars, digest) for f in (regular, bold)]
    return _register(f"{name}-{digest}", made[0], made[1], flags, own_face=True)


def _converted(collection: Path, member: str, chars: str, digest: str) -> bytes:
    """`member` of a CFF collection, subset to `chars`, as a TrueType font (cached)."""
    stat = collection.stat()
    key = hashlib.sha256(f"{collection.name}|{stat.st_size}|{digest}".encode()).hexdigest()[:16]
    name = f"{member}-{collection.stem.rsplit('-', 1)[-1]}-{key}.ttf"
    return _cached(name, lambda: _convert(collection, member, chars))


def _convert(collection: Path, member: str, chars: str) -> bytes:
    # imported here to keep start-up fast: only Chinese, Japanese and Korean need them
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont

    with TTCollection(collection, lazy=True) as coll:
        index = next(
            (
                i
                for i, f in enumerate(coll.fonts)
                if f["name"].getDebugName(6).startswith(member + "-")
            ),
            None,
        )
    if index is None:
        raise SourceError(f"fonts/{collection.name} has no face {member}")
    font = TTFont(collection, fontNumber=index, recalcTimestamp=False, recalcBBoxes=False)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    # CJK text is set one glyph per character from the cmap (text/shaping.py), never shaped:
    # the layout tables' alternates (vertical forms, ligatures) would only add glyphs, about
    # 1,400 for a catalog's 545 characters, and a third of the conversion's time
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "vhea", "vmtx", "VORG"]
    options.recalc_timestamp = False
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[ord(c) for c in chars] + [0x20])
    sub.subset(font)
    _cff_to_glyf(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _cff_to_glyf(font) -> None:
    """Replace a font's CFF outlines by quadratic TrueType outlines (after fontTools'
    otf2ttf snippet), so that reportlab can embed it."""
    # imported here to keep start-up fast: only Chinese, Japanese and Korean need them
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphset = font.getGlyphSet()
    glyphs = {}
    for gname in order:
        pen = TTGlyphPen(glyphset)
        glyphset[gname].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[gname] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for glyph in glyphs.values():
        glyph.recalcBounds(glyf)
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for gname, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[gname] = (hmtx[gname][0], glyph.xMin)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    maxp.numGlyphs = len(order)
    maxp.recalc(font)
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\000\001\000\000"


# ----------------------------------------------------------------------------- stacks


@dataclass(frozen=True)
class Stack:
    """A language's faces, first choice first; the last is the Latin fallback."""

    locale: str
    faces: tuple[Face, ...]

    @property
    def primary(self) -> Face:
        return self.faces[0]

    @property
    def line_height(self) -> float:
        return max(f.line_height for f in self.faces)

    # What face_for and runs answered, by their arguments: a stack's faces and their
    # characters never change once registered, and the same texts are laid out again and
    # again (each size a fitting pass tries, each format of a language).
    _faces: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    _runs: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def face_for(self, ch: str, previous: Face | None = None) -> Face | None:
        """The face that prints `ch`: spaces and marks stay in the face before them; Latin
        letters, digits and Western punctuation come from the Latin face, so numbers and
        names look the same in every language."""
        key = (ch, previous)
        try:
            return self._faces[key]
        except KeyError:
            pass
        face = self._face_for(ch, previous)
        self._faces[key] = face
        return face

    def _face_for(self, ch: str, previous: Face | None) -> Face | None:
        if (
            previous is not None
            and (ch.isspace() or unicodedata.category(ch).startswith("M"))
            and previous.covers(ch)
        ):
            return previous
        latin = self.faces[-1]
        if _prefers_latin(ch) and latin.covers(ch):
            return latin
        for face in self.faces:
            if face.covers(ch):
                return face
        return None

    def runs(self, text: str) -> list[tuple[Face, str]]:
        """`text` cut into runs, each in the face that prints it."""
        done = self._runs.get(text)
        if done is not None:
            return list(done)
        out: list[tuple[Face, str]] = []
        previous = None
        for ch in text:
            face = self.face_for(ch, previous) or self.faces[-1]
            if out and out[-1][0] is face:
                out[-1] = (face, out[-1][1] + ch)
            else:
                out.append((face, ch))
            previous = face
        if len(self._runs) >= 4096:  # a long run of many organisations' texts stays bounded
            self._runs.clear()
        self._runs[text] = tuple(out)
        return out

    def missing(self, text: str) -> list[str]:
        return sorted({c for c in set(text) if c >= " " and self.face_for(c) is None})


def _prefers_latin(ch: str) -> bool:
    o = ord(ch)
    return o < 0x0250 or 0x2000 <= o <= 0x206F or 0x20A0 <= o <= 0x20CF


def stack_names(locale: str) -> list[str]:
    stacks = config().get("stacks", {})
    lang = locale.split("-")[0]
    return stacks.get(locale) or stacks.get(lang) or stacks.get("default", ["NotoSans"])


def stack(locale: str, chars: Iterable[str] = (), extra: Iterable[str] = ()) -> Stack:
    """The registered font stack of a language; `chars` are what it will print (CJK faces
    are subset to them). `extra` is what one organisation adds (its name, labels, hours):
    a CJK face's characters of it that `chars` lack go into a small subset of their own,
    next to the language's, so that the language's subset (the costly one, about a second a
    face) is made once for every organisation, not once for each."""
    chars = frozenset(chars)
    faces = []
    for name in stack_names(locale):
        face = register(name, chars)
        faces.append(face)
        more = {c for c in extra if not c.isspace() and not face.covers(c)}
        if more and "face" in _spec(name):
            faces.append(register(name, more))
    return Stack(locale, tuple(faces))


def check_coverage(messages, font_stack: Stack, locale: str) -> None:
    """Stop with one line naming the locale, the message and the character when no font of
    the stack draws a character: reportlab would print a box or nothing."""
    for ctx, text, _ in messages:
        missing = font_stack.missing(text)
        if missing:
            c = missing[0]
            raise SourceError(
                f"locale {locale}, message {ctx}: no font in fonts/ draws "
                f"U+{ord(c):04X} {unicodedata.name(c, '?')} ({c!r}); add a font for this "
                "script to fonts/fonts.toml"
            )
