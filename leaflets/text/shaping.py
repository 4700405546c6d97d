"""Paragraphs in scripts that need shaping: Arabic-script languages (right to left) and Indic
scripts (conjuncts). reportlab's Paragraph does not lay these out right (its right-to-left
path needs a bidi module that is not on PyPI), so this module does the line breaking itself:

* text is cut into words (at spaces), and words into runs by font coverage (fonts.Stack);
* a phone number, link or date from the registry is one unbreakable word, always left to
  right: for the bidi algorithm it stands as a run of strong left-to-right letters, so digits
  and hyphens inside it are never reordered (the classic reversed phone number);
* each run is shaped with HarfBuzz (reportlab's ``shapeStr``) and measured from the shaped
  advances;
* right-to-left lines are ordered with the Unicode bidi algorithm (python-bidi) and drawn
  piece by piece from left to right;
* Indic runs carry ``/ActualText`` so that text extraction (verify, search, screen readers)
  reads the real characters instead of the private-use codes of shaped glyphs. Arabic runs do
  not: pdfium reads them in logical order as they are, and would reverse an ActualText.

The class offers what the layout needs of a reportlab Paragraph: wrap, split, drawOn.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from bidi import algorithm as bidi_algorithm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import shapeStr

from .fonts import Face, Stack

_INDIC = (
    "BENGALI",
    "GURMUKHI",
    "GUJARATI",
    "DEVANAGARI",
    "ORIYA",
    "TAMIL",
    "TELUGU",
    "KANNADA",
    "MALAYALAM",
    "SINHALA",
)


def _script_of(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


@lru_cache(maxsize=4096)  # asked of each run as it is drawn, the same runs again and again
def is_indic(text: str) -> bool:
    return any(_script_of(c) in _INDIC for c in text)


@dataclass
class Run:
    text: str
    face: Face
    bold: bool
    size: float
    color: tuple[float, float, float]
    ref: tuple | None = None  # a number or link: (resource id, variant, piece, pieces)
    # a run never changes once made: measured once, however often its line is broken
    _known_width: float | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def font(self) -> str:
        return self.face.bold_name if self.bold else self.face.name

    @property
    def width(self) -> float:
        if self._known_width is None:
            if not self.face.shaping:  # Latin, CJK: one glyph per character
                self._known_width = stringWidth(self.text, self.font, self.size)
            else:
                self._known_width = _width(self.text, self.font, self.size)
        return self._known_width


@lru_cache(maxsize=20000)
def _shaped(text: str, font: str, size: float):
    return shapeStr(text, font, size)


@lru_cache(maxsize=20000)
def _width(text: str, font: str, size: float) -> float:
    if all(ord(c) < 0x250 for c in text):
        return stringWidth(text, font, size)
    advance = _advance(text, font)
    if advance is None:  # nothing to shape
        return stringWidth(text, font, size)
    return advance * size / 1000


@lru_cache(maxsize=20000)
def _advance(text: str, font: str) -> float | None:
    """The shaped advances of a text, summed, in thousandths of its size (None when HarfBuzz
    changes nothing): the same at every size, so a text is shaped for its width once, not at
    each size a fit tries. HarfBuzz lays a font out in its own units, scaled here to 1000 per
    em; the size it is told (ptem) changes them only through a tracking table (AAT trak),
    which OpenType faces like the Noto faces of fonts/ do not have."""
    data = getattr(shapeStr(text, font, 10.0), "__shapeData__", None)
    return None if data is None else sum(g.x_advance for g in data)


@dataclass
class Word:
    runs: list[Run]
    isolated: bool = False  # a number or link: one left-to-right unit
    line_break_after: bool = False
    space_before: bool = True  # False when it touches the word before ("(" + number + ")")
    break_before: bool | None = None  # may a line break before it? (default: if spaced)
    break_in_need: bool = False  # it may, when its word is wider than the line (Korean)
    # in right-to-left text, each character's part in an embedded left-to-right run (an
    # English name with its brackets): set by the paragraph (ComplexParagraph.__post_init__)
    ltr: tuple[bool, ...] | None = None
    # nor do a word's runs: each wrap and each measure tried reads the same sum
    _known_width: float | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def breakable(self) -> bool:
        return self.space_before if self.break_before is None else self.break_before

    @property
    def width(self) -> float:
        if self._known_width is None:
            self._known_width = sum(r.width for r in self.runs)
        return self._known_width

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def size(self) -> float:
        return max(r.size for r in self.runs)


@dataclass
class Line:
    words: list[Word]
    width: float
    height: float


@dataclass
class ComplexParagraph:
    """A paragraph of shaped text laid out in lines of at most the wrap width."""

    words: list[Word]
    stack: Stack
    size: float
    rtl: bool
    align: str = "start"  # start | center | end (start is the right edge in RTL)
    bullet: list[Run] = field(default_factory=list)
    indent: float = 0.0  # the text's inset from the start edge (bullet hangs in it)
    lines: list[Line] = field(default_factory=list)
    overflow: bool = False
    width: float = 0.0
    height: float = 0.0
    tags: object | None = None  # set when drawn in a tagged document (render.tagging)
    leading: float = 0.0  # the distance between all its baselines (0: by each line's sizes)
    balance: bool = False  # a heading: no last line of one word when a narrower measure helps
    # its units and their widths, found at the first wrap (see _measured)
    _unit_widths: dict | None = field(default=None, init=False, repr=False, compare=False)
    # its lines as drawn (runs in visual order, merged), with the lines they were made from:
    # a paragraph laid out once is drawn again in every slot of a card sheet
    _drawn: tuple | None = field(default=None, init=False, repr=False, compare=False)
    _wrapped: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.rtl and any(w.ltr is None for w in self.words):
            _mark_ltr_runs(self.words)

    def space_width(self) -> float:
        return _width(" ", self.stack.primary.name, self.size)

    def _line_height(self, words: list[Word]) -> float:
        if self.leading:
            return self.leading
        size = max([w.size for w in words] or [self.size])
        return size * self.stack.line_height

    def _units(self) -> list[list[Word]]:
        """Words that touch (no space between) break together."""
        units: list[list[Word]] = []
        for word in self.words:
            if units and not word.breakable and not units[-1][-1].line_break_after:
                units[-1].append(word)
            else:
                units.append([word])
        return units

    def _measured(self, space: float) -> dict[int, tuple[list[Word], float]]:
        """Each unit (by its id) with its width, in order: found once, as a paragraph's words
        and where they may break never change, while each wrap (a size tried, a frame of a
        leaflet, each measure a heading's balancing tries) breaks the same units."""
        if self._unit_widths is None:
            self._unit_widths = {
                id(unit): (unit, self._sum_width(unit, space)) for unit in self._units()
            }
        return self._unit_widths

    @staticmethod
    def _sum_width(unit: list[Word], space: float) -> float:
        return sum(word.width for word in unit) + space * sum(
            1 for word in unit[1:] if word.space_before
        )

    def _unit_width(self, unit: list[Word], space: float) -> float:
        # a unit of the paragraph's own is looked up; a piece of one (a word broken in
        # need) is summed. The units live as long as the paragraph, so no piece has the id
        # of one of them.
        known = self._measured(space).get(id(unit))
        return known[1] if known is not None else self._sum_width(unit, space)

    def _line_width(self, units: list[list[Word]], space: float) -> float:
        return sum(self._unit_width(u, space) for u in units) + space * sum(
            1 for u in units[1:] if u[0].space_before
        )

    def _break(self, room: float) -> tuple[list[list[list[Word]]], bool]:
        """The paragraph's lines (each a list of units) at most `room` wide, and whether a
        unit is wider than that."""
        space = self.space_width()
        units: list[tuple[list[Word], float]] = []
        for unit, width in self._measured(space).values():
            if width > room and any(w.break_in_need for w in unit[1:]):
                # a word wider than its line (a long Korean word in a narrow label) breaks
                # where it may in need, rather than run out of its box
                pieces: list[list[Word]] = [[]]
                for word in unit:
                    if word.break_in_need and pieces[-1]:
                        pieces.append([])
                    pieces[-1].append(word)
                units.extend((piece, self._sum_width(piece, space)) for piece in pieces)
            else:
                units.append((unit, width))
        lines: list[list[list[Word]]] = []
        current: list[list[Word]] = []
        width = 0.0
        overflow = False
        for unit, w in units:
            gap = space if unit[0].space_before else 0.0
            if w > room + 0.5:
                overflow = True
            if current and width + gap + w > room:
                lines.append(current)
                current, width = [], 0.0
            width = width + gap + w if current else w
            current.append(unit)
            if unit[-1].line_break_after:
                lines.append(current)
                current, width = [], 0.0
        if current or not lines:
            lines.append(current)
        if self.stack.primary.cjk:
            _no_lone_characters(lines, room, lambda us: self._line_width(us, space))
        return lines, overflow

    def _lone(self, lines: list[list[list[Word]]]) -> bool:
        """The last of several lines is one word (in Chinese and Japanese, one character)."""
        if len(lines) < 2:
            return False
        if self.stack.primary.cjk:
            return _letters(lines[-1]) <= 1
        return len(lines[-1]) == 1

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # the lines of the last wrap stand when nothing they depend on has changed: a
        # leaflet's pour wraps a paragraph again at the width it just had (a heading's next
        # paragraph, then that paragraph itself)
        done = (avail_width, self.indent, self.balance, self.leading)
        if self._wrapped == done:
            return avail_width, self.height
        self._wrapped = None  # until these lines are made
        room = avail_width - self.indent
        space = self.space_width()
        lines, self.overflow = self._break(room)
        if self.balance and not self.overflow and self._lone(lines):
            lines = _balanced(lines, room, self._break, self._lone)
        self.lines = []
        for units_of_line in lines:
            words = [w for u in units_of_line for w in u]
            width = self._line_width(units_of_line, space)
            self.lines.append(Line(words, width, self._line_height(words)))
        self.width = avail_width
        self.height = sum(line.height for line in self.lines)
        self._wrapped = done
        return avail_width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[ComplexParagraph]:
        self.wrap(avail_width, avail_height)
        used, k = 0.0, 0
        for line in self.lines:
            if used + line.height > avail_height:
                break
            used += line.height
            k += 1
        # a link broken over lines is never split between two frames, and a short paragraph
        # (a list item with its number or link) moves whole rather than leave a line behind
        while (
            0 < k < len(self.lines)
            and self.lines[k - 1].words
            and self.lines[k - 1].words[-1].isolated
            and self.lines[k - 1].words[-1].line_break_after
        ):
            k -= 1
        if len(self.lines) <= 4 or k < 2 or len(self.lines) - k < 2:
            return []
        first_words = [w for line in self.lines[:k] for w in line.words]
        rest = [w for line in self.lines[k:] for w in line.words]
        head = ComplexParagraph(
            first_words, self.stack, self.size, self.rtl, self.align, self.bullet, self.indent
        )
        tail = ComplexParagraph(rest, self.stack, self.size, self.rtl, self.align, [], self.indent)
        head.leading = tail.leading = self.leading
        head.balance = tail.balance = self.balance
        head.wrap(avail_width, avail_height)
        tail.wrap(avail_width, 1e6)
        return [head, tail]

    def _drawn_runs(self) -> list[list[Run]]:
        """Each line's runs as drawn, left to right, for the lines of the last wrap."""
        if self._drawn is None or self._drawn[0] is not self.lines:
            pieces = _visual_pieces if self.rtl else _ltr_pieces
            runs = [_merged(pieces(line.words, self.stack, self.size)) for line in self.lines]
            self._drawn = (self.lines, runs)
        return self._drawn[1]

    def drawOn(self, canvas, x: float, y: float) -> None:  # noqa: N802 -- reportlab's name
        top = y + self.height
        for n, (line, runs) in enumerate(zip(self.lines, self._drawn_runs(), strict=True)):
            baseline = top - line.height * 0.78
            inner_x0 = x + (0 if self.rtl else self.indent)
            inner_x1 = x + self.width - (self.indent if self.rtl else 0)
            if self.align == "center":
                start = (inner_x0 + inner_x1 - line.width) / 2
            elif (self.align == "end") != self.rtl:
                start = inner_x1 - line.width
            else:
                start = inner_x0
            if n == 0 and self.bullet:
                # the marker first: text extraction then reads it at the start of its line
                bw = sum(r.width for r in self.bullet)
                bx = x + self.width - bw if self.rtl else x
                for r in self.bullet:
                    _draw_run(canvas, r, bx, baseline)
                    bx += r.width
                if self.tags is not None:
                    self.tags.after_bullet(canvas)
            cursor = start
            for k, run in enumerate(runs):
                # a space after a shaped Indic word goes into the word's /ActualText: drawn
                # on its own, text extraction loses it
                after = runs[k + 1].text if k + 1 < len(runs) else ""
                if run.text.isspace() and k and is_indic(runs[k - 1].text):
                    cursor += run.width
                    continue
                tags = self.tags
                if tags is not None and run.ref:
                    tags.link_begin(canvas, *run.ref)
                elif tags is not None and _foreign(run, self.stack):
                    canvas.addLiteral("/Span <</Lang (en)>> BDC")
                _draw_run(
                    canvas,
                    run,
                    cursor,
                    baseline,
                    " " if after.isspace() and is_indic(run.text) else "",
                )
                if tags is not None and run.ref:
                    box = (cursor, baseline - 0.22 * run.size, cursor + run.width)
                    tags.link_end(canvas, (*box, baseline + 0.78 * run.size))
                elif tags is not None and _foreign(run, self.stack):
                    canvas.addLiteral("EMC")
                cursor += run.width
            top -= line.height


def balanced_width(lines: int, width: float, lay_out) -> float | None:
    """The narrowest measure, found by bisection between half `width` and `width`, at which
    a text laid out in `lines` lines keeps that many lines without a word running over;
    None when no narrower one does, or when its last line is still one word.
    ``lay_out(w)`` lays the text out at w and returns (line count, overflow, lone)."""
    lo, hi, best = width * 0.5, width, None
    for _ in range(BALANCE_STEPS):
        mid = (lo + hi) / 2
        n, overflow, _ = lay_out(mid)
        if n == lines and not overflow:
            best, hi = mid, mid
        else:
            lo = mid
    if best is None or lay_out(best)[2]:
        return None
    return best


BALANCE_STEPS = 12  # bisection steps: the measure to within 1/8000 of its width


def _balanced(lines, room: float, lay_out, lone):
    """A heading's lines at the narrowest measure that keeps their number, when the last
    line is otherwise one word: more words come down to it. The lines at `room` otherwise."""

    def attempt(w: float):
        got, overflow = lay_out(w)
        return len(got), overflow, lone(got)

    best = balanced_width(len(lines), room, attempt)
    return lines if best is None else lay_out(best)[0]


def _letters(units: list[list[Word]]) -> int:
    """The letters, ideographs and digits of a line (punctuation and spaces left out)."""
    return sum(1 for u in units for w in u for c in w.text if unicodedata.category(c)[0] in "LN")


def _no_lone_characters(lines: list[list[list[Word]]], room: float, width) -> None:
    """No Chinese, Japanese or Korean line of one character ("支 / 持。"): the last word of
    the line before moves down to it, when that line keeps two characters and the break
    before the lone character was not one the text asks for."""
    for i in range(1, len(lines)):
        prev, line = lines[i - 1], lines[i]
        if _letters(line) != 1 or len(prev) < 2 or prev[-1][-1].line_break_after:
            continue
        if _letters(prev[:-1]) < 2 or width([prev[-1], *line]) > room:
            continue
        lines[i - 1], lines[i] = prev[:-1], [prev[-1], *line]


def _foreign(run: Run, stack: Stack) -> bool:
    """A run of Latin letters in a language of another script: a name in English ("Take It
    Down", "RAINN"), which a screen reader should speak as English."""
    return (
        run.face is stack.faces[-1]
        and stack.primary is not run.face
        and any(c.isascii() and c.isalpha() for c in run.text)
    )


def _merged(runs: list[Run]) -> list[Run]:
    """Neighbouring runs of one style drawn as one: fewer text objects, and text extraction
    sees whole lines. Shaped runs stay apart (each was shaped and measured on its own)."""
    out: list[Run] = []
    for run in runs:
        if out and not run.face.shaping and _same_style(out[-1], run):
            last = out[-1]
            out[-1] = Run(
                last.text + run.text, last.face, last.bold, last.size, last.color, last.ref
            )
        else:
            out.append(run)
    return out


def _draw_run(canvas, run: Run, x: float, y: float, actual_suffix: str = "") -> None:
    # spaces are drawn too: text extraction needs them between words
    canvas.setFillColorRGB(*run.color)
    canvas.setFont(run.font, run.size)
    if not run.face.shaping or all(ord(c) < 0x250 for c in run.text):
        canvas.drawString(x, y, run.text)
        return
    text = _shaped(run.text, run.font, run.size)
    if is_indic(run.text):
        # shaped Indic glyphs have no Unicode of their own: say what they read as
        hexed = (run.text + actual_suffix).encode("utf-16-be").hex().upper()
        canvas.addLiteral(f"/Span <</ActualText <FEFF{hexed}>>> BDC")
        canvas.drawString(x, y, text)
        canvas.addLiteral("EMC")
    else:
        canvas.drawString(x, y, text)


def _ltr_pieces(words: list[Word], stack: Stack, size: float) -> list[Run]:
    out: list[Run] = []
    for i, word in enumerate(words):
        if i and word.space_before:
            out.append(Run(" ", stack.primary, False, size, (0, 0, 0)))
        out += word.runs
    return out


def _levels(text: str) -> list[int]:
    """Resolved bidi embedding levels of a right-to-left line, in logical order."""
    storage = bidi_algorithm.get_empty_storage()
    storage["base_level"], storage["base_dir"] = 1, "R"
    bidi_algorithm.get_embedding_levels(text, storage, False, False)
    bidi_algorithm.explicit_embed_and_overrides(storage, False)
    bidi_algorithm.resolve_weak_types(storage, False)
    bidi_algorithm.resolve_neutral_types(storage, False)
    bidi_algorithm.resolve_implicit_levels(storage, False)
    return [c["level"] for c in storage["chars"]]


def _visual_pieces(words: list[Word], stack: Stack, size: float) -> list[Run]:
    """The runs of a right-to-left line in visual order (left to right), each a piece of one
    run at one bidi level; odd-level pieces come shaped right to left."""
    # the line in logical order, each character tagged with its run; an isolated word (a
    # number or link) stands as strong left-to-right letters for the algorithm
    chars: list[tuple[str, Run | None, bool]] = []
    probe = []
    for i, word in enumerate(words):
        if i and word.space_before:
            chars.append((" ", None, False))
            probe.append(" ")
        ltr = iter(word.ltr or ())
        for run in word.runs:
            for ch in run.text:
                chars.append((ch, run, word.isolated))
                if word.isolated or next(ltr, False):
                    probe.append("A")
                elif unicodedata.bidirectional(ch) == "BN" and probe:
                    # zero-width joiners and non-joiners (Persian uses them inside words) are
                    # dropped by the algorithm: they stand as the letter before them
                    probe.append(probe[-1])
                else:
                    probe.append(ch)
    levels = _levels("".join(probe))
    pieces: list[tuple[int, Run]] = []
    for (ch, run, _), level in zip(chars, levels, strict=True):
        style = run or Run(" ", stack.primary, False, size, (0, 0, 0))
        if pieces and pieces[-1][0] == level and _same_style(pieces[-1][1], style):
            last = pieces[-1][1]
            pieces[-1] = (
                level,
                Run(last.text + ch, last.face, last.bold, last.size, last.color, last.ref),
            )
        else:
            pieces.append(
                (level, Run(ch, style.face, style.bold, style.size, style.color, style.ref))
            )
    # rule L2: reverse every maximal sequence at each level from the highest to the lowest odd
    top = max(level for level, _ in pieces)
    lowest_odd = min((level for level, _ in pieces if level % 2), default=1)
    order = list(range(len(pieces)))
    for lvl in range(top, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if pieces[order[i]][0] >= lvl:
                j = i
                while j < len(order) and pieces[order[j]][0] >= lvl:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    out = []
    for idx in order:
        level, run = pieces[idx]
        if level % 2 and not any(unicodedata.bidirectional(c) in ("R", "AL") for c in run.text):
            # neutral characters at a right-to-left level: reversed and mirrored here,
            # because HarfBuzz would lay them out left to right
            text = "".join(bidi_algorithm.MIRRORED.get(c, c) for c in reversed(run.text))
            run = Run(text, run.face, run.bold, run.size, run.color, run.ref)
        out.append(run)
    return out


_OPENING = dict(zip("([{", ")]}", strict=True))
_CLOSING = {v: k for k, v in _OPENING.items()}


def _strength(ch: str, isolated: bool) -> str:
    """L, R or N (neutral) for finding embedded left-to-right runs."""
    if isolated:
        return "L"
    kind = unicodedata.bidirectional(ch)
    return "L" if kind == "L" else "R" if kind in ("R", "AL", "AN") else "N"


def _mark_ltr_runs(words: list[Word]) -> None:
    """Set each word's ``ltr`` (see _ltr_masks): from the words' texts alone, so the same
    paragraph laid out at each size a fit tries is looked up, not worked out again."""
    key = tuple((w.text, w.isolated, bool(i and w.space_before)) for i, w in enumerate(words))
    for word, mask in zip(words, _ltr_masks(key), strict=True):
        word.ltr = mask


@lru_cache(maxsize=2048)
def _ltr_masks(words: tuple[tuple[str, bool, bool], ...]) -> tuple[tuple[bool, ...], ...]:
    """For each word (its text, whether it is isolated, whether a space comes before it),
    which of its characters belong to a left-to-right run embedded in right-to-left text,
    found over the whole paragraph (across its lines). A run goes from a Latin letter (or a
    number) to the last one before the next right-to-left letter, and takes in the brackets
    that open or close inside it ("Cyber Civil Rights Initiative (CCRI)", "Childline (<its
    number>)") and a pair that encloses it ("(CCRI)"), so that the bidi algorithm does not
    send a bracket to the far side of the name. A paragraph with Latin words and no
    right-to-left letter at all (an English name and its link, alone in a list) is one run
    with all its punctuation; a number alone ("{rainn}.") is not: its full stop ends a
    right-to-left sentence. Everything else follows the bidi algorithm: a full stop after a
    name ends the right-to-left sentence, on the name's left."""
    text: list[str] = []
    kinds: list[str] = []
    owner: list[int] = []  # the word of each character (-1: the space between words)
    for i, (word, isolated, spaced) in enumerate(words):
        if spaced:
            text.append(" ")
            kinds.append("N")
            owner.append(-1)
        for ch in word:
            text.append(ch)
            kinds.append(_strength(ch, isolated))
            owner.append(i)
    mask = [False] * len(text)
    if "R" not in kinds and any(
        _strength(ch, False) == "L" for w, isolated, _ in words if not isolated for ch in w
    ):
        mask = [True] * len(text)
    k = 0
    while "R" in kinds and k < len(text):
        if kinds[k] != "L":
            k += 1
            continue
        start = end = k
        j = k + 1
        while j < len(text) and kinds[j] != "R":
            if kinds[j] == "L":
                end = j
            j += 1
        start, end = _with_brackets(text, kinds, start, end)
        for m in range(start, end + 1):
            mask[m] = True
        k = max(j, end + 1)
    masks: list[list[bool]] = [[] for _ in words]
    for m, o in zip(mask, owner, strict=True):
        if o >= 0:
            masks[o].append(m)
    return tuple(tuple(m) for m in masks)


def _with_brackets(text: list[str], kinds: list[str], start: int, end: int) -> tuple[int, int]:
    """A left-to-right run grown to take in its brackets (see _mark_ltr_runs)."""
    while True:
        opened: list[int] = []
        unopened: list[int] = []
        for m in range(start, end + 1):
            if text[m] in _OPENING:
                opened.append(m)
            elif text[m] in _CLOSING:
                if opened and text[opened[-1]] == _CLOSING[text[m]]:
                    opened.pop()
                else:
                    unopened.append(m)
        grown = (start, end)
        if opened:  # "Initiative (CCRI" + ")": the closing bracket after it, past neutrals
            want = _OPENING[text[opened[0]]]
            m = end + 1
            while m < len(text) and kinds[m] == "N" and text[m] != want:
                m += 1
            if m < len(text) and text[m] == want and len(opened) == 1:
                grown = (start, m)
        elif unopened:
            want = _CLOSING[text[unopened[-1]]]
            m = start - 1
            while m >= 0 and kinds[m] == "N" and text[m] != want:
                m -= 1
            if m >= 0 and text[m] == want and len(unopened) == 1:
                grown = (m, end)
        elif (
            start > 0
            and end + 1 < len(text)
            and text[start - 1] in _OPENING
            and text[end + 1] == _OPENING[text[start - 1]]
        ):  # "(CCRI)"
            grown = (start - 1, end + 1)
        if grown == (start, end):
            return start, end
        start, end = grown


def _same_style(a: Run, b: Run) -> bool:
    return (
        a.face is b.face
        and a.bold == b.bold
        and a.size == b.size
        and a.color == b.color
        and a.ref == b.ref
    )
