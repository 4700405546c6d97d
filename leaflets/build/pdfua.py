"""PDF/UA-1: the structure tree, link annotations and metadata of a tagged PDF, written with
reportlab's own PDF objects (``reportlab.pdfbase.pdfdoc``) into the document a canvas has
drawn, after its last page and before ``canvas.save()``, from the record the document kept
while a format drew it (render.tagging). The file is written once: nothing re-opens it.

What it adds: StructTreeRoot -> Document -> the elements in reading order, each marked-content
sequence and link annotation tied to its element through the ParentTree (a page's
``/StructParents``, an annotation's ``/StructParent``); a link annotation (``tel:`` or
``https:``, no border, ``/Contents`` saying what it does) over every printed number and link,
inside its Link element as an OBJR; ``/Tabs /S`` on every page; ``/MarkInfo``; ``/Lang``;
``DisplayDocTitle``; XMP metadata with the title and ``pdfuaid:part 1``. reportlab's TrueType
subsets map their unused codes to U+0000, which PDF/UA forbids: those entries are dropped
(the subsets are realised here, before the save, to do it). The output stays byte-identical
for the same input (reportlab's invariant mode: no dates of its own; a document ID from the
date, the metadata and the pages' content, build.render).
"""

from __future__ import annotations

import re

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import (
    PDFDictionary,
    PDFName,
    PDFObject,
    PDFObjectReference,
    PDFStream,
    PDFString,
)

from ..files import xmlns
from ..render.tagging import MC, Annot, Node
from ..text.markup import escape

_ZERO = re.compile(r"^<[0-9A-Fa-f]+> <0000>\n", re.M)
_COUNT = re.compile(r"(\d+) beginbfchar\n(.*?)endbfchar\n?", re.S)
_PAGE_KEYS = [*pdfdoc.PDFPage.__NoDefault__, "StructParents", "Tabs"]
_TRUE = "true"


def _fix_to_unicode(doc) -> None:
    """Realise the document's TrueType subsets now (reportlab does it first thing when it
    saves) and drop their ToUnicode entries that map a code to U+0000 (reportlab writes them
    for the unused codes of each subset)."""
    for font in doc.delayedFonts:
        font.addObjects(doc)
    doc.delayedFonts = []

    def block(m: re.Match) -> str:
        body = _ZERO.sub("", m.group(2))
        n = body.count("\n")
        return f"{n} beginbfchar\n{body}endbfchar\n" if n else ""

    for name, obj in doc.idToObject.items():
        if name.startswith("toUnicodeCMap:") and isinstance(obj, PDFStream):
            content = obj.content if obj.content.endswith("\n") else obj.content + "\n"
            if "<0000>" in content:
                obj.content = _COUNT.sub(block, content).rstrip("\n")


def _xmp(title: str, lang: str, author: str, subject: str, keywords: str, producer: str) -> bytes:
    def alt(value: str) -> str:
        return (
            f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(value)}</rdf:li>'
            f'<rdf:li xml:lang="{escape(lang)}">{escape(value)}</rdf:li></rdf:Alt>'
        )

    body = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        f"<rdf:RDF{xmlns('rdf')}>\n"
        f'<rdf:Description rdf:about=""{xmlns("dc", "pdf", "xmp", "pdfuaid")}>\n'
        f"<dc:title>{alt(title)}</dc:title>\n"
        f"<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>\n"
        f"<dc:description>{alt(subject)}</dc:description>\n"
        f"<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>\n"
        "<dc:format>application/pdf</dc:format>\n"
        f"<pdf:Keywords>{escape(keywords)}</pdf:Keywords>\n"
        f"<pdf:Producer>{escape(producer)}</pdf:Producer>\n"
        f"<xmp:CreatorTool>{escape(producer)}</xmp:CreatorTool>\n"
        "<pdfuaid:part>1</pdfuaid:part>\n"
        "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    return body.encode("utf-8")


def _dict(**entries) -> PDFDictionary:
    return PDFDictionary(entries)


class _Raw(PDFObject):
    """A PDF object already in PDF syntax (bytes), but for its references, resolved when
    reportlab writes the file (object numbers are known then), and its strings (written by
    PDFString). The structure tree has hundreds of small dictionaries: written this way, they
    cost a tenth of reportlab's general PDFDictionary (which sorts and re-encodes every key)."""

    def __init__(self, parts: list) -> None:
        self.parts = parts

    def format(self, document) -> bytes:
        numbers = document.idToObjectNumberAndVersion
        out = []
        for p in self.parts:
            if type(p) is bytes:
                out.append(p)
            elif type(p) is PDFObjectReference:
                out.append(b"%d %d R" % numbers[p.name])
            else:
                out.append(p.format(document))
        return b"".join(out)


def _nums(values) -> bytes:
    """A PDF array of numbers, rounded to 2 decimals as they are drawn."""
    return b"[" + fp_str([round(v, 2) for v in values]).encode("ascii") + b"]"


def _name(name: str) -> bytes:
    return PDFName(name).encode("ascii")


