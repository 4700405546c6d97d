"""The HTML edition: the whole guide as one self-contained web page per edition and language.

Not a print format: it has no paper and no canvas, so it is not a :class:`Format` and is not
in the ``FORMATS`` table but in ``WEB_FORMATS`` beside it. It reads the same localised guide
the PDFs are drawn from and carries the leaflet's texts in the leaflet's order of meaning:
the title, the first steps and whom to call first (what a person in a hurry needs), then the
whole guidance and the services it names, and when the numbers were checked.

The rules the PDFs keep hold here too:

- **untrusted text stays text**: every string from a guide, a catalog or a config goes
  through ``html.escape`` (quotes too) and every attribute is quoted; the only markup is what
  this module writes;
- **numbers and links have one home**: each placeholder becomes a link whose target is the
  registry's (``tel:`` and the number, as its QR code dials it, or its https link), never
  anything a text says; the :class:`Document` records each entry printed, for the manifest
  and the build's check of what the edition must carry;
- **no script and no request**: a Content-Security-Policy that allows only inline style and
  ``data:`` images, the logo inlined as a PNG (an SVG logo is rasterised, so none of its
  markup reaches the page), and the fonts the reader's device has, listed for the language.

The same page prints cleanly (``@media print``) and reads on a phone.
"""

from __future__ import annotations

import base64
import html
import io
import re
from functools import cache
from pathlib import Path
from typing import ClassVar

from .. import __version__
from ..errors import BuildError
from ..i18n.localise import LocalisedGuide
from ..render.document import Document, Theme
from ..render.page import checked_line, draft_note
from ..sources.guide import Block
from ..sources.placeholders import Ref, Segment, segments
from ..sources.registry import Registry, Resource
from ..text.markup import SENTENCE_END

# The page allows itself nothing but its own style and data: images.
CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'none'"
)
LOGO_PX = 192  # the logo's height in pixels: sharp at 3x its 4 rem height on a phone

# System font stacks by language (script): what phones, Windows, macOS and Linux have.
_LATIN = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif'
)
FONT_STACKS = {
    "ar": '"Noto Naskh Arabic", "Noto Sans Arabic", "Segoe UI", Tahoma, "Geeza Pro", ' + _LATIN,
    "fa": '"Noto Naskh Arabic", "Noto Sans Arabic", "Segoe UI", Tahoma, "Geeza Pro", ' + _LATIN,
    "ur": '"Noto Nastaliq Urdu", "Jameel Noori Nastaleeq", "Urdu Typesetting", '
    '"Noto Naskh Arabic", "Segoe UI", Tahoma, ' + _LATIN,
    "bn": '"Noto Sans Bengali", "Nirmala UI", Vrinda, "Bangla Sangam MN", '
    '"Kohinoor Bangla", ' + _LATIN,
    "gu": '"Noto Sans Gujarati", "Nirmala UI", Shruti, "Gujarati Sangam MN", ' + _LATIN,
    "pa": '"Noto Sans Gurmukhi", "Nirmala UI", Raavi, "Gurmukhi MN", ' + _LATIN,
    "zh-Hans": '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", '
    '"Noto Sans SC", ' + _LATIN,
    "zh-Hant": '"PingFang TC", "Microsoft JhengHei", "Noto Sans CJK TC", '
    '"Source Han Sans TC", "Noto Sans TC", ' + _LATIN,
    "ja": '"Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic", Meiryo, '
    '"Noto Sans CJK JP", "Noto Sans JP", ' + _LATIN,
    "ko": '"Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans CJK KR", "Noto Sans KR", ' + _LATIN,
}
_STUCK = re.compile(r"[^\s\w]{0,3}")  # punctuation right after a number: ".", ").", "،"
# Scripts whose letters read small at a Latin size, and their line spacing.
_SCALE = {"ar": (1.1, 1.75), "fa": (1.1, 1.75), "ur": (1.1, 2.3), "bn": (1.05, 1.75)}
_SCALE.update({k: (1.05, 1.75) for k in ("gu", "pa")})


def _e(text: str) -> str:
    """Text or an attribute value, escaped (quotes too: every attribute is quoted)."""
    return html.escape(text, quote=True)


def font_stack(locale: str) -> str:
    return FONT_STACKS.get(locale, FONT_STACKS.get(locale.split("-")[0], _LATIN))


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(v * 255):02x}" for v in rgb)


