"""Text: from segments (plain text and resource references) to laid-out paragraphs that fit.

Two rules live here and nowhere else:

* Untrusted text stays text. Every string (guide, translation, configured name) is escaped
  before it reaches reportlab's paragraph markup, which has had code-injection CVEs; the only
  markup is what this module writes around it.
* Text fits or says so. :func:`fit` shrinks a stack of paragraphs, all in proportion, down to
  a floor; if it still does not fit (too tall, or a word or number wider than the box), it
  raises :class:`FitError` naming what did not fit. Nothing is ever clipped.

Numbers and links (resource references) are printed bold, never smaller than the format's
number size, and never broken across lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from .content import Ref, Segment
from .errors import FitError
from .fonts import Stack

NBSP = "\u00a0"
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


@dataclass(frozen=True)
class Para:
    """One paragraph to lay out: its text and how it should look relative to the body size."""

    segments: tuple[Segment, ...]
    scale: float = 1.0  # font size relative to the body size
    bold: bool = False
    color: tuple[float, float, float] = (0.1, 0.1, 0.12)
    align: str = "left"
    bullet: str = ""  # e.g. "1." or "•"; hangs in the left indent
    indent: float = 0.0  # extra left indent, in body sizes
    space_before: float = 0.0  # in body sizes
    lead: str = ""  # a bold lead-in before the segments
    keep_with_next: bool = False

    @classmethod
    def of(cls, text: str | Sequence[Segment], **kw) -> Para:
        segs = (text,) if isinstance(text, str) else tuple(text)
        return cls(segments=segs, **kw)


def link_lines(link: str, width: float, font: str, size: float) -> list[str]:
    """A link too wide for one line, cut before a '/' or after a '-' into pieces that fit
    (no line of text starts with '/', so the verifier can join them back). A piece that still
    does not fit stays whole: the fitting then reports it."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(link, font, size) <= width:
        return [link]
    pieces = [p for p in re.split(r"(?<![:/])(?=/)|(?<=-)", link) if p]
    lines, current = [], ""
    for piece in pieces:
        if current and stringWidth(current + piece, font, size) > width:
            lines.append(current)
            current = piece
        else:
            current += piece
    return lines + [current] if current else lines


def _escaped_runs(text: str, stack: Stack | None) -> str:
    """Escaped text, with a font change wherever the language's first font cannot print a
    character (Latin in a CJK text, for example)."""
    if stack is None or len(stack.faces) == 1:
        return escape(text)
    return "".join(
        escape(run) if face is stack.primary else f'<font name="{face.name}">{escape(run)}</font>'
        for face, run in stack.runs(text)
    )


def _ref_markup(
    ref: Ref, size: float, min_number: float, width: float, font: str, latin: str | None
) -> str:
    size = max(size, min_number)
    if ref.resource.is_phone and ref.variant != "url":
        text = escape(ref.text).replace(" ", NBSP)  # a number never breaks
    else:
        text = "<br/>".join(escape(x) for x in link_lines(ref.text, width, font, size))
    face = f' name="{latin}"' if latin else ""
    return f'<font size="{size:.2f}"{face}><b>{text}</b></font>'


def markup(
    para: Para,
    size: float,
    min_number: float,
    width: float = 1e6,
    bold_font: str = "Helvetica-Bold",
    stack: Stack | None = None,
) -> str:
    """reportlab paragraph markup for `para`: every string escaped, references bold, runs
    that a language's first font cannot print set in the font that can."""
    latin = stack.faces[-1].name if stack is not None and len(stack.faces) > 1 else None
    parts = []
    if para.lead:
        # a lead that is a sentence runs into the text; a lead without end punctuation is a
        # title line of its own
        end = " " if para.lead.rstrip()[-1:] in _SENTENCE_END else "<br/>"
        parts.append(f"<b>{_escaped_runs(para.lead, stack)}</b>{end}")
    for seg in para.segments:
        if isinstance(seg, Ref):
            parts.append(
                _ref_markup(
                    seg,
                    size,
                    min_number,
                    width,
                    stack.faces[-1].bold_name if latin else bold_font,
                    latin,
                )
            )
        else:
            parts.append(_escaped_runs(seg, stack))
    return "".join(parts)


_SENTENCE_END = ".!?:;。！？：؟।"


@dataclass
class Fitted:
    """Paragraphs laid out at one size, ready to draw top-down."""

    items: list[tuple[Paragraph, float, float]]  # (paragraph, space before, height)
    size: float  # body size used
    width: float
    height: float  # total height used

    def draw(self, canvas, x: float, top: float) -> float:
        """Draw from `top` downwards; returns the y below the last paragraph."""
        y = top
        for para, before, h in self.items:
            y -= before
            para.drawOn(canvas, x, y - h)
            y -= h
        return y


