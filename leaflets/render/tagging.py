"""What a screen reader reads: the structure of a document, recorded while a format draws it.

A tagged PDF says what its content is (a heading, a paragraph, a list item, a link, a figure)
and in which order a person reads it. reportlab writes no structure tree, but it writes what
the content stream needs: every piece of real content is drawn inside a marked-content
sequence with an MCID (``/P <</MCID 3>> BDC ... EMC``), and everything else (backgrounds,
bands, crop and fold marks, the repeated cards of a card sheet) inside ``/Artifact BMC ...
EMC``. :class:`Tags` does that while a format draws, and records, for each marked sequence,
the structure element it belongs to; ``build.pdfua`` turns the record into the structure tree,
the link annotations and the metadata after reportlab has written the file.

How formats use it:

* every text block drawn through ``doc.typography(...)`` is tagged by itself: a ``Para`` with
  a ``role`` ("H1", "H2", ...) is a heading, one with a bullet a list item (``L`` > ``LI`` >
  ``Lbl`` + ``LBody``; numbered bullets give ``/ListNumbering /Decimal``), any other a ``P``;
  every number and link in it is a ``Link`` element over its own marked content, with a link
  annotation (``tel:`` or ``https:``, from the registry) whose ``/Contents`` says what it
  does;
* ``with tags.region(key, name)``: the reading order. Elements are read by region key, then
  in the order they were drawn; a format draws in whatever order its layout needs (the card's
  footer before its headline) and says in which order a person reads;
* ``with tags.figure(canvas, alt, box)``: a QR code or a logo, with its alternative text;
* ``with tags.artifact()``: content drawn again for print only (the other nine cards of a
  sheet), never read.

Nothing is drawn differently: the record is operators that do not paint.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

from ..files import cache_get, cache_put
from ..i18n.catalogs import po_path, read_catalog
from ..i18n.checks import catalog_key, message_problems
from ..i18n.extract import A11Y_MESSAGES
from ..i18n.locales import SOURCE_LOCALE
from ..i18n.localise import LocalisedGuide
from ..sources.registry import Registry, Resource
from ..text.markup import LINK_CALLBACK, Para

HEADING = re.compile(r"H([1-6])")

# Clickable numbers and links in right-to-left languages wait for verify: it reads the text
# under a link annotation in pdfium's logical order, which reverses a number's digit groups
# and a host's labels inside a right-to-left line ("1111 0800", "gov3.ic"), and so reports
# every such link as lying over text that does not name it. Once verify reads that text by
# position, as it reads numbers, this can be True (the structure and tests are ready).
LINKS_RIGHT_TO_LEFT = True


@dataclass(frozen=True)
class MC:
    """One marked-content sequence: its page (from 0) and MCID."""

    page: int
    mcid: int


@dataclass(frozen=True)
class Annot:
    """A link annotation: page, the boxes of its lines in page space (a link broken over
    lines is one annotation), target and what a reader says."""

    page: int
    boxes: tuple[tuple[float, float, float, float], ...]
    uri: str
    contents: str

    @property
    def rect(self) -> tuple[float, float, float, float]:
        return (
            min(b[0] for b in self.boxes),
            min(b[1] for b in self.boxes),
            max(b[2] for b in self.boxes),
            max(b[3] for b in self.boxes),
        )


@dataclass
class Node:
    """A structure element: its role, its children in reading order (elements, marked
    content, link annotations) and what it says of itself."""

    role: str
    kids: list = field(default_factory=list)
    alt: str = ""
    lang: str = ""  # when it differs from the document's
    bbox: tuple[float, float, float, float] | None = None  # a Figure's, in page space
    numbering: str = ""  # a list's /ListNumbering
    target: str = ""  # a Link's URI
    actual: str = ""  # its text in logical order (/ActualText: right-to-left languages)
    part: str = ""  # the region it was drawn in, for build errors

    def walk(self) -> Iterator[Node]:
        yield self
        for k in self.kids:
            if isinstance(k, Node):
                yield from k.walk()


# ----------------------------------------------------------------------------- speech


@dataclass(frozen=True)
class Speech:
    """What a screen reader says for a QR code or a link, in the page's language where the
    catalog has it (else English, marked as English)."""

    texts: dict[str, tuple[str, str]]  # key -> (template, its language if not the page's)
    # generic registry names in the page's language (LocalisedGuide.words): "registry.<id>"
    # -> (English, translation), said inside a translated template
    names: dict[str, tuple[str, str]] = field(default_factory=dict)

    def _say(self, key: str, res: Resource) -> tuple[str, str]:
        template, lang = self.texts[key]
        name = res.name
        own = self.names.get(f"registry.{res.id}")
        if res.generic and not lang and own and own[0] == res.name:
            name = own[1]
        values = {"name": name, "number": spoken_number(res), "address": address(res)}
        return template.format(**values), lang

    def link(self, res: Resource, variant: str) -> tuple[str, str]:
        """(/Contents, language) of a link annotation over a printed number or link."""
        return self._say("a11y.link_call" if _dials(res, variant) else "a11y.link_open", res)

    def code(self, res: Resource) -> tuple[str, str]:
        """(alternative text, language) of a QR code."""
        return self._say("a11y.qr_call" if res.qr.startswith("tel:") else "a11y.qr_open", res)


def _dials(res: Resource, variant: str) -> bool:
    return bool(res.tel) and variant != "url"


def target(res: Resource, variant: str) -> str | None:
    """What a click on a printed number or link opens: the registry's ``tel:`` number or
    link, never anything read off the page."""
    if _dials(res, variant):
        return f"tel:{res.tel}"
    return res.url


def spoken_number(res: Resource) -> str:
    """A number as a screen reader should say it: digit by digit, in the groups it is
    printed in ("0 8 0 0, 1 1 1 1"); letters (1-800-656-HOPE) as the digits they dial."""
    main = res.display.partition("(")[0]
    groups = re.findall(r"[0-9A-Za-z]+", main)
    keypad = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "22233344455566677778889999")
    return ", ".join(" ".join(g.upper().translate(keypad)) for g in groups)


def address(res: Resource) -> str:
    """A link as a reader says it: without its scheme."""
    url = res.url or res.display
    return re.sub(r"^https?://", "", url).rstrip("/")


def _catalog_texts(locale: str, guide_id: str) -> dict[str, str]:
    """The checked translations of the accessibility messages in a locale's catalog (read
    once per process and version of the file, and kept in the user's cache)."""
    path = po_path(locale, guide_id)
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return {}
    return _read_texts(path, stamp)


