"""Typography: the sizes of one format and the fonts of one language, and the paragraph that
lays out a text in them: reportlab's Paragraph for Latin and Cyrillic, our own shaped
paragraph (shaping.py) for Arabic-script, Indic and CJK text.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth

from ..sources.placeholders import Ref
from .fonts import Stack
from .markup import BULLET_INDENT, SENTENCE_END, Para, escape, link_lines, markup
from .platypus import Paragraph, ParaParser, _num, cleanBlockQuotedText, textTransformFrags
from .shaping import ComplexParagraph, Run, Word, balanced_width

# the baseline distance a line with a larger number needs from the line above it: the text's
# descenders (Noto Sans: 0.24 of its size) and a hairline (0.1), then the number's height
# (digits and a link's ascenders: 0.76 of its size); a number's line clears the one below
# by more, its descenders being shorter than the text's ascenders
TEXT_DESCENT, CLEARANCE, NUMBER_ASCENT = 0.24, 0.1, 0.76
HERO_NUMBER = 1.5  # numbers larger than this, in text sizes, are display numbers
BULLET_GAP = 0.6  # after a list item's marker, in its sizes (reportlab's own gap)

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


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
    # told the registry ids of each block of text when it is drawn (Document.record)
    on_draw: Callable[[Iterable[str]], None] | None = field(default=None, repr=False)
    # told what each paragraph is as it is drawn, for the structure tree (render.tagging)
    tags: object | None = field(default=None, repr=False)
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
        return sum(Run(t, f, bold, size, (0, 0, 0)).width for f, t in self.stack.runs(text))

    @property
    def complex(self) -> bool:
        """Arabic-script, Indic and CJK languages use our own line layout (shaping, bidi,
        breaks between characters)."""
        return self.stack.primary.shaping or self.stack.primary.cjk

    def number_size(self, para: Para, size: float) -> float:
        """The size of a paragraph's numbers and links (0 when it has none)."""
        if not any(isinstance(seg, Ref) for seg in para.segments):
            return 0.0
        return max(size * para.scale, self.min_number, size * para.number_scale)

    def even(self, para: Para, size: float) -> bool:
        """Whether every line of the paragraph is one distance apart: yes, unless its
        numbers are display numbers (a poster's hero helpline, more than HERO_NUMBER times
        the text), whose line is taller than the text's lines after it."""
        return self.number_size(para, size) <= HERO_NUMBER * size * para.scale

    def line_spacing(self, para: Para, size: float) -> float:
        """One distance between all the baselines of a paragraph: the language's line
        height (or the font's own extent, ascent to descent, where that is more, as
        reportlab's lines took it), and room for the paragraph's larger bold numbers, so
        that a line with a number is no taller than the others (even leading)."""
        s = size * para.scale
        if not self.even(para, size):
            return s * self.leading  # each line as tall as its largest text needs
        faces = {self.font, self.bold_font}
        extent = max(
            (pdfmetrics.getFont(f).face.ascent - pdfmetrics.getFont(f).face.descent) / 1000
            for f in faces
        )
        return max(s * self.leading, s * extent, number_leading(s, self.number_size(para, size)))

    def style(self, para: Para, size: float) -> ParagraphStyle:
        s = size * para.scale
        leading = self.line_spacing(para, size)
        key = (
            round(s, 3),
            para.bold,
            para.color,
            para.align,
            para.bullet,
            para.indent,
            round(size, 3),
            round(leading, 3),
            self.even(para, size),
        )
        st = self._styles.get(key)
        if st is None:
            bullet_w = self.hanging(para, size)
            st = ParagraphStyle(
                name=f"p{len(self._styles)}",
                fontName=self.bold_font if para.bold else self.font,
                fontSize=s,
                leading=leading,
                # every line the same, no taller line for a number; a display number's
                # line is as tall as it needs
                autoLeading="off" if self.even(para, size) else "max",
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

    def hanging(self, para: Para, size: float) -> float:
        """The hanging indent of a list item: where its text starts, on every line. At least
        BULLET_INDENT body sizes, and wide enough for its marker ("10.") and the gap after it
        (reportlab's: 0.6 of the marker's size), which would otherwise push the first line's
        text past the indent of the lines below it."""
        if not para.bullet:
            return 0.0
        s = size * para.scale
        if self.complex:
            runs = self.stack.runs(para.bullet)
            marker = sum(Run(t, f, True, s, para.color).width for f, t in runs)
        else:
            marker = stringWidth(para.bullet, self.stack.faces[-1].bold_name, s)
        return max(size * BULLET_INDENT, marker + BULLET_GAP * s)

    def paragraph(self, para: Para, size: float, width: float = 1e6):
        """A reportlab Paragraph, or a shaped paragraph for Arabic-script and Indic text."""
        inner = width - self.hanging(para, size) - para.indent * size
        if self.complex:
            shaped = shaped_paragraph(para, size, self, inner)
            shaped.balance = para.role.startswith("H")
            return shaped
        text = markup(
            para,
            size * para.scale,
            max(self.min_number, size * para.number_scale),
            inner,
            self.bold_font,
            self.stack,
            tagged=self.tags is not None,
        )
        style = self.style(para, size)
        frags = parsed(text, style)
        p = _Paragraph(
            text if frags is None else cleanBlockQuotedText(text),
            style,
            bulletText=escape(para.bullet) if para.bullet else None,
            frags=frags,
        )
        p.balance = para.role.startswith("H")
        return p


# reportlab's parse of a paragraph's markup (its fragments) at stand-in sizes, by the markup
# with its numbers' size left out and what the parse reads of the style (font, colour): a
# fit lays the same text out at each size it tries, and the parse (html.parser) was the
# largest part of making a Paragraph. A fragment's size is the only thing a size changes in
# it: the style's size, or the size of the number's <font> around it.
_PARSED: OrderedDict[tuple, list | None] = OrderedDict()
_PARSED_MAX = 256
_BODY, _NUMBER = 1009.75, "1013.25"  # stand-in sizes no text is set at
_NUMBER_SIZE = re.compile(r'<font size="([^"]*)"')  # only markup.py writes "<" (text: &lt;)


def parsed(text: str, style: ParagraphStyle) -> list | None:
    """The fragments reportlab's parser makes of `text` in `style`, from the parse of the
    same markup at any other size; None when they cannot be (numbers of two sizes, a
    fragment of a size of its own), and reportlab then parses it itself."""
    numbers = set(_NUMBER_SIZE.findall(text))
    if len(numbers) > 1:
        return None
    template = _NUMBER_SIZE.sub(f'<font size="{_NUMBER}"', text)
    key = (template, style.fontName, repr(style.textColor), style.textTransform)
    frags = _PARSED.get(key, ())
    if frags == ():
        frags = _parse_at_stand_in_sizes(template, style)
        _PARSED[key] = frags
        if len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    else:
        _PARSED.move_to_end(key)
    if frags is None:
        return None
    sizes = {_BODY: style.fontSize, _num(_NUMBER): _num(numbers.pop()) if numbers else None}
    out = [
        f.clone(fontSize=sizes[f.fontSize], link=list(f.link), us_lines=list(f.us_lines))
        for f in frags
    ]
    for f in out:
        if hasattr(f, "cbDefn"):
            f.cbDefn = f.cbDefn.clone()
    textTransformFrags(out, style)
    return out


def _parse_at_stand_in_sizes(template: str, style: ParagraphStyle) -> list | None:
    """What Paragraph's own setup parses, with the style at the stand-in body size."""
    stand_in = copy.copy(style)
    stand_in.fontSize = _BODY
    parser = ParaParser()
    parser.caseSensitive = 1  # Paragraph's default
    try:
        _, frags, bullet_frags = parser.parse(cleanBlockQuotedText(template), stand_in)
    except Exception:  # reportlab's own parse of the real text says what is wrong
        return None
    sizes = (_BODY, _num(_NUMBER))
    if frags is None or bullet_frags or any(f.fontSize not in sizes for f in frags):
        return None
    return frags


def number_leading(text: float, number: float) -> float:
    """The baseline distance a line with a number `number` points large needs below a line
    of text `text` points large (0 without numbers)."""
    if not number:
        return 0.0
    return (TEXT_DESCENT + CLEARANCE) * text + NUMBER_ASCENT * number


# reportlab lets a line run a fraction of a point past the box when it breaks; more than this
# is a word or number that cannot break.
OVERFLOW_TOLERANCE_PT = 1.0


def lines_overflow(bl) -> bool:
    """A line of a broken reportlab paragraph (its ``blPara``) runs past its measure: a word
    or number that cannot break is wider than the box."""
    return any(
        (line.extraSpace if hasattr(line, "extraSpace") else line[0]) < -OVERFLOW_TOLERANCE_PT
        for line in bl.lines
    )


class _Paragraph(Paragraph):
    """reportlab's Paragraph, which tells its ``tags`` (set when it is drawn for a tagged
    document) when its bullet has been drawn (the bullet is the first text object it draws),
    so that the list item's label ends there and its body begins."""

    tags = None
    balance = False  # a heading: no last line of one word when a narrower measure helps
    _shift = 0.0  # how far right its narrower lines stand (centred or right-aligned)

    def wrap(self, avail_width, avail_height):
        self._shift = 0.0
        w, h = self._wrap(avail_width, avail_height)
        if not self.balance or len(self.blPara.lines) < 2 or not self._lone():
            return w, h
        inner = avail_width - self.style.leftIndent - self.style.rightIndent

        def attempt(width: float):
            self._wrap(width + avail_width - inner, avail_height)
            return len(self.blPara.lines), lines_overflow(self.blPara), self._lone()

        best = balanced_width(len(self.blPara.lines), inner, attempt)
        if best is None:
            return self._wrap(avail_width, avail_height)
        _, h = self._wrap(best + avail_width - inner, avail_height)
        room = avail_width - self.width
        self._shift = {TA_CENTER: room / 2, TA_RIGHT: room}.get(self.style.alignment, 0.0)
        return avail_width, h

    def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802 -- reportlab's name
        super().drawOn(canvas, x + self._shift, y, _sW)

    def _lone(self) -> bool:
        """The last line is one word."""
        last = self.blPara.lines[-1]
        if self.blPara.kind == 0:
            return len(last[1]) <= 1
        return getattr(last, "wordCount", len(last.words)) <= 1

    def _wrap(self, avail_width, avail_height):
        w, h = super().wrap(avail_width, avail_height)
        bl = self.blPara
        if bl.kind == 1 and bl.lines and self.style.autoLeading == "off":
            # the first baseline where a line of the paragraph's own font puts it, a number
            # in the line or not: with one leading for every line (Typography.line_spacing),
            # a larger number must not push the paragraph's text down
            # (reportlab puts it by the line's largest font size, or with
            # rl_config.paraFontSizeHeightOffset off, by its ascent)
            style = self.style
            first = bl.lines[0]
            first.fontSize = style.fontSize
            first.ascent = pdfmetrics.getFont(style.fontName).face.ascent / 1000 * style.fontSize
        return w, h

    def draw(self) -> None:
        canv = self.canv
        if self.tags is None or not self.bulletText:
            super().draw()
            return
        draw_text = canv.drawText

        def once(text_object) -> None:
            del canv.drawText  # the canvas's own method again
            draw_text(text_object)
            self.tags.after_bullet(canv)

        canv.drawText = once
        try:
            super().draw()
        finally:
            canv.__dict__.pop("drawText", None)


# kinsoku: characters a CJK line may not start with (closing brackets and punctuation, small
# kana, iteration and prolonged-sound marks), and may not end with (opening brackets)
_NO_LINE_START = set(
    "、。，．：；？！）」』】〕〉》〗〙〟”’｝］｠»ー…‥・々〻ゝゞヽヾ゛゜"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    ".,:;?!)]}%％‼⁇⁈⁉"
)
_NO_LINE_END = set("（「『【〔〈《〖〘〝“‘｛［｟«([{")
_PAIRS = dict(zip("（「『【〔〈《(", "）」』】〕〉》)", strict=True))
_BRACKETED_NAME = 12  # a bracketed name of at most this many characters stays on one line

_KATAKANA = "\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_CJK_TOKEN = re.compile(
    # a Latin word or number (with the punctuation inside it: "24/7", "takeitdown.ncmec.org")
    r"[A-Za-z0-9\u00C0-\u024F@#&'’\-./:]+"
    # a katakana word or name, its parts joined by middle dots ("テイク・イット・ダウン")
    f"|[{_KATAKANA}]+(?:[・\u30fb][{_KATAKANA}]+)*"
    r"|."
)