class HtmlFormat:
    """The web page of one edition in one language."""

    name: ClassVar[str] = "html"
    description: ClassVar[str] = "web page"
    filename: ClassVar[str] = "index.html"  # DIR/<guide>/<locale>/index.html: a web folder
    # It carries the leaflet's texts, so it must carry what the registry requires of the
    # leaflet, unless resources.toml names requirements of its own (requires.html).
    requires_as: ClassVar[str] = "leaflet"

    def required(self, registry: Registry, edition: str) -> tuple[str, ...]:
        requires = registry.editions[edition].requires
        return requires.get(self.name, requires.get(self.requires_as, ()))

    def render(self, doc: Document) -> bytes:
        """The page, UTF-8; the document records every registry entry it links."""
        return _Page(doc).html().encode("utf-8")


class _Page:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.lg: LocalisedGuide = doc.lg
        self.g = doc.guide
        self.reg = doc.registry
        self.levels: list[int] = []  # headings written, in order

    # -- inline text ---------------------------------------------------------------------

    def link(self, ref: Ref) -> str:
        """A registry entry as a link: its number dials what its QR code dials, its link
        opens the registry's https link. Numbers and links read left to right in every
        language (dir isolates them from the text around)."""
        r: Resource = ref.resource
        self.doc.record([r.id])
        phone = r.is_phone and ref.variant != "url"
        target = r.qr if phone else r.url
        if not target or not target.startswith(("tel:", "https://")):
            raise BuildError(f"{self.what()}: registry entry {r.id} has no tel: or https: link")
        kind = "tel" if phone else "web"
        return f'<a class="{kind}" href="{_e(target)}" dir="ltr">{_e(ref.text)}</a>'

    def inline(self, segs: list[Segment]) -> str:
        """Text and links; a number and the punctuation right after it stay on one line
        ("call 911." never leaves the full stop alone on the next)."""
        out, i = [], 0
        while i < len(segs):
            s = segs[i]
            if not isinstance(s, Ref):
                out.append(_e(s))
                i += 1
                continue
            link = self.link(s)
            after = segs[i + 1] if i + 1 < len(segs) else None
            if s.resource.is_phone and s.variant != "url" and isinstance(after, str):
                stuck = _STUCK.match(after).group(0)
                if stuck:
                    link = f'<span class="nobr">{link}{_e(stuck)}</span>'
                    segs = [*segs[: i + 1], after[len(stuck) :], *segs[i + 2 :]]
            out.append(link)
            i += 1
        return "".join(out)

    def text(self, text: str) -> str:
        return self.inline(segments(text, self.reg))

    def heading(self, level: int, content: str, part: str) -> str:
        """A heading of already escaped `content`; an empty one, a second h1 or one that
        skips a level stops the build (a screen reader's outline would be wrong)."""
        last = self.levels[-1] if self.levels else 0
        if not content.strip():
            raise BuildError(f"{self.what()}: {part}: the heading is empty")
        if level > last + 1 or (level == 1 and self.levels):
            raise BuildError(f"{self.what()}: {part}: heading h{level} after h{last}")
        self.levels.append(level)
        return f"<h{level}>{content}</h{level}>"

    def what(self) -> str:
        return f"guide {self.g.id}, locale {self.lg.locale}, format html"

    # -- parts ---------------------------------------------------------------------------

    def blocks(self, blocks: tuple[Block, ...]) -> str:
        """A section's blocks: paragraphs, quotes, and items as lists (subitems nested in the
        item before them), as the leaflet prints them."""
        out: list[str] = []
        in_list = in_sub = False
        for b in blocks:
            body = self.text(b.text)
            if b.lead:
                lead = f"<strong>{_e(b.lead)}</strong>"
                end = b.lead.rstrip()[-1:]
                # a lead that is a sentence runs into the text (with a space, unless it ends
                # in a full-width mark, as CJK text does); a lead without one is a title line
                gap = ("" if end in "。！？：" else " ") if end in SENTENCE_END else "<br>"
                body = lead + gap + body
            if b.kind == "subitem":
                if not in_list:
                    out.append("<ul>")
                    in_list = True
                    out.append("<li>")
                if not in_sub:
                    out.append("<ul>")
                    in_sub = True
                out.append(f"<li>{body}</li>")
                continue
            if in_sub:
                out.append("</ul>")
                in_sub = False
            if b.kind == "item":
                if in_list:
                    out.append("</li>")
                else:
                    out.append("<ul>")
                    in_list = True
                out.append(f"<li>{body}")
                continue
            if in_list:
                out.append("</li></ul>")
                in_list = False
            if b.kind == "quote":
                out.append(f"<blockquote><p>{body}</p></blockquote>")
            else:
                out.append(f"<p>{body}</p>")
        if in_sub:
            out.append("</ul>")
        if in_list:
            out.append("</li></ul>")
        return "\n".join(out)

    def draft(self) -> str:
        """The draft note of the PDFs' band (the English word DRAFT marked as English)."""
        note = _e(draft_note(self.doc))
        if note.startswith("DRAFT") and self.lg.locale.split("-")[0] != "en":
            note = '<span lang="en">DRAFT</span>' + note[len("DRAFT") :]
        return note

    def masthead(self) -> str:
        parts = []
        if self.lg.needs_band:
            parts.append(f'<p class="draft" role="note">{self.draft()}</p>')
        org = self.doc.org
        if org:
            logo = ""
            if org.logo is not None:
                data, w, h = logo_png(str(org.logo))
                uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
                logo = f'<img src="{uri}" alt="{_e(org.name)}" width="{w}" height="{h}">'
            parts.append(f'<p class="org">{logo}<span>{_e(org.name)}</span></p>')
        return f'<header class="masthead">{"".join(parts)}</header>' if parts else ""

    def first(self) -> str:
        """What to do now: the card's headline, the first steps and whom to call."""
        c = self.g.card
        out = ['<section class="now">']
        out.append(f'<p class="headline">{self.text(c.headline)}</p>')
        if c.intro:
            out.append(f'<p class="intro">{self.text(c.intro)}</p>')
        out.append(self.heading(2, self.text(c.steps_heading), "steps heading"))
        out.append('<ol class="steps">')
        out += [f"<li>{self.text(s)}</li>" for s in c.steps]
        out.append("</ol></section>")
        out.append('<section class="call">')
        out.append(self.heading(2, self.text(c.contacts_heading), "contacts heading"))
        out.append('<ul class="contacts">')
        out += [f"<li>{self.text(ct.text)}</li>" for ct in c.contacts + self.g.poster.contacts]
        out.append("</ul>")
        org = self.doc.org
        if org and org.contacts:
            out.append(self.heading(3, _e(org.name), "organisation"))
            out.append('<ul class="contacts local">')
            for ct in org.contacts:
                hours = f" ({_e(ct.hours)})" if ct.hours else ""
                ref = self.link(Ref(self.reg[ct.id]))
                out.append(f"<li>{_e(ct.label)}: {ref}{hours}</li>")
            out.append("</ul>")
        out.append("</section>")
        return "\n".join(out)

    def services(self) -> str:
        """Every service of the edition, as the leaflet lists them."""
        out = [
            '<section class="services">',
            self.heading(2, self.text(self.g.leaflet.resources_heading), "services heading"),
        ]
        out.append("<ul>")
        english = self.lg.locale.split("-")[0] != "en"
        for r in self.reg:
            if self.g.id in r.editions and not r.is_local:
                # the registry names services in English, in every language (as the leaflet),
                # but for generic words ("Emergency services"), which the catalog translates
                name = self.lg.resource_name(r)
                if english and name == r.name:
                    name = f'<span lang="en">{_e(name)}</span>'
                else:
                    name = _e(name)
                out.append(f"<li>{name}: {self.link(Ref(r))}</li>")
        out.append("</ul></section>")
        return "\n".join(out)

    def footer(self) -> str:
        g, lg, org = self.g, self.lg, self.doc.org
        lines = []
        if lg.needs_band:  # the page's last lines say it too, as the last printed page does
            lines.append(f'<p class="draft">{self.draft()}</p>')
        if g.leaflet.checked:
            lines.append(f"<p>{self.inline(checked_line(self.doc))}</p>")
        name = _e(lg.edition_name)  # its country in the page's language (CLDR)
        edition = " · ".join([*([_e(org.name)] if org else []), name, _e(lg.language_name)])
        lines.append(f'<p class="edition">{edition}</p>')
        return f"<footer>{''.join(lines)}</footer>"

    def html(self) -> str:
        g, lg = self.g, self.lg
        head = [self.heading(1, self.text(g.title), "title")]
        if g.subtitle:
            head.append(f'<p class="subtitle">{self.text(g.subtitle)}</p>')
        sections = list(g.sections)
        while sections and not sections[0].heading:  # an untitled opening runs on from the title
            head.append(self.blocks(sections.pop(0).blocks))
        body = [*head, self.first()]
        for s in sections:
            part = [self.heading(2, self.text(s.heading), f"section {s.id}")] if s.heading else []
            body.append("<section>" + "\n".join([*part, self.blocks(s.blocks)]) + "</section>")
        body.append(self.services())
        title = " ".join(t for t in (g.title, g.subtitle) if t)
        who = f"{_e(self.doc.org.name)} · " if self.doc.org else ""
        meta = f"guide={g.id} locale={lg.locale} format=html review={lg.status}"
        return (
            "<!DOCTYPE html>\n"
            f'<html lang="{_e(lg.locale)}" dir="{_e(lg.direction)}">\n<head>\n'
            '<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="referrer" content="no-referrer">\n'
            f'<meta name="generator" content="leaflets {_e(__version__)}">\n'
            f'<meta name="leaflets" content="{_e(meta)}">\n'
            f"<title>{_e(title)} ({who}{_e(lg.edition_name)}, {_e(lg.language_name)})</title>\n"
            f"<style>{stylesheet(lg.locale, self.doc.theme)}</style>\n"
            "</head>\n<body>\n"
            f"{self.masthead()}\n<main>\n" + "\n".join(body) + "\n</main>\n"
            f"{self.footer()}\n</body>\n</html>\n"
        )