@dataclass
class Typography:
    """The sizes of one format and the fonts of one language: body size range, number floor,
    font stack, direction."""

    stack: Stack
    max_size: float
    min_size: float
    min_number: float = 8.0  # phone numbers and links never smaller
    rtl: bool = False
    step: float = 0.25
    _styles: dict = field(default_factory=dict, repr=False)

    @property
    def font(self) -> str:
        return self.stack.primary.name

    @property
    def bold_font(self) -> str:
        return self.stack.primary.bold_name

    @property
    def leading(self) -> float:
        return self.stack.line_height

    def measure(self, text: str, size: float, bold: bool = False) -> float:
        """The printed width of a plain text in this language's fonts."""
        from .shaping import Run

        return sum(Run(t, f, bold, size, (0, 0, 0)).width for f, t in self.stack.runs(text))

    @property
    def complex(self) -> bool:
        """Arabic-script, Indic and CJK languages use our own line layout (shaping, bidi,
        breaks between characters)."""
        return self.stack.primary.shaping or self.stack.primary.cjk

    def style(self, para: Para, size: float) -> ParagraphStyle:
        s = size * para.scale
        key = (
            round(s, 3),
            para.bold,
            para.color,
            para.align,
            bool(para.bullet),
            para.indent,
            round(size, 3),
        )
        st = self._styles.get(key)
        if st is None:
            bullet_w = size * 1.3 if para.bullet else 0
            st = ParagraphStyle(
                name=f"p{len(self._styles)}",
                fontName=self.bold_font if para.bold else self.font,
                fontSize=s,
                leading=s * self.leading,
                autoLeading="max",
                textColor=para.color,
                alignment=_ALIGN[para.align],
                leftIndent=bullet_w + para.indent * size,
                bulletIndent=para.indent * size,
                bulletFontName=self.stack.faces[-1].bold_name,
                bulletFontSize=s,
                splitLongWords=0,
                spaceShrinkage=0,  # a line never runs past its box
                allowWidows=1,
                allowOrphans=1,
                wordWrap="CJK" if self.stack.primary.cjk else None,
            )
            self._styles[key] = st
        return st

    def paragraph(self, para: Para, size: float, width: float = 1e6):
        """A reportlab Paragraph, or a shaped paragraph for Arabic-script and Indic text."""
        inner = width - size * (1.3 if para.bullet else 0) - para.indent * size
        if self.complex:
            return shaped_paragraph(para, size, self, inner)
        return Paragraph(
            markup(para, size * para.scale, self.min_number, inner, self.bold_font, self.stack),
            self.style(para, size),
            bulletText=escape(para.bullet) if para.bullet else None,
        )


# kinsoku: characters a CJK line may not start with, and may not end with
_NO_LINE_START = set(
    "、。，．：；？！）」』】〕〉》”’ー…・々ゝゞヽヾ"
    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ.,:;?!)]}%"
)
_NO_LINE_END = set("（「『【〔〈《“‘([{")


def _cjk_tokens(chunk: str) -> list[str]:
    """A CJK text cut where a line may break: between ideographs, kana and hangul syllables;
    Latin words and numbers stay whole."""
    return re.findall(r"[A-Za-z0-9\u00C0-\u024F@#&'’\-./:]+|.", chunk)


def _latin_word(word) -> bool:
    return not word.isolated and all(c.isascii() and c.isalpha() for c in word.text)


