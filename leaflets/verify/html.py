"""Reading a web page of the HTML edition as a stranger would, and checking it like a PDF.

The page is decoded (UTF-8, strictly) and parsed with the standard library's ``html.parser``.
What a reader sees or hears is its text (the title, every element's text, images' alt
text), cut into one line per block element; what a reader can open is every ``href`` and
``src``. These become a :class:`PDFRead` of one page, and the rules that check a PDF's text
and links (``rules.check_numbers``, ``check_links``, ``check_targets``, ``check_qr`` for codes
inside images, ``check_review``) check it: every number, host and link target against the
registry, exactly as in a PDF.

Then what only a web page can do: leaflets writes a small set of elements and attributes,
and anything else is a finding, named: scripts, event handlers, frames, objects, forms,
``<base>``, ``<meta http-equiv=refresh>``, external style, images or fonts, ``javascript:``
and ``data:`` links, CSS that writes text of its own (``content``) or hides text. It fails
closed: a page that is not UTF-8, not well formed (an element closed out of order or never),
too large, or without leaflets' metadata outside a build folder is a finding, never a pass.

Imports only sources/ and verify's own modules (never the layout code whose output it
judges).
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from ..sources import links, phones
from ..sources.registry import Registry, Resource
from .read import LIMITS, Annotation, Code, Expected, Finding, Limits, PageRead, PDFRead
from .rules import (
    check_links,
    check_numbers,
    check_qr,
    check_review,
    check_targets,
    dialled,
    opens,
)

SUFFIXES = (".html", ".htm")
GALLERY = "index.html"  # `preview DIR` writes DIR/index.html beside DIR/manifest.json
MANIFEST = "manifest.json"
FORMAT = "html"
# The web page carries the leaflet's texts: outside a build folder it must carry what the
# registry requires of the leaflet, unless the registry names requirements of its own (the
# build's formats.html.HtmlFormat.requires_as says the same).
REQUIRES_AS = "leaflet"
# Right-to-left languages (as i18n.locales.RTL_LANGUAGES: a test keeps the two the same).
RTL_LANGUAGES = {"ar", "fa", "ur", "he", "ps", "sd", "ug", "yi"}

# What leaflets writes, and nothing else.
ELEMENTS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "footer", "section",
    "h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "a", "strong", "em", "b", "i", "span", "div",
    "img", "blockquote", "br", "small", "bdi",
}  # fmt: skip
VOID = {"meta", "img", "br"}
GLOBAL_ATTRIBUTES = {"class", "lang", "dir", "role"}
ATTRIBUTES = {
    "meta": {"charset", "name", "content", "http-equiv"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
}
BLOCKS = {
    "title", "body", "header", "main", "footer", "section", "h1", "h2", "h3", "h4", "p",
    "ul", "ol", "li", "div", "blockquote", "br",
}  # fmt: skip
DANGEROUS = {
    "script": "a script",
    "noscript": "a noscript block (text for when scripts are off)",
    "iframe": "a frame (it loads another page)",
    "frame": "a frame (it loads another page)",
    "frameset": "a frame set",
    "object": "an embedded object",
    "embed": "an embedded object",
    "applet": "an applet",
    "form": "a form (it sends what is typed)",
    "input": "a form field",
    "button": "a button",
    "textarea": "a form field",
    "select": "a form field",
    "base": "a <base> element (it changes where every relative link goes)",
    "link": "a <link> element (it loads a style sheet, font or other file)",
    "svg": "inline SVG (it can hold links and scripts)",
    "math": "inline MathML",
    "template": "a template",
    "portal": "a portal (it loads another page)",
    "video": "a video",
    "audio": "an audio element",
    "source": "a media source",
    "picture": "a picture element",
    "xmp": "an xmp element (its content is not parsed)",
    "plaintext": "a plaintext element",
}
# Characters that reorder text: marks, embeddings, overrides, isolates (leaflets writes none;
# it isolates numbers and links with dir=ltr instead).
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
IMAGE_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}
_CSS_COMMENT = re.compile(r"/\*.*?(\*/|$)", re.S)
_CSS_PROBLEMS = [
    (re.compile(r"@import"), "imports another style sheet"),
    (re.compile(r"@font-face"), "loads a font"),
    (re.compile(r"url\s*\("), "loads a file (url(...))"),
    (re.compile(r"image-set\s*\(|image\s*\("), "loads an image"),
    (re.compile(r"expression\s*\(|behavior\s*:|-moz-binding"), "runs code"),
    (re.compile(r"(^|[;{\s])content\s*:"), "writes text of its own (content:)"),
    (re.compile(r"display\s*:\s*none"), "hides elements (display: none)"),
    (re.compile(r"visibility\s*:\s*(hidden|collapse)"), "hides elements (visibility)"),
    (re.compile(r"opacity\s*:"), "makes elements faint or invisible (opacity)"),
    (re.compile(r"font-size\s*:\s*0*\.?0*(px|pt|em|rem|%)?\s*[;}!]"), "hides text (font-size 0)"),
    (re.compile(r"color\s*:\s*transparent"), "hides text (transparent)"),
    (re.compile(r"text-indent\s*:\s*-"), "moves text out of sight"),
    (re.compile(r"clip(-path)?\s*:"), "clips elements"),
    (re.compile(r"position\s*:\s*(absolute|fixed)"), "places elements over others"),
    (re.compile(r"transform\s*:|z-index\s*:"), "moves or stacks elements over others"),
]


class _Page(HTMLParser):
    """One pass over the page: its text in lines, its links and images, its style, and every
    problem with what it is."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.lines: list[str] = [""]
        self.stack: list[str] = []
        self.links: list[tuple[str, list[str]]] = []  # (href, the text under it)
        self.open_links: list[list[str]] = []
        self.images: list[tuple[str, str]] = []  # (src, alt)
        self.css: list[str] = []
        self.lang: str | None = None
        self.dir: str | None = None
        self.title = ""
        self.meta: dict[str, str] = {}
        self.conflicting: list[str] = []
        self.doctype = ""
        self.tags = 0
        self.seen_html = False
        self.headings: list[int] = []
        self.dirs: list[str] = []  # the direction of each open element
        self.rtl_view = ""

    @property
    def direction(self) -> str:
        return self.dirs[-1] if self.dirs else "ltr"

    def problem(self, text: str) -> None:
        line, _ = self.getpos()
        self.problems.append(f"line {line}: {text}")

    def _break(self) -> None:
        self.rtl_view += "\n"
        if self.lines[-1].strip():
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags += 1
        if tag in DANGEROUS:
            self.problem(f"{DANGEROUS[tag]} (<{tag}>): leaflets writes none")
        elif tag not in ELEMENTS:
            self.problem(f"the element <{tag}> is not one leaflets writes")
        names = [n for n, _ in attrs]
        for name in sorted({n for n in names if names.count(n) > 1}):
            self.problem(f"<{tag}> has the attribute {name} twice (a browser takes the first)")
        values = dict(reversed(attrs))  # the first of each, as a browser reads it
        for name in dict.fromkeys(names):
            if name.startswith("on"):
                self.problem(f"<{tag}> has an event-handler attribute ({name}): it runs a script")
            elif name not in GLOBAL_ATTRIBUTES | ATTRIBUTES.get(tag, set()):
                self.problem(f"<{tag}> has the attribute {name!r}, which leaflets never writes")
        if tag == "html":
            if self.seen_html or self.stack:
                self.problem("a second <html> element")
            self.seen_html = True
            self.lang, self.dir = values.get("lang"), values.get("dir")
        elif tag == "meta":
            self._meta(values)
        elif tag == "a":
            self.open_links.append([])
            self.links.append((values.get("href") or "", self.open_links[-1]))
            if values.get("href") is None:
                self.problem("a link without an href")
        elif tag == "img":
            self.images.append((values.get("src") or "", values.get("alt") or ""))
            self._break()
            self.lines[-1] += values.get("alt") or ""
            self._break()
        elif tag in ("h1", "h2", "h3", "h4"):
            self.headings.append(int(tag[1]))
        if tag in BLOCKS:
            self._break()
        if tag not in VOID:
            self.stack.append(tag)
            given = (values.get("dir") or "").strip().casefold()
            self.dirs.append(given if given in ("ltr", "rtl") else self.direction)

    def handle_startendtag(self, tag: str, attrs) -> None:
        # "<div/>" opens a div in a browser (the slash means nothing): read it the same way
        self.handle_starttag(tag, attrs)

    def _meta(self, values: dict[str, str | None]) -> None:
        equiv = (values.get("http-equiv") or "").strip().casefold()
        if equiv == "refresh":
            self.problem("a <meta http-equiv=refresh>: it opens another address by itself")
        elif equiv and equiv != "content-security-policy":
            self.problem(f"a <meta http-equiv={equiv!r}>, which leaflets never writes")
        charset = values.get("charset")
        if charset is not None and charset.strip().casefold() != "utf-8":
            self.problem(f"declares the character set {charset!r}; leaflets writes UTF-8")
        if (values.get("name") or "").casefold() == "leaflets":
            pairs = re.findall(r"(\w+)=(\S*)", values.get("content") or "")
            for k, v in pairs:
                if k in self.meta and self.meta[k] != v:
                    self.conflicting.append(k)
                self.meta.setdefault(k, v)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if tag in BLOCKS:
            self._break()
        if tag == "a" and self.open_links:
            self.open_links.pop()
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
            self.dirs.pop()
            return
        if tag in self.stack:
            at = len(self.stack) - 1 - self.stack[::-1].index(tag)
            unclosed = self.stack[at + 1 :]
            self.problem(f"</{tag}> closes <{'>, <'.join(unclosed)}> that was never closed")
            del self.stack[at:], self.dirs[at:]
        else:
            self.problem(f"</{tag}> closes nothing that is open")

    def handle_data(self, data: str) -> None:
        top = self.stack[-1] if self.stack else ""
        if top == "style":
            self.css.append(data)
            return
        if top in ("script", "xmp", "plaintext"):
            return  # a finding already; not text a reader sees
        if top == "title":
            self.title += data
        if data.strip() and not self.stack:
            self.problem("text outside the <html> element")
        bidi = sorted({f"U+{ord(c):04X}" for c in data if c in BIDI_CONTROLS})
        if bidi:
            self.problem(
                f"text with bidirectional controls ({', '.join(bidi)}): they can change the "
                "order in which a reader sees the digits of a number"
            )
        # text in right-to-left context as it is laid out: a left-to-right element stands
        # in it as one neutral object, so a number split over elements is still one
        self.rtl_view += data if self.direction == "rtl" else "\ufffc"
        for opened in self.open_links:
            opened.append(data)
        self.lines[-1] += data

    def handle_comment(self, data: str) -> None:
        if data.lstrip().startswith("[if") or "<" in data:
            self.problem("a comment that holds markup (a conditional comment)")

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def unknown_decl(self, data: str) -> None:
        self.problem(f"an unknown declaration <![{data[:20]}")

    def handle_pi(self, data: str) -> None:
        self.problem(f"a processing instruction <?{data[:20]}")