def stylesheet(locale: str, theme: Theme) -> str:
    """The page's style: calm, large type, one column; the accent colour of the edition (or
    the organisation's); a print style that saves ink and keeps items whole."""
    lang = locale.split("-")[0]
    scale, leading = _SCALE.get(lang, (1.0, 1.6))
    tight = max(1.25, leading - 0.35)  # headings: tall scripts (Nastaliq) need room too
    cjk = lang in ("zh", "ja", "ko")
    # Korean breaks between words; Japanese, where the browser can, between phrases
    extra = {"ko": "word-break: keep-all; ", "ja": "word-break: auto-phrase; "}.get(lang, "")
    return f"""
:root {{ --accent: {_hex(theme.accent)}; --ground: {_hex(theme.ground)};
  --text: {_hex(theme.text)}; --muted: {_hex(theme.muted)}; --draft: {_hex(theme.draft)};
  --line: #cfd8e3; }}
* {{ box-sizing: border-box; }}
html {{ font-size: {112.5 * scale:.2f}%; -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }}
body {{ margin: 0; font-family: {font_stack(locale)}; line-height: {leading};
  color: var(--text); background: #fff; {extra}}}
main, footer, .org {{ max-width: 42rem; margin-inline: auto; padding-inline: 1.25rem; }}
h1, h2, h3 {{ color: var(--accent); line-height: {tight:.2f}; }}
h1 {{ font-size: 2.2rem; margin: 1.6rem 0 .4rem; letter-spacing: {"0" if cjk else "-.01em"}; }}
h2 {{ font-size: 1.45rem; margin: 2.4rem 0 .6rem; }}
h3 {{ font-size: 1.15rem; margin: 1.6rem 0 .4rem; }}
p, li {{ margin: 0 0 .8rem; }}
.subtitle {{ font-size: 1.25rem; color: var(--muted); margin-bottom: 1.2rem; }}
a {{ color: var(--accent); font-weight: 700; text-underline-offset: .18em; }}
a.web {{ overflow-wrap: anywhere; }}
a.tel, .nobr {{ white-space: nowrap; }}
a:focus-visible {{ outline: .2rem solid #e8a400; outline-offset: .15rem; }}
.now {{ background: var(--ground); border-radius: .8rem; padding: 1.2rem 1.3rem .6rem;
  margin: 1.6rem 0 0; border-block-start: .45rem solid var(--accent); }}
.now .headline {{ font-size: 1.4rem; font-weight: 700; line-height: {tight + 0.1:.2f};
  margin-bottom: .4rem; }}
.now .intro {{ font-size: 1.1rem; }}
.now h2 {{ margin-top: 1.2rem; }}
.steps {{ padding-inline-start: 1.8rem; font-size: 1.12rem; }}
.steps li {{ padding-inline-start: .3rem; margin-bottom: .7rem; }}
.steps li::marker {{ color: var(--accent); font-weight: 700; }}
.contacts {{ list-style: none; padding: 0; margin: 0; }}
.contacts li {{ border: 1px solid var(--line); border-inline-start: .4rem solid var(--accent);
  border-radius: .6rem; padding: .75rem 1rem; margin-bottom: .75rem; font-size: 1.08rem; }}
.contacts a, .now a.tel {{ display: inline-block; margin: .3rem 0 .1rem; padding: .45rem .9rem;
  min-height: 2.75rem; border-radius: .5rem; background: var(--accent); color: #fff;
  font-size: 1.25rem; line-height: 1.5; text-decoration: none; }}
.contacts a.web {{ font-size: 1.1rem; }}
blockquote {{ margin: 1.2rem 0; padding: .5rem 1.1rem; border-inline-start: .3rem solid
  var(--accent); background: var(--ground); font-weight: 600; }}
blockquote p {{ margin: 0; }}
section ul {{ padding-inline-start: 1.5rem; }}
.services li {{ margin-bottom: .55rem; }}
.draft {{ margin: 0; padding: .7rem 1.25rem; background: var(--draft); color: #fff;
  font-weight: 700; text-align: center; -webkit-print-color-adjust: exact;
  print-color-adjust: exact; }}
.org {{ display: flex; align-items: center; gap: .8rem; margin-block: 1.2rem 0;
  font-size: 1.15rem; font-weight: 700; }}
.org img {{ height: 4rem; width: auto; max-width: 50%; }}
footer {{ margin-block: 3rem 0; padding-block: 1.2rem 2.5rem; border-top: 1px solid var(--line);
  color: var(--muted); font-size: .95rem; }}
footer p {{ margin: 0 0 .3rem; }}
footer .draft {{ margin-bottom: .8rem; border-radius: .4rem; }}
@media (max-width: 30rem) {{
  html {{ font-size: {106.25 * scale:.2f}%; }}
  h1 {{ font-size: 1.85rem; }}
  main, footer, .org {{ padding-inline: 1rem; }}
  .now {{ padding-inline: 1rem; margin-inline: -.25rem; }}
}}
@media print {{
  @page {{ margin: 15mm 16mm; }}
  html {{ font-size: {11 * scale:.1f}pt; }}
  body {{ color: #000; }}
  main, footer, .org {{ max-width: none; padding-inline: 0; }}
  h1 {{ margin-top: .4rem; }}
  footer .draft {{ margin-bottom: .6rem; }}
  h2 {{ margin-top: 1.4rem; }}
  h1, h2, h3 {{ break-after: avoid; page-break-after: avoid; }}
  li, blockquote, .headline, p {{ break-inside: avoid; page-break-inside: avoid; }}
  .now {{ background: none; border: 1.5pt solid var(--accent); border-top-width: 4pt; }}
  .contacts li {{ border-color: #999; border-inline-start-color: var(--accent); }}
  .contacts a, .now a.tel {{ background: none; color: #000; padding: 0; min-height: 0;
    font-size: 1.15rem; }}
  a {{ color: #000; text-decoration: none; }}
  blockquote {{ background: none; }}
  footer {{ margin-top: 1.5rem; }}
}}
"""