def _cjk_tokens(chunk: str) -> list[str]:
    """A Chinese or Japanese text cut where a line may break: between ideographs and kana;
    Latin words, numbers and katakana words stay whole."""
    return _CJK_TOKEN.findall(chunk)


def _cjk_words(chunk: str) -> list[tuple[str, bool, bool]]:
    """The tokens of a Chinese, Japanese or Korean chunk, each with whether a line may break
    before it, and whether it may in need (when the words around it are wider than the line).
    Kinsoku: never before closing punctuation, never after an opening bracket; a short
    bracketed name ("（CCRI）", "（全米性暴力ホットライン）") breaks only in need."""
    tokens = _cjk_tokens(chunk)
    allowed = [True] * len(tokens)  # kinsoku allows a break before token k
    named = [False] * len(tokens)  # token k is inside a bracketed name (or ends it)
    for k, token in enumerate(tokens):
        if k and (token[0] in _NO_LINE_START or tokens[k - 1][-1] in _NO_LINE_END):
            allowed[k] = False
        close = _PAIRS.get(token)
        if close is None:
            continue
        for j in range(k + 1, len(tokens)):
            if tokens[j] == close:
                inner = "".join(tokens[k + 1 : j])
                if len(inner) <= _BRACKETED_NAME and not any(_punctuation(c) for c in inner):
                    for m in range(k + 1, j + 1):
                        named[m] = True
                break
            if tokens[j] in _PAIRS:
                break
    return [
        (t, ok and not name, ok and name)
        for t, ok, name in zip(tokens, allowed, named, strict=True)
    ]


