"""Markup: a paragraph's text as reportlab paragraph markup, every string escaped.

Untrusted text stays text. Every string (guide, translation, configured name) is escaped
before it reaches reportlab's paragraph markup, which has had code-injection CVEs; the only
markup is what this module writes around it: bold lead-ins, font changes by glyph coverage,
and the bold, unbreakable number and link runs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

from ..sources.placeholders import Ref, Segment
from .fonts import Stack

NBSP = "\u00a0"
SENTENCE_END = ".!?:;。！？：؟।"
BULLET_INDENT = 1.3  # a bullet's hanging indent, in body sizes


def escape(text: str) -> str:
    """`text` with ``&``, ``<`` and ``>`` escaped, as reportlab's markup and XML text need
    (what ``xml.sax.saxutils.escape`` does; that module imports ``urllib.request`` and with it
    ``http.client``, ``email`` and ``ssl``: about 25 ms of a cold start)."""
    return html.escape(text, quote=False)


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
    keep_together: bool = False  # never split between frames, unless taller than a frame
    role: str = ""  # its structure for a screen reader: "H1".."H6"; "" is P (LI with a bullet)
    number_scale: float = 0.0  # its numbers and links at least this size, in body sizes

    @classmethod
    def of(cls, text: str | Sequence[Segment], **kw) -> Para:
        segs = (text,) if isinstance(text, str) else tuple(text)
        return cls(segments=segs, **kw)


def link_lines(link: str, width: float, font: str, size: float) -> list[str]:
    """A link too wide for one line, cut before a '/' or after a '-' into pieces that fit
    (no line of text starts with '/', so the verifier can join them back). A piece that still
    does not fit stays whole: the fitting then reports it."""
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


LINK_CALLBACK = "leafletsLink"  # the canvas callback told where each number or link is drawn


def _mark(label: str) -> str:
    """A zero-width callback, right after a number or link (or a line of one), telling the
    canvas it has just been drawn (tagging: its own marked content and link annotation).
    It stands outside the number's larger font, which would make a line of its own taller."""
    return f'<onDraw name="{LINK_CALLBACK}" label="{label}"/>'


def _ref_markup(
    ref: Ref,
    size: float,
    min_number: float,
    width: float,
    font: str,
    latin: str | None,
    tagged: bool = False,
) -> str:
    size = max(size, min_number)
    face = f' name="{latin}"' if latin else ""
    if ref.resource.is_phone and ref.variant != "url":
        pieces = [ref.text.replace(" ", NBSP)]  # a number never breaks
    else:
        pieces = link_lines(ref.text, width, font, size)
    if not tagged:
        text = "<br/>".join(escape(x) for x in pieces)
        return f'<font size="{size:.2f}"{face}><b>{text}</b></font>'
    out = []
    for k, piece in enumerate(pieces):
        # the mark carries the piece's text (hex), whose width says where the piece began
        label = f"{ref.resource.id} {ref.variant or '-'} {k} {len(pieces)}"
        out.append(
            f'<font size="{size:.2f}"{face}><b>{escape(piece)}</b></font>'
            + _mark(f"{label} {piece.encode().hex()}")
        )
    return "<br/>".join(out)


def markup(
    para: Para,
    size: float,
    min_number: float,
    width: float = 1e6,
    bold_font: str = "Helvetica-Bold",
    stack: Stack | None = None,
    tagged: bool = False,
) -> str:
    """reportlab paragraph markup for `para`: every string escaped, references bold, runs
    that a language's first font cannot print set in the font that can; with `tagged`, each
    number and link between callbacks that tell the canvas where it is drawn."""
    latin = stack.faces[-1].name if stack is not None and len(stack.faces) > 1 else None
    parts = []
    if para.lead:
        # a lead that is a sentence runs into the text; a lead without end punctuation is a
        # title line of its own
        end = " " if para.lead.rstrip()[-1:] in SENTENCE_END else "<br/>"
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
                    tagged,
                )
            )
        else:
            parts.append(_escaped_runs(seg, stack))
    return "".join(parts)