@cache
def _read_texts(path, stamp: int) -> dict[str, str]:
    guide_id = path.stem
    key = _texts_key(path, guide_id)
    if key is not None:
        got = _texts_from_cache(cache_get("speech", key))
        if got is not None:
            return got
    catalog, _ = read_catalog(path)
    out = {}
    for k, (english, _) in A11Y_MESSAGES.items():
        msg = catalog.get(english, context=f"{guide_id}|{k}")
        if msg is None or msg.fuzzy or not msg.string or message_problems(english, msg.string):
            continue
        out[k] = msg.string
    if key is not None:
        cache_put("speech", key, json.dumps(out, ensure_ascii=False).encode("utf-8"))
    return out


def _texts_key(path, guide_id: str) -> str | None:
    """The hash of every input of `_read_texts` (i18n.checks.catalog_key: the catalog's text,
    the code that reads and checks it, this module, the guide). A language's texts cost a
    Babel parse of its catalog (about 10 ms) without it."""
    return catalog_key(path, "a11y texts 1", guide_id, modules=(__name__,))


def _texts_from_cache(data: bytes | None) -> dict[str, str] | None:
    """Cached texts, if they are some: anything else is read again."""
    if data is None:
        return None
    try:
        got = json.loads(data.decode("utf-8"))
    except ValueError:
        return None
    if not (
        isinstance(got, dict)
        and set(got) <= set(A11Y_MESSAGES)
        and all(isinstance(v, str) and v for v in got.values())
    ):
        return None
    return got


def speech(lg: LocalisedGuide) -> Speech:
    """The accessibility texts for a guide in its language: translated where the catalog
    has a checked, non-fuzzy translation, else English (whose language the tree then says)."""
    own = {} if lg.locale == SOURCE_LOCALE else _catalog_texts(lg.locale, lg.guide.id)
    texts = {}
    for key, (english, _) in A11Y_MESSAGES.items():
        if key in own:
            texts[key] = (own[key], "")
        else:
            texts[key] = (english, "" if lg.locale == SOURCE_LOCALE else SOURCE_LOCALE)
    return Speech(texts, dict(lg.words))


# ----------------------------------------------------------------------------- recording


def _logical(para: Para) -> str:
    """A paragraph's text as a person reads it: its lead, then its text, numbers and links
    as printed."""
    text = "".join(s if isinstance(s, str) else s.text for s in para.segments)
    return " ".join(t for t in (para.lead.strip(), text.strip()) if t)


def _numbering(bullet: str) -> str:
    if bullet[:1].isdigit():
        return "Decimal"
    return "Disc" if bullet == "•" else "None"