def _punctuation(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PZ" and ch not in "・\u30fb-&'’./"


def _latin_word(word) -> bool:
    return not word.isolated and all(c.isascii() and c.isalpha() for c in word.text)


def _latin_edge(word, end: int) -> bool:
    """The word begins (end 0) or ends (end -1) with a Latin letter, and is no number."""
    text = word.text
    return not word.isolated and bool(text) and text[end].isascii() and text[end].isalpha()


def shaped_paragraph(para: Para, size: float, typo: Typography, inner: float):
    """The paragraph as words of shaped runs (see shaping.py)."""
    s = size * para.scale
    stack = typo.stack
    latin = stack.faces[-1]

    korean = stack.locale.split("-")[0] == "ko"
    words: list[Word] = []
    glued = False  # the next word touches the one before (no space between them)

    def add_text(text: str, bold: bool) -> None:
        nonlocal glued
        for i, chunk in enumerate(text.split(" ")):
            if i:
                glued = False
            if not chunk:
                continue
            tokens = _cjk_words(chunk) if stack.primary.cjk else [(chunk, True, False)]
            for k, (token, breakable, in_need) in enumerate(tokens):
                runs = [Run(t, f, bold, s, para.color) for f, t in stack.runs(token)]
                first = k == 0
                # Korean puts spaces between words and breaks lines there, never between
                # the syllables of a word, unless a word alone is wider than its line
                if korean and breakable:
                    breakable, in_need = False, True
                words.append(
                    Word(
                        runs,
                        space_before=first and not glued and bool(words),
                        break_before=(not glued) if first else breakable,
                        break_in_need=not first and in_need,
                    )
                )
            glued = True
        glued = glued and not text.endswith(" ")

    if para.lead:
        add_text(para.lead, True)
        glued = False
        if words and para.lead.rstrip()[-1:] not in SENTENCE_END:
            words[-1].line_break_after = True
    for seg in para.segments:
        if isinstance(seg, Ref):
            n = max(s, typo.min_number, size * para.number_scale)
            if seg.resource.is_phone and seg.variant != "url":
                pieces = [seg.text]
            else:
                pieces = link_lines(seg.text, inner, latin.bold_name, n)
            for i, piece in enumerate(pieces):
                ref = (seg.resource.id, seg.variant or "-", i, len(pieces))
                word = Word(
                    [Run(piece, latin, True, n, para.color, ref)],
                    isolated=True,
                    space_before=not glued and bool(words) and i == 0,
                )
                word.line_break_after = i < len(pieces) - 1
                # Chinese and Japanese write a number straight after the text ("：1-800…"):
                # the line may break before it when the text around is wider than the line
                word.break_in_need = (
                    stack.primary.cjk
                    and not korean
                    and i == 0
                    and glued
                    and bool(words)
                    and words[-1].text[-1:] not in _NO_LINE_END
                )
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
    elif stack.primary.cjk:
        # nor inside Chinese, Japanese or Korean text ("Take It / Down을"), but in need
        for prev, word in zip(words, words[1:]):
            if (
                _latin_edge(prev, -1)
                and _latin_edge(word, 0)
                and word.breakable
                and not prev.line_break_after
            ):
                word.break_before, word.break_in_need = False, True
    bullet = (
        [Run(t, f, True, s, para.color) for f, t in stack.runs(para.bullet)] if para.bullet else []
    )
    indent = typo.hanging(para, size) + para.indent * size
    align = {"left": "start", "right": "end", "center": "center"}[para.align]
    numbers = max((w.size for w in words if w.isolated), default=0.0)
    out = ComplexParagraph(words, stack, s, typo.rtl, align, bullet, indent)
    if numbers <= HERO_NUMBER * s:  # even leading, but for a display number's line
        out.leading = max(s * stack.line_height, number_leading(s, numbers))
    return out