@cache
def logo_png(path: str) -> tuple[bytes, int, int]:
    """The organisation's logo as a PNG `LOGO_PX` high (never taller than it was drawn):
    PNG and JPEG re-encoded (their metadata dropped), SVG rasterised, so that no markup,
    script or external reference of a logo file reaches the page."""
    # imported here to keep start-up fast: only an organisation's logo needs them
    from PIL import Image

    if Path(path).suffix.lower() == ".svg":
        # imported here to keep start-up fast: only an SVG logo needs them
        import pypdfium2
        from reportlab.graphics import renderPDF
        from svglib.svglib import svg2rlg

        drawing = svg2rlg(path)
        pdf = pypdfium2.PdfDocument(renderPDF.drawToString(drawing))
        try:
            page = pdf[0]
            image = page.render(scale=LOGO_PX / page.get_size()[1], fill_color=(255, 255, 255, 0))
            image = image.to_pil().convert("RGBA")
            page.close()
        finally:
            pdf.close()
    else:
        with Image.open(path) as im:
            im.load()
            image = im.convert("RGBA")
        if image.height > LOGO_PX:
            image = image.resize(
                (max(1, round(image.width * LOGO_PX / image.height)), LOGO_PX), Image.LANCZOS
            )
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue(), image.width, image.height