class Tags:
    """The record of a document's structure, made while a format draws (see the module)."""

    def __init__(self, registry: Registry, speech: Speech, rtl: bool = False) -> None:
        self.registry = registry
        self.speech = speech
        # right to left, each element carries its text in logical order: the content is drawn
        # in visual order, piece by piece, and readers rebuild the order from it unreliably
        self.rtl = rtl
        self.regions: dict[float, list[Node]] = {}
        self.key, self.part = 0.0, ""
        self.page = -1
        self.mcids: list[int] = []  # marked-content sequences per page
        self._artifact = False  # the page's artifact sequence is open
        self._quiet = 0  # inside artifact(): nothing is recorded
        self._open: Node | None = None  # the element whose marked content is open
        self._parent: Node | None = None  # of the open link
        self._bodies: dict[int, Node] = {}  # id(Para) -> the element it continues in
        self._paras: list[Para] = []  # keeps those ids alive
        self._last: Node | None = None  # the last element added at the top level
        self._page_keys: list[float] = []
        self._pending: Para | None = None  # the list item whose label is open

    # -- pages -------------------------------------------------------------------------

    def begin_page(self, canvas) -> None:
        self.page = canvas.getPageNumber() - 1
        self.mcids.append(0)
        self._page_keys = []
        canvas.setNamedCB(LINK_CALLBACK, self._link_callback)
        canvas.addLiteral("/Artifact BMC")
        self._artifact = True

    def end_page(self, canvas) -> None:
        if self._open is not None:
            raise RuntimeError("tagging: a page ended inside marked content")
        if self._artifact:
            canvas.addLiteral("EMC")
            self._artifact = False

    def first_key(self) -> float:
        """The reading key of the first region drawn on this page so far."""
        return min(self._page_keys, default=self.key)

    # -- reading order -----------------------------------------------------------------

    @contextmanager
    def region(self, key: float, part: str = "") -> Iterator[None]:
        """Elements added inside are read at `key` (then in drawing order)."""
        saved = self.key, self.part
        self.key, self.part = key, part or self.part
        try:
            yield
        finally:
            self.key, self.part = saved

    @contextmanager
    def artifact(self) -> Iterator[None]:
        """What is drawn inside is print only (a copy of content already tagged)."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _add(self, node: Node) -> Node:
        node.part = self.part
        self.regions.setdefault(self.key, []).append(node)
        self._page_keys.append(self.key)
        self._last = node
        return node

    # -- marked content ----------------------------------------------------------------

    def _begin(self, emit: Callable[[str], None], node: Node) -> None:
        if self._artifact:
            emit("EMC")
            self._artifact = False
        mcid = self.mcids[-1]
        self.mcids[-1] += 1
        emit(f"/{node.role} <</MCID {mcid}>> BDC")
        node.kids.append(MC(self.page, mcid))
        self._open = node

    def _end(self, emit: Callable[[str], None]) -> None:
        if self._open is not None:
            emit("EMC")
            self._open = None
        if not self._artifact:
            emit("/Artifact BMC")
            self._artifact = True

    # -- paragraphs (told by text.fit.Fitted.draw) --------------------------------------

    def begin(self, canvas, para: Para, first: bool) -> None:
        if self._quiet:
            return
        self._begin(canvas.addLiteral, self._element(para, first))

    def end(self, canvas) -> None:
        if self._quiet:
            return
        self._end(canvas.addLiteral)

    def after_bullet(self, canvas) -> None:
        """The bullet is drawn: the list item's body begins."""
        if self._quiet or self._open is None or self._open.role != "Lbl":
            return
        body = self._bodies[id(self._pending)]
        canvas.addLiteral("EMC")
        self._open = None
        self._begin(canvas.addLiteral, body)

    def _element(self, para: Para, first: bool) -> Node:
        """The element a paragraph's marked content belongs to (made if first)."""
        if not first and id(para) in self._bodies:
            return self._bodies[id(para)]
        self._paras.append(para)
        role = para.role or ("LI" if para.bullet else "P")
        actual = _logical(para) if self.rtl else ""
        if role != "LI":
            node = self._add(Node(role, actual=actual))
            self._bodies[id(para)] = node
            return node
        lst = self._list(para)
        label = Node("Lbl", actual=para.bullet if self.rtl else "")
        body = Node("LBody", actual=actual)
        lst.kids.append(Node("LI", [label, body]))
        self._bodies[id(para)] = body
        self._pending = para
        return label

    def _list(self, para: Para) -> Node:
        """The list a list item joins: the list just drawn if it has the same bullets (a
        list poured over two panels stays one list), a list inside the last item's body
        for an indented item, else a new one."""
        numbering = _numbering(para.bullet)
        last = self._last
        if last is not None and last.role == "L":
            if para.indent > 0 and last.kids:
                body = last.kids[-1].kids[1]
                inner = body.kids[-1] if body.kids else None
                if isinstance(inner, Node) and inner.role == "L":
                    return inner
                nested = Node("L", numbering=numbering, part=self.part)
                body.kids.append(nested)
                return nested
            if last.numbering == numbering:
                return last
        return self._add(Node("L", numbering=numbering))

    # -- links -------------------------------------------------------------------------

    def link_begin(self, canvas, rid: str, variant: str, piece: int, pieces: int, emit=None):
        """A number or link (piece `piece` of `pieces` lines) starts: its own marked content
        under a Link element inside the paragraph."""
        if self._quiet or self._open is None or (self.rtl and not LINKS_RIGHT_TO_LEFT):
            return
        emit = emit or canvas.addLiteral
        parent = self._open
        res = self.registry[rid]
        if target(res, variant) is None:
            return
        links = [k for k in parent.kids if isinstance(k, Node) and k.role == "Link"]
        link = links[-1] if piece and links else None  # the link's next line
        if link is None:
            contents, lang = self.speech.link(res, variant)
            link = Node(
                "Link",
                alt=contents,
                lang=lang,
                target=target(res, variant) or "",
                actual=res.printed("url" if variant == "url" else "") if self.rtl else "",
            )
            parent.kids.append(link)
        emit("EMC")
        self._open = None
        self._parent = parent
        self._begin(emit, link)

    def link_end(self, canvas, box: tuple[float, float, float, float], emit=None) -> None:
        """The piece ends; `box` is its (x0, y0, x1, y1) in the current user space."""
        if self._quiet or self._open is None or self._open.role != "Link":
            return
        emit = emit or canvas.addLiteral
        link, parent = self._open, self._parent
        emit("EMC")
        self._open = None
        box = to_page(canvas, box)
        last = link.kids[-2] if len(link.kids) > 1 else None
        if isinstance(last, Annot) and last.page == self.page:  # the link's next line
            link.kids.remove(last)
            link.kids.append(Annot(self.page, (*last.boxes, box), link.target, link.alt))
        else:
            link.kids.append(Annot(self.page, (box,), link.target, link.alt))
        self._begin(emit, parent)

    def _link_callback(self, canvas, kind: str, label: str) -> None:
        """reportlab's Paragraph calls this right after it has written a number or link (a
        line of one) into its text object (the ``onDraw`` mark of text.markup): the piece's
        text operator, the last written, moves into marked content of its own. (A mark before
        the piece could land at the end of the line before it, or in another frame.)"""
        info = canvas._curr_tx_info
        tx = info["tx"]
        rid, variant, piece, pieces, drawn = label.split(" ")
        size, x1, y = tx._fontsize, info["cur_x"], info["cur_y"]
        x0 = x1 - canvas.stringWidth(bytes.fromhex(drawn).decode(), tx._fontname, size)
        code = tx._code
        shown = code.pop()
        self.link_begin(canvas, rid, variant, int(piece), int(pieces), code.append)
        code.append(shown)
        self.link_end(canvas, (x0, y - 0.22 * size, x1, y + 0.78 * size), code.append)

    # -- figures -----------------------------------------------------------------------

    @contextmanager
    def figure(self, canvas, alt: str, box: tuple[float, float, float, float], lang: str = ""):
        """A QR code or logo drawn inside; `box` in the current user space."""
        if self._quiet:
            yield
            return
        node = self._add(Node("Figure", alt=alt, lang=lang, bbox=to_page(canvas, box)))
        self._begin(canvas.addLiteral, node)
        try:
            yield
        finally:
            self._end(canvas.addLiteral)

    def code(self, canvas, res: Resource, box: tuple[float, float, float, float]):
        """A QR code's figure, its alternative text saying what it opens."""
        alt, lang = self.speech.code(res)
        return self.figure(canvas, alt, box, lang)

    # -- the record ----------------------------------------------------------------------

    def tree(self) -> Node:
        """The Document element: every region's elements, in reading order."""
        kids = [n for key in sorted(self.regions) for n in self.regions[key]]
        return Node("Document", kids)


def to_page(canvas, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A box in the canvas's current user space, in page space."""
    a, b, c, d, e, f = canvas._currentMatrix
    x0, y0, x1, y1 = box
    xs, ys = [], []
    for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return (
        round(min(xs), 3),
        round(min(ys), 3),
        round(max(xs), 3),
        round(max(ys), 3),
    )


def problems(tree: Node, title: str, lang: str) -> list[str]:
    """What a tagged file may not lack: a title, a language, alternative text on every
    figure, headings that never skip a level (the first an H1). Each problem names the part."""
    out = []
    if not title.strip():
        out.append("the document has no title")
    if not lang.strip():
        out.append("the document has no language")
    level = 0
    for node in tree.walk():
        if node.role == "Figure" and not node.alt.strip():
            out.append(f"{node.part or 'a figure'}: a figure has no alternative text")
        m = HEADING.fullmatch(node.role)
        if m:
            n = int(m.group(1))
            if n > level + 1:
                after = f"H{level}" if level else "the start"
                out.append(f"{node.part or 'a heading'}: heading H{n} follows {after}")
            level = n
    return out