def tag(canvas, tree: Node, lang: str) -> None:
    """Write the structure `tree` (render.tagging.Tags.tree) into the document `canvas` has
    drawn (every page shown), before ``canvas.save()``."""
    doc = canvas._doc
    pages = doc.Pages.pages
    ref = doc.Reference
    page_refs = [ref(p) for p in pages]
    _fix_to_unicode(doc)

    root = _Raw([])
    root_ref = ref(root)
    per_page: list[dict[int, PDFObjectReference]] = [{} for _ in pages]
    annots: list[tuple[_Raw, PDFObjectReference]] = []  # (annotation, its Link)
    page_annots: list[list[PDFObjectReference]] = [[] for _ in pages]

    def element(node: Node, parent: PDFObjectReference) -> PDFObjectReference:
        el = _Raw([b"<< /Type /StructElem /S ", _name(node.role), b" /P ", parent])
        el_ref = ref(el)
        parts = el.parts
        first_page = next((k.page for k in node.kids if isinstance(k, MC | Annot)), None)
        if first_page is not None:
            parts += [b" /Pg ", page_refs[first_page]]
        if node.lang and node.role != "Link":  # a link's language is its annotation's text's
            parts += [b" /Lang ", PDFString(node.lang)]
        if node.actual:
            parts += [b" /ActualText ", PDFString(node.actual)]
        if node.role == "Figure":
            parts += [b" /Alt ", PDFString(node.alt)]
            if node.bbox:
                parts.append(b" /A << /O /Layout /BBox " + _nums(node.bbox) + b" >>")
        if node.role == "L":
            numbering = _name(node.numbering or "None")
            parts.append(b" /A << /O /List /ListNumbering " + numbering + b" >>")
        parts.append(b"\n /K [")
        for kid in node.kids:
            if isinstance(kid, Node):
                parts += [b" ", element(kid, el_ref)]
            elif isinstance(kid, MC):
                per_page[kid.page][kid.mcid] = el_ref
                if kid.page == first_page:
                    parts.append(b" %d" % kid.mcid)
                else:
                    parts += [b" << /Type /MCR /Pg ", page_refs[kid.page]]
                    parts.append(b" /MCID %d >>" % kid.mcid)
            else:
                annot = _annotation(kid)
                annot_ref = ref(annot)
                page_annots[kid.page].append(annot_ref)
                annots.append((annot, el_ref))
                parts += [b" << /Type /OBJR /Obj ", annot_ref, b" /Pg ", page_refs[kid.page]]
                parts.append(b" >>")
        parts.append(b" ] >>")
        return el_ref

    top = element(tree, root_ref)
    nums: list = []
    for i, (page, marks) in enumerate(zip(pages, per_page, strict=True)):
        if sorted(marks) != list(range(len(marks))):
            raise ValueError(f"tagging: page {i + 1} has marked content outside the tree")
        page.__NoDefault__ = _PAGE_KEYS  # the page writes these two entries too
        page.StructParents = i
        page.Tabs = PDFName("S")
        if page_annots[i]:
            page.Annots = [*(page.Annots or []), *page_annots[i]]
        marked = [b"["]
        for m in sorted(marks):
            marked += [b" ", marks[m]]
        nums += [b" %d " % i, ref(_Raw([*marked, b" ]"]))]
    for k, (annot, el_ref) in enumerate(annots, len(pages)):
        annot.parts.insert(-1, b" /StructParent %d" % k)
        nums += [b" %d " % k, el_ref]
    tree_ref = ref(_Raw([b"<< /Nums [", *nums, b" ] >>"]))
    root.parts += [b"<< /Type /StructTreeRoot /K [ ", top, b" ]\n /ParentTree ", tree_ref]
    root.parts.append(b" /ParentTreeNextKey %d >>" % (len(pages) + len(annots)))

    cat = doc.Catalog
    cat.StructTreeRoot = root_ref
    cat.MarkInfo = _dict(Marked=_TRUE)
    cat.Lang = PDFString(lang)
    canvas.setViewerPreference("DisplayDocTitle", "true")
    info = doc.info
    cat.Metadata = PDFStream(
        _dict(Type=PDFName("Metadata"), Subtype=PDFName("XML")),
        _xmp(info.title, lang, info.author, info.subject, info.keywords, info.creator),
    )


def _annotation(a: Annot) -> _Raw:
    """A borderless, printable link annotation opening the registry's target (over each of
    its lines, when it is broken over several)."""
    quads = []
    for x0, y0, x1, y1 in a.boxes:
        quads.extend((x0, y1, x1, y1, x0, y0, x1, y0))
    return _Raw(
        [
            b"<< /Type /Annot /Subtype /Link /Rect " + _nums(a.rect),
            b"\n /QuadPoints " + _nums(quads),
            b"\n /Border [0 0 0] /F 4 /Contents ",
            PDFString(a.contents),
            b"\n /A << /S /URI /URI ",
            PDFString(a.uri),
            b" >>",
            b" >>",
        ]
    )