def shaped_paragraph(para: Para, size: float, typo: Typography, inner: float):
    """The paragraph as words of shaped runs (see shaping.py)."""
    from .shaping import ComplexParagraph, Run, Word

    s = size * para.scale
    stack = typo.stack
    latin = stack.faces[-1]

    words: list[Word] = []
    glued = False  # the next word touches the one before (no space between them)

    def add_text(text: str, bold: bool) -> None:
        nonlocal glued
        for i, chunk in enumerate(text.split(" ")):
            if i:
                glued = False
            if not chunk:
                continue
            tokens = _cjk_tokens(chunk) if stack.primary.cjk else [chunk]
            for k, token in enumerate(tokens):
                runs = [Run(t, f, bold, s, para.color) for f, t in stack.runs(token)]
                first = k == 0
                # Chinese, Japanese and Korean lines may break between characters, but not
                # before closing punctuation nor after opening punctuation
                breakable = first or (
                    token[0] not in _NO_LINE_START and tokens[k - 1][-1] not in _NO_LINE_END
                )
                words.append(
                    Word(
                        runs,
                        space_before=first and not glued and bool(words),
                        break_before=breakable and (first and not glued or not first),
                    )
                )
            glued = True
        glued = glued and not text.endswith(" ")

    if para.lead:
        add_text(para.lead, True)
        glued = False
        if words and para.lead.rstrip()[-1:] not in _SENTENCE_END:
            words[-1].line_break_after = True
    for seg in para.segments:
        if isinstance(seg, Ref):
            n = max(s, typo.min_number)
            if seg.resource.is_phone and seg.variant != "url":
                pieces = [seg.text]
            else:
                pieces = link_lines(seg.text, inner, latin.bold_name, n)
            for i, piece in enumerate(pieces):
                word = Word(
                    [Run(piece, latin, True, n, para.color)],
                    isolated=True,
                    space_before=not glued and bool(words) and i == 0,
                )
                word.line_break_after = i < len(pieces) - 1
                words.append(word)
            glued = True
        else:
            add_text(seg, para.bold)
    if typo.rtl:
        # a name in Latin letters inside right-to-left text ("Take It Down") is never broken
        # over two lines: its second half would land on the wrong side
        for prev, word in zip(words, words[1:]):
            if _latin_word(prev) and _latin_word(word) and not prev.line_break_after:
                word.break_before = False
    bullet = (
        [Run(t, f, True, s, para.color) for f, t in stack.runs(para.bullet)] if para.bullet else []
    )
    indent = (size * 1.3 if para.bullet else 0) + para.indent * size
    align = {"left": "start", "right": "end", "center": "center"}[para.align]
    return ComplexParagraph(words, stack, s, typo.rtl, align, bullet, indent)


# reportlab lets a line run a fraction of a point past the box when it breaks; more than this
# is a word or number that cannot break.
OVERFLOW_TOLERANCE_PT = 1.0


def _overflows(p: Paragraph, width: float) -> bool:
    """True when a line is wider than the box (a word or number that cannot break)."""
    if hasattr(p, "overflow"):
        return p.overflow
    bl = getattr(p, "blPara", None)
    if bl is None:
        return False
    for line in bl.lines:
        extra = line.extraSpace if hasattr(line, "extraSpace") else line[0]
        if extra < -OVERFLOW_TOLERANCE_PT:
            return True
    return False


def layout(paras: Sequence[Para], typo: Typography, size: float, width: float):
    """Lay out at one body size: (Fitted, overflowing paragraph index or None)."""
    items = []
    total = 0.0
    bad = None
    for i, para in enumerate(paras):
        p = typo.paragraph(para, size, width)
        _, h = p.wrap(width, 1e6)
        if bad is None and _overflows(p, width):
            bad = i
        before = para.space_before * size if items else 0.0
        items.append((p, before, h))
        total += before + h
    return Fitted(items, size, width, total), bad


def _sizes(typo: Typography) -> list[float]:
    """The body sizes to try, largest first, a step apart, down to the floor."""
    top = typo.max_size
    n = max(0, int((top - typo.min_size) / typo.step + 1e-9))
    return [top - i * typo.step for i in range(n + 1)]


def largest_fitting(sizes: list[float], attempt: Callable[[float], object | None]):
    """The result of `attempt` at the largest size for which it succeeds (not None), found by
    bisection: text that fits at a size fits at every smaller one. None if none does."""
    if not sizes:
        return None
    first = attempt(sizes[0])  # short texts fit at the largest size: one layout
    if first is not None or len(sizes) == 1:
        return first
    best = attempt(sizes[-1])
    if best is None:
        return None
    lo, hi = 1, len(sizes) - 1  # sizes[hi] fits, sizes[0] does not
    while lo < hi:
        mid = (lo + hi) // 2
        got = attempt(sizes[mid])
        if got is None:
            lo = mid + 1
        else:
            hi, best = mid, got
    return best


def fit(paras: Sequence[Para], typo: Typography, width: float, height: float, what: str) -> Fitted:
    """The largest body size (from max down to the floor) at which everything fits the box.

    Raises FitError naming `what` when even the floor size is too tall or too wide.
    """

    def attempt(size: float) -> Fitted | None:
        fitted, bad = layout(paras, typo, size, width)
        return fitted if bad is None and fitted.height <= height + 0.01 else None

    found = largest_fitting(_sizes(typo), attempt)
    if found is not None:
        return found
    fitted, bad = layout(paras, typo, typo.min_size, width)
    if bad is not None:
        text = "".join(s if isinstance(s, str) else s.text for s in paras[bad].segments)
        raise FitError(
            f"{what}: a word or number in {text[:40]!r} is wider than the space even at "
            f"{typo.min_size:g} pt; shorten the text"
        )
    raise FitError(
        f"{what}: the text needs {fitted.height / 2.8346:.0f} mm but only "
        f"{height / 2.8346:.0f} mm is free even at {typo.min_size:g} pt; shorten the text"
    )


