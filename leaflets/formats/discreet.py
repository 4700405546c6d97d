"""The discreet card: a CR80 wallet card whose front does not say what it is about.

Left in a toilet stall or carried in a pocket, its front must not tell a stranger glancing at
it that it is about abuse or sextortion: it carries the guide's own neutral words (the UK
guide's "Want to talk to someone privately?", the US guide's "Get confidential support") and
the helplines' numbers by their short names, from the guide's ``[discreet]`` table. The back
is the wallet card's back. Each catalog lists the words the front must never print
(``discreet.revealing``); the build refuses a front that prints one (in the language's list
or the English one), naming the word and the message that holds it.
"""

from __future__ import annotations

from typing import ClassVar

from ..errors import BuildError, FitError
from ..files import read_toml
from ..paper import mm
from ..render.document import Document, PageSpec, background, band
from ..render.page import content_box, draft_band, page
from ..sources.guide import revealing_words, reveals
from ..sources.placeholders import fill, segments
from ..text.fit import fit_together
from ..text.markup import Para
from .card import BAND_PAD_MM, FRONT, CardFormat


def english_revealing(doc: Document) -> list[str]:
    """The English guide's revealing words (English names and words may print in any
    language); none for a guide built in memory without its file."""
    path = doc.guide.path
    if path is None:
        return []
    _, data = read_toml(path, "guide file", BuildError)
    return revealing_words(str(data.get("discreet", {}).get("revealing", "")))


class DiscreetCardFormat(CardFormat):
    name: ClassVar[str] = "card-discreet"
    description: ClassVar[str] = "discreet CR80 wallet card, two sides"

    def title(self, guide) -> str:
        """The front's own neutral headline: a file shared on a phone shows its title, which
        must not say what the front keeps quiet."""
        return guide.discreet.headline

    def render(self, doc: Document, canvas, spec: PageSpec) -> None:
        self.check_front(doc, spec)
        with page(canvas, doc, spec, draft=False):
            self.front(doc, canvas, spec)
        with page(canvas, doc, spec, draft=False):
            self.back(doc, canvas, spec)

    def front_texts(self, doc: Document) -> list[tuple[str, str]]:
        """(what, text) of everything the front prints."""
        d, reg = doc.guide.discreet, doc.registry
        out = [("discreet.headline", d.headline), ("discreet.intro", d.intro)]
        out += [(f"discreet.lines.{x.resource}.text", fill(x.text, reg)) for x in d.lines]
        out += [("card.turn_over", doc.guide.card.turn_over)]
        out += [("the language's name", doc.lg.language_name)]
        if doc.org:
            out.append(("the organisation's name", doc.org.name))
        return [(w, t) for w, t in out if t]

    def check_front(self, doc: Document, spec: PageSpec) -> None:
        """Refuse a front that would say what the card is about, or that has nothing to say."""
        d = doc.guide.discreet
        where = doc.what(self.name, spec.paper, "front")
        if not d.headline or not d.lines:
            raise BuildError(
                f"{where}: the guide has no [discreet] headline and lines; add them to its "
                "guide file (the card's neutral front)"
            )
        words = revealing_words(d.revealing) + english_revealing(doc)
        for key, text in self.front_texts(doc):
            found = reveals(text, words)
            if found:
                raise BuildError(
                    f"{where}: {key} prints {found[0]!r}, which discreet.revealing lists as "
                    "saying what the card is about; reword it"
                )

    def front(
        self, doc: Document, canvas, spec: PageSpec, named: tuple[str, str] | None = None
    ) -> None:
        """A colour band with the neutral headline, then the helplines' numbers; the footer
        as the wallet card's (the organisation or the language's name, and "turn over")."""
        d, theme, reg = doc.guide.discreet, doc.theme, doc.registry
        x0, y0, x1, y1 = content_box(doc, spec, band_at="bottom")
        what = self._namer(doc, spec, named)
        background(canvas, spec, theme.ground)
        if doc.lg.needs_band:
            draft_band(canvas, doc, spec, at="bottom", key=FRONT - 1)

        def blocks(tight: bool):
            head = [
                Para.of(
                    segments(d.headline, reg),
                    scale=1.3 if tight else 1.6,
                    bold=True,
                    color=theme.on_accent,
                    role="H1",
                )
            ]
            body = []
            if d.intro:
                body.append(Para.of(segments(d.intro, reg), color=theme.text))
            body += [
                Para.of(
                    segments(x.text, reg),
                    color=theme.text,
                    space_before=0.2 if tight else 0.45,
                    number_scale=1.25,
                )
                for x in d.lines
            ]
            return head, body

        tries = [(True, False), (True, True), (False, True)]
        for n, (with_footer, tight) in enumerate(tries, 1):
            head, body = blocks(tight)
            pad, gap = (mm(1.2), mm(1.5)) if tight else (mm(BAND_PAD_MM + 0.6), mm(2.5))
            if with_footer or doc.org:
                footer_h, draw_footer = self._footer(doc, spec, x0, y0, x1, what, with_footer)
            else:
                footer_h, draw_footer = 0.0, lambda canvas: None
            room = y1 - y0 - footer_h - pad - gap
            try:
                headline, lines = fit_together(
                    [(head, x1 - x0), (body, x1 - x0)],
                    doc.typography(8, 6),
                    lambda f, room=room: f[0].height + f[1].height <= room,
                    what("front (headline and helplines)"),
                )
                break
            except FitError:
                if n == len(tries):
                    raise
        with doc.region(FRONT + 2, "front footer"):
            draw_footer(canvas)
        band_bottom = y1 - headline.height - pad
        band(canvas, spec, band_bottom, spec.trim_h, theme.accent)
        with doc.region(FRONT, "front headline"):
            headline.draw(canvas, x0, y1)
        with doc.region(FRONT + 1, "front helplines"):
            lines.draw(canvas, x0, band_bottom - gap)