def is_html(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def html_pages(paths) -> list[Path]:
    """Every web page under the folders given (files given are checked as they are), less
    the preview gallery: index.html beside a build's manifest.json, which lists files
    (the build writes its pages at <guide>/<locale>/index.html)."""
    out: list[Path] = []
    for p in paths:
        if not p.is_dir():
            continue
        for x in sorted(p.rglob("*")):
            if not (is_html(x) and x.is_file()):
                continue
            if x.name == GALLERY and (x.parent / MANIFEST).is_file():
                continue
            out.append(x)
    return out


def _heading_problems(levels: list[int]) -> list[str]:
    """One h1 first, and no heading that skips a level (a screen reader's outline)."""
    if not levels:
        return ["has no headings"]
    out = [] if levels[0] == 1 else [f"its first heading is h{levels[0]}, not h1"]
    if levels.count(1) > 1:
        out.append(f"has {levels.count(1)} h1 headings; a page has one")
    out += [
        f"an h{b} follows an h{a}: it skips a level"
        for a, b in zip(levels, levels[1:])
        if b > a + 1
    ]
    return out


def _css_problems(css: str) -> list[str]:
    """What a style sheet does beyond laying out the text it has."""
    if "\\" in css:
        return ["its style has escapes (\\), which can spell any property"]
    flat = _CSS_COMMENT.sub(" ", css).casefold()
    return [f"its style {what}" for pattern, what in _CSS_PROBLEMS if pattern.search(flat)]


def _image(src: str, limits: Limits) -> tuple[object | None, str]:
    """A data: image decoded (a PIL image), or None and what is wrong with the src."""
    head, comma, payload = src.partition(",")
    kind = head.removeprefix("data:").split(";")[0].strip().casefold()
    if not src.casefold().startswith("data:"):
        return None, f"an image loaded from {src[:80]!r}: the page must make no request"
    if kind not in IMAGE_TYPES:
        return None, f"an image of type {kind or '(none)'!r}: leaflets inlines PNG images only"
    if not comma or not head.casefold().endswith(";base64"):
        return None, "an image that is not base64 data"
    if len(payload) > limits.max_bytes:
        return None, "an image larger than verify reads"
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None, "an image whose data is not valid base64"
    # imported here to keep start-up fast: only a page with an image needs it
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.width * im.height > limits.max_pixels:
                return None, f"an image of {im.width} x {im.height} pixels, more than verify reads"
            if im.format != IMAGE_TYPES[kind]:
                return None, f"an image that says {kind} but is {im.format or 'not an image'}"
            im.load()
            return im.convert("RGBA"), ""
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as e:
        return None, f"an image that cannot be decoded ({type(e).__name__})"


def _codes(image) -> list[Code]:
    """The 2-D codes in an image (a logo must not carry one that opens something else)."""
    # imported here to keep start-up fast: only a page with an image needs it
    import zxingcpp
    from PIL import Image

    flat = Image.new("RGB", image.size, (255, 255, 255))
    flat.paste(image, mask=image.getchannel("A"))
    return [
        Code(str(bc.format), bc.text, (0.0, 0.0, 0.0, 0.0), "", "" if bc.valid else "invalid")
        for bc in zxingcpp.read_barcodes(flat)
    ]


def read_html(path: Path, limits: Limits = LIMITS) -> tuple[PDFRead | None, list[str]]:
    """The page as verify's rules read a document (one page: its text lines, links, codes in
    its images), and the problems of what it is; None when it cannot be read at all."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            return None, [f"is {size // 2**20} MB, larger than verify reads"]
        data = path.read_bytes()
    except OSError as e:
        return None, [f"cannot be read ({e.strerror or e})"]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, [f"is not UTF-8 text (byte {e.start}): it cannot be read as leaflets' page"]
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        return None, ["holds NUL characters: it is not a web page"]
    page = _Page()
    try:
        page.feed(text)
        page.close()
    except Exception as e:  # noqa: BLE001 -- whatever a hostile page does, it is a finding
        return None, [f"cannot be parsed as HTML ({type(e).__name__}: {e})"]
    problems = list(page.problems)
    if not page.doctype.casefold().startswith("doctype html"):
        problems.append("has no <!DOCTYPE html> (a browser reads it in quirks mode)")
    if not page.seen_html:
        problems.append("has no <html> element: it is not a leaflets page")
    for tag in page.stack:
        problems.append(f"<{tag}> is never closed")
    if not page.title.strip():
        problems.append("has no <title>")
    for css in page.css:
        problems += _css_problems(css)
    problems += _heading_problems(page.headings)
    for num in phones.find_numbers(page.rtl_view, 3):
        if " " in num.main.strip():
            problems.append(
                f"the number {num.main!r} stands in right-to-left text without dir=ltr: a "
                "reader sees its digit groups in the other order"
            )
    lines = [" ".join(x.split()) for x in page.lines]
    lines = [x for x in lines if x]
    if sum(len(x) for x in lines) > limits.max_chars:
        return None, [f"has more than {limits.max_chars} characters of text: beyond verify"]
    annotations, codes = [], []
    for href, under in page.links:
        target = "".join(href.split())  # a browser drops white space inside an address
        scheme = target.partition(":")[0].casefold() if ":" in target else ""
        if target != href.strip() or any(ord(c) < 32 for c in href):
            problems.append(f"a link's address has white space or control characters: {href!r}")
        if scheme == "javascript":
            problems.append(f"a javascript: link ({href[:60]!r}): it runs a script")
        elif scheme == "data":
            problems.append(f"a data: link ({href[:40]!r}): it opens a page the file carries")
        elif scheme in ("tel", "https", "http"):
            text_under = " ".join("".join(under).split())
            annotations.append(Annotation("Link", (0.0, 0.0, 0.0, 0.0), "URI", target, text_under))
        elif target:
            problems.append(
                f"a link to {href[:80]!r}: only tel: and https: links to the registry's "
                "numbers and sites are allowed"
            )
    for src, _ in page.images:
        image, problem = _image(src, limits)
        if problem:
            problems.append(problem)
        elif image is not None:
            codes += _codes(image)
    segments = [(x, (0.0, -10.0 * (i + 1), 1000.0, -10.0 * i)) for i, x in enumerate(lines)]
    read = PageRead(
        number=0,  # a web page has no pages: findings name the file alone
        text="\n".join(lines),
        seen="\n".join(lines),
        qr=codes,
        width=0.0,
        height=0.0,
        trimbox=None,
        bleedbox=None,
        segments=segments,
        annotations=annotations,
    )
    info = {"Title": page.title, "dir": page.dir or ""}
    doc = PDFRead(path, [read], page.lang, info, {}, meta=page.meta)
    doc.conflicting = sorted(set(page.conflicting))
    return doc, problems


def _in_text(res: Resource, text: str, registry: Registry) -> bool:
    """Its number or its link where a reader sees (or hears) it."""
    if res.tel is not None:
        if not res.tel.startswith("+"):
            pattern = rf"(?<![0-9A-Za-z]){re.escape(res.tel)}(?![0-9A-Za-z])"
            if re.search(pattern, phones.normalise(text)):
                return True
        elif any(dialled(n, registry) is res for n in phones.find_numbers(text)):
            return True
    wanted = {links.split_url(x) for x in (res.url, None if res.tel else res.display) if x}
    return bool(wanted & {(lk.host, lk.path) for lk in links.find_links(text)})


def _required(doc: PDFRead, registry: Registry) -> list[Finding]:
    """The helplines the page must carry, as text and as links: what its build recorded it
    printing (and what the registry requires), or for a page on its own what the registry
    requires of the leaflet, whose texts it carries."""
    f = str(doc.path)
    guide = doc.expected.guide if doc.expected else doc.meta.get("guide")
    if not guide:
        return [
            Finding(
                f,
                None,
                "error",
                "required",
                "no leaflets metadata (<meta name=leaflets>) and no manifest.json: cannot tell "
                "the edition, so which helplines it must carry is unknown",
            )
        ]
    edition = registry.editions.get(guide)
    if edition is None:
        return [Finding(f, None, "error", "required", f"edition {guide!r} is not in the registry")]
    ids = list(edition.requires.get(FORMAT, edition.requires.get(REQUIRES_AS, ())))
    if doc.expected is not None:
        ids = list(dict.fromkeys([*doc.expected.resources, *ids]))
    out = []
    if not any(registry.resources.get(r) and registry[r].tel for r in ids):
        out.append(
            Finding(f, None, "error", "required", f"no helpline number is required of {guide}")
        )
    text = doc.pages[0].seen
    targets = {opens(a.target) for a in doc.pages[0].annotations}
    for rid in ids:
        res = registry.resources.get(rid)
        if res is None:
            message = f"the manifest lists {rid!r}, which is not in the registry"
            out.append(Finding(f, None, "error", "required", message))
            continue
        if not _in_text(res, text, registry):
            message = f"required for {guide} html: {res.name} ({res.display}) is missing"
            out.append(Finding(f, None, "error", "required", message))
        if not {opens(x) for x in (res.qr, res.url) if x} & targets:
            message = (
                f"required for {guide} html: no link opens {res.short_name} "
                f"({res.qr if res.tel else res.url})"
            )
            out.append(Finding(f, None, "error", "required", message))
    return out


def _claims(doc: PDFRead) -> list[Finding]:
    """What the page says it is (its leaflets metadata, its lang and dir) agrees with what it
    was built as."""
    f = str(doc.path)
    out = [
        Finding(f, None, "error", "claims", f"its metadata gives {key} twice, differently")
        for key in doc.conflicting
    ]
    locale = doc.expected.locale if doc.expected else doc.meta.get("locale")
    if doc.meta.get("format", FORMAT) != FORMAT:
        out.append(
            Finding(f, None, "error", "claims", f"says format={doc.meta['format']}, not html")
        )
    if doc.expected is not None:
        built = {
            "guide": doc.expected.guide,
            "locale": doc.expected.locale,
            "format": doc.expected.format,
            "review": doc.expected.review,
        }
        for key, value in built.items():
            claimed = doc.meta.get(key)
            if claimed != value:
                out.append(
                    Finding(
                        f,
                        None,
                        "error",
                        "claims",
                        f"says {key}={claimed or '(nothing)'} but manifest.json lists it as "
                        f"{key}={value}",
                    )
                )
    if not doc.lang:
        out.append(Finding(f, None, "error", "lang", "the page has no lang (language)"))
    elif locale and doc.lang != locale:
        out.append(
            Finding(f, None, "error", "lang", f"lang is {doc.lang!r} but the page is in {locale!r}")
        )
    want = "rtl" if (locale or doc.lang or "").split("-")[0] in RTL_LANGUAGES else "ltr"
    have = doc.info.get("dir")
    if have != want:
        out.append(
            Finding(
                f,
                None,
                "error",
                "lang",
                f"dir is {have or '(not given)'!r}, but {locale or doc.lang} reads {want}",
            )
        )
    return out


def check_html(
    path: Path,
    registry: Registry,
    require_reviewed: bool = False,
    expected: Expected | None = None,
    limits: Limits = LIMITS,
) -> list[Finding]:
    """Every finding for one web page: what it is (problems of a page), and its text, links
    and required helplines against the registry."""
    doc, problems = read_html(path, limits)
    findings = [Finding(str(path), None, "error", "html", p) for p in problems]
    if doc is None:
        return findings
    doc.expected = expected
    if expected is not None and expected.format != FORMAT:
        message = f"manifest.json lists it as format {expected.format}, but it is a web page"
        findings.append(Finding(str(path), None, "error", "claims", message))
    for rule in (check_numbers, check_links, check_targets, check_qr):
        findings += rule(doc, registry)
    findings += _required(doc, registry) + _claims(doc) + check_review(doc, require_reviewed)
    # a web page has no pages: findings name the file alone
    return [replace(x, page=None) if x.page == 0 else x for x in findings]


__all__ = ["check_html", "html_pages", "is_html", "read_html"]