def _pour(
    paras: Sequence[Para], typo: Typography, size: float, frames: Sequence[tuple[float, float]]
) -> tuple[list[Fitted] | None, int | None]:
    """Pour paragraphs into frames in order at one size, splitting paragraphs between frames.

    Returns (one Fitted per frame, None) when everything fits, (None, None) when it runs out of
    frames, and (None, index) when paragraph `index` has a line wider than its frame.
    """
    out = [Fitted([], size, w, 0.0) for w, _ in frames]
    queue = [(typo.paragraph(p, size, frames[0][0]), p, True) for p in paras]
    fi, used, i = 0, 0.0, 0
    while i < len(queue):
        if fi >= len(frames):
            return None, None
        w, h = frames[fi]
        para, spec, first = queue[i]
        _, ph = para.wrap(w, 1e6)
        if _overflows(para, w):
            return None, i
        before = spec.space_before * size if out[fi].items and first else 0.0
        need = before + ph
        if spec.keep_with_next and i + 1 < len(queue):
            nxt = queue[i + 1][1]
            two_lines = 2.4 * size * nxt.scale * typo.leading  # a heading keeps two lines
            need += min(queue[i + 1][0].wrap(w, 1e6)[1], two_lines) + nxt.space_before * size
        if used + need <= h + 0.01:
            out[fi].items.append((para, before, ph))
            used += before + ph
            i += 1
            continue
        room = h - used - before
        parts = para.split(w, room) if room > 0 and not spec.keep_with_next else []
        if len(parts) == 2:
            _, h0 = parts[0].wrap(w, room)
            out[fi].items.append((parts[0], before, h0))
            queue[i] = (parts[1], spec, False)
        fi, used = fi + 1, 0.0
        if fi < len(out):
            out[fi - 1].height = sum(b + hh for _, b, hh in out[fi - 1].items)
    for f in out:
        f.height = sum(b + hh for _, b, hh in f.items)
    return out, None


def fit_flow(
    paras: Sequence[Para], typo: Typography, frames: Sequence[tuple[float, float]], what: str
) -> list[Fitted]:
    """The largest body size at which the paragraphs, poured in order, fill no more than the
    frames (for example the panels of a leaflet). Raises FitError naming `what` otherwise."""
    found = largest_fitting(_sizes(typo), lambda size: _pour(paras, typo, size, frames)[0])
    if found is not None:
        return found
    _, bad = _pour(paras, typo, typo.min_size, frames)
    if bad is not None:
        text = "".join(s if isinstance(s, str) else s.text for s in paras[bad].segments)
        raise FitError(
            f"{what}: a word or number in {text[:40]!r} is wider than the panel even "
            f"at {typo.min_size:g} pt; shorten the text"
        )
    raise FitError(
        f"{what}: the text does not fit its {len(frames)} panel(s) even at "
        f"{typo.min_size:g} pt; shorten the text"
    )


def fit_together(
    blocks: Sequence[tuple[Sequence[Para], float]],
    typo: Typography,
    fits: Callable[[list[Fitted]], bool],
    what: str,
) -> list[Fitted]:
    """Lay several blocks (paragraphs, width) out at one common body size: the largest, from
    the maximum down to the floor, at which no line overflows and ``fits(laid_out)`` holds.

    For layouts whose boxes depend on each other (a poster's columns and the block below
    them); raises FitError naming `what` when even the floor does not fit.
    """

    def attempt(size: float) -> list[Fitted] | None:
        laid = []
        for paras, width in blocks:
            fitted, bad = layout(paras, typo, size, width)
            if bad is not None:
                return None
            laid.append(fitted)
        return laid if fits(laid) else None

    found = largest_fitting(_sizes(typo), attempt)
    if found is not None:
        return found
    overflow = None
    for paras, width in blocks:
        _, bad = layout(paras, typo, typo.min_size, width)
        if bad is not None:
            overflow = paras[bad]
            break
    if overflow is not None:
        text = "".join(s if isinstance(s, str) else s.text for s in overflow.segments)
        raise FitError(
            f"{what}: a word or number in {text[:40]!r} is wider than its column "
            f"even at {typo.min_size:g} pt; shorten the text"
        )
    raise FitError(f"{what}: the text does not fit even at {typo.min_size:g} pt; shorten the text")
