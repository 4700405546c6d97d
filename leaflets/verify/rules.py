"""The rules: each ``check(doc, registry) -> list[Finding]``, empty meaning fine.

They compare what a reader sees (read.py) with the registry, and with what the file must be
(:class:`~leaflets.verify.read.Expected`, from its build's manifest). Where a rule cannot tell
(an unknown edition, format or paper), that is a finding: verify fails closed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import LeafletsError, SourceError
from ..paper import PAPERS, to_mm
from ..sources import links, phones, reading
from ..sources.guide import load_guides
from ..sources.placeholders import PLACEHOLDER
from ..sources.registry import Registry, Resource
from ..sources.reviews import REVIEWS_NAME, find_review
from . import ocr
from .read import Finding, PDFRead

TRIM_TOLERANCE_MM = 0.3

Rule = Callable[[PDFRead, Registry], list[Finding]]


def _f(doc: PDFRead, page: int | None, rule: str, message: str, level: str = "error") -> Finding:
    return Finding(str(doc.path), page, level, rule, message)


def _nearest_number(digits: str, registry: Registry) -> Resource | None:
    """The registry number that `digits` most likely meant to be (same length, 1-2 digits off)."""
    best = None
    for tel, res in registry.phone_numbers.items():
        want = tel.lstrip("+")
        for cand in {digits, digits.lstrip("0")}:
            for w in {want, phones.keypad_digits(res.display)}:
                if len(cand) == len(w) and sum(a != b for a, b in zip(cand, w)) <= 2:
                    best = res
    return best


def dialled(num: phones.PrintedNumber, registry: Registry) -> Resource | None:
    """The registry entry a printed number dials, or None."""
    regions = sorted({r.region for r in registry if r.region})
    for region in regions:
        e164 = phones.to_e164(num.digits, region, plus=num.has_plus)
        if e164 and e164 in registry.phone_numbers:
            return registry.phone_numbers[e164]
    if num.digits in registry.phone_numbers:  # a short code printed with separators
        return registry.phone_numbers[num.digits]
    return None


def _edition(doc: PDFRead) -> str | None:
    return doc.expected.guide if doc.expected else doc.meta.get("guide")


@dataclass(frozen=True)
class Allowed:
    """Digit runs that may be printed without being numbers to call: the parts of checked
    dates (by their digits, in any order and spelling), and the runs of the guide's and the
    registry's own texts as they print them ("24/7" passes, "247" does not)."""

    dates: frozenset[str]
    forms: frozenset[str]

    def has(self, printed: str, digits: str) -> bool:
        return digits in self.dates or _form(printed) in self.forms


def _form(printed: str) -> str:
    """A run as printed, spaces normalised and the brackets around it left out (hours print
    as "(8:30-16:30)", and a right-to-left line reads the bracket on either side)."""
    return " ".join(phones.normalise(printed).strip("()[]").split())


_allowed_cache: dict[tuple, Allowed] = {}


def allowed_numbers(edition: str | None, registry: Registry) -> Allowed:
    """Digit runs of three or more that may be printed without being numbers to call: those
    the edition's own guide text has, as it prints them ("24/7", "1-2-1"; a translation may
    hold no other), and the registry's names and hours ("Mon-Fri 8:00-16:30"), and the parts
    of its checked dates (the footer's "25 November 2026")."""
    key = (
        edition,
        tuple((r.id, r.name, r.short_name, r.hours, r.cost, r.verified) for r in registry),
    )
    if key not in _allowed_cache:
        dates: set[str] = set()
        for r in registry:
            d = r.verified
            parts = {str(d.year), f"{d.day:02d}", f"{d.month:02d}", str(d.day), str(d.month)}
            # a date written with its parts in any order and joined ("11 25", "25.11.2026")
            dates |= parts | {a + b for a in parts for b in parts if a != b}
            dates |= {a + b + c for a in parts for b in parts for c in parts if len({a, b, c}) == 3}
        try:
            guides = load_guides([edition], registry) if edition else []
        except LeafletsError:
            guides = []  # an edition verify does not know: its numbers are all findings
        texts = [PLACEHOLDER.sub(" ", t) for g in guides for _, t, _ in g.messages()]
        texts += [x for r in registry for x in (r.name, r.short_name, r.hours, r.cost) if x]
        forms: set[str] = set()
        for text in texts:
            for run in phones.digit_runs(text):
                # as printed, and as the number finders read it once dialled ("24-7")
                forms |= {_form(run.text), _form(phones.as_dialled(run.text))}
        _allowed_cache[key] = Allowed(frozenset(dates), frozenset(forms))
    return _allowed_cache[key]


def _names(res: Resource) -> list[str]:
    return [_fold(x) for x in (res.short_name, res.name) if x and not x.isdigit()]


def _helplines_named(text: str, registry: Registry, edition: str | None) -> set[str]:
    """The phone helplines whose names a text holds."""
    text = _fold(text)
    return {
        res.id
        for res in registry
        if res.tel
        and res.tel.startswith("+")
        and (not edition or edition in res.editions)
        and any(name in text for name in _names(res))
    }


def _named_near(page, index: int, number: str, registry: Registry, edition: str | None):
    """The helplines named nearest a number: in its own line (the number left out), else in
    the nearest named line above or below it in the same column (within three lines): above
    when the number ends the sentence or paragraph that names it; below when the line above
    ends a sentence and the line right under the number names a helpline and goes on with
    the sentence (lower case: "<number> / is CCRI's helpline"), is nearer than the
    name above, or no line above names one."""
    text, box = page.segments[index]
    own = _helplines_named(text.replace(number, " "), registry, edition)
    if own:
        return own
    h = box[3] - box[1]

    def column(b) -> bool:
        return b[0] < box[2] and b[2] > box[0]

    above = sorted(
        (b[1] - box[3], t)
        for t, b in page.segments
        if column(b) and b[1] >= box[1] + 0.5 * h and b[1] <= box[3] + 3 * h
    )
    below = sorted(
        (box[1] - b[3], t)
        for t, b in page.segments
        if column(b) and b[3] <= box[3] - 0.5 * h and b[3] >= box[1] - 3 * h
    )
    up = next(((g, t, n) for g, t in above if (n := _helplines_named(t, registry, edition))), None)
    down = next(
        ((g, t, n) for g, t in below if (n := _helplines_named(t, registry, edition))), None
    )
    ends = above[0][1].rstrip()[-1:] if above else ""
    if up and (ends not in ".!?。" or up[1].rstrip().endswith(":")):
        return up[2]  # the number ends the sentence or paragraph that names a helpline above
    if down and below[0][1] == down[1]:
        starts = next((c for c in down[1] if c.isalpha()), "")
        if not up or starts.islower() or down[0] < 0.8 * up[0]:
            return down[2]  # the line right under it goes on to name its helpline
    return up[2] if up else set()


def check_numbers(doc: PDFRead, registry: Registry) -> list[Finding]:
    """Every number printed, of every length, is read as a person dials it (digits of any
    script, letters that look like digits, any separator) and must be a registry number of
    the file's edition, printed next to its own helpline's name; its gloss must match. Short
    runs of digits pass only when the guide's own text or a checked date has them."""
    out = []
    edition = _edition(doc)
    allowed = allowed_numbers(edition, registry)
    for page in doc.pages:
        for run in phones.digit_runs(page.seen):
            if allowed.has(run.text, run.digits) and not run.lookalikes:
                continue
            if len(run.digits) < 3 and not run.scripts:
                continue
            if run.scripts:
                scripts = ", ".join(s.title() for s in run.scripts)
                out.append(
                    _f(
                        doc,
                        page.number,
                        "number",
                        f"the number {run.text!r} is written in "
                        f"{scripts} digits (it reads {run.digits}); leaflets prints numbers in "
                        "Latin digits, and digits of other scripts can look like other Latin ones",
                    )
                )
            if run.lookalikes:
                out.append(
                    _f(
                        doc,
                        page.number,
                        "number",
                        f"the number {run.text!r} has letters that "
                        f"look like digits ({', '.join(dict.fromkeys(run.lookalikes))}); a "
                        f"reader dials {run.digits}",
                    )
                )
        for w in reading.spelled_numbers(page.seen):
            if w.digits in allowed.dates:
                continue  # a checked date's year, month or day
            res = dialled(phones.PrintedNumber(w.digits, w.digits, "", 0, 0), registry)
            what = f"{res.short_name}'s number" if res else "a number the registry does not have"
            out.append(
                _f(
                    doc,
                    page.number,
                    "number",
                    f"the number {w.text!r} is written in {w.how}: a reader dials {w.digits} "
                    f"({what}); leaflets prints numbers in digits, so verify cannot vouch for it",
                )
            )
        for index, (segment, _) in enumerate(page.segments):
            out += _segment_numbers(doc, page, index, segment, registry, edition, allowed)
    return out


def _percent(text: str, end: int) -> bool:
    return re.match(r"\s?[%％٪]", text[end:]) is not None


def _without_clock_counts(text: str) -> str:
    """`text` with its round-the-clock hours blanked out, every other character in place."""
    out = text
    for run in phones.digit_runs(text):
        if reading.round_the_clock(text, run):
            out = out[: run.start] + " " * (run.end - run.start) + out[run.end :]
    return out


def _segment_numbers(doc, page, index, segment, registry, edition, allowed) -> list[Finding]:
    """The numbers of one printed line, each checked against the registry and the helpline
    named nearest it. Round-the-clock hours ("24/7/365", "24時間365日") are counts, not
    numbers: :func:`sources.reading.round_the_clock` reads them as the i18n check does."""
    out = []
    segment = _without_clock_counts(segment)
    short_codes = sorted(
        r.display for r in registry if r.tel and not r.tel.startswith("+") and edition in r.editions
    )
    text = phones.as_dialled(segment)
    found = phones.find_numbers(text, min_digits=3)
    covered = [n.digits + phones.keypad_digits(n.gloss) for n in found]
    for run in phones.digit_runs(segment):
        if _percent(segment, run.end):
            continue
        if len(run.digits) >= 3 and not allowed.has(run.text, run.digits):
            if not any(run.digits in c for c in covered):
                out.append(
                    _f(
                        doc,
                        page.number,
                        "number",
                        f"the digits {run.text!r} ({run.digits}) are "
                        "printed against letters, where no number can be read as one to call: "
                        "a reader would still dial them",
                    )
                )
    for num in found:
        if _percent(text, num.end):
            continue  # "100 %": a share, not a number to call
        res = dialled(num, registry)
        if res is None:
            if allowed.has(num.main, num.digits):
                continue
            if len(num.digits) < 5 and not any(c.isalpha() for c in num.main):
                hint = f" (the edition's are {', '.join(short_codes)})" if short_codes else ""
                out.append(
                    _f(
                        doc,
                        page.number,
                        "number",
                        f"the number {num.main!r} is printed but is "
                        f"not a number to call in the registry{hint}",
                    )
                )
                continue
            near = _nearest_number(num.digits, registry)
            hint = (
                f"; it looks like {near.short_name}'s {near.display}"
                if near
                else "; if it is an organisation's own contact, verify with --config FILE"
            )
            out.append(
                _f(
                    doc,
                    page.number,
                    "number",
                    f"phone number {num.main!r} is not in the registry{hint}",
                )
            )
            continue
        if edition and edition not in res.editions:
            out.append(
                _f(
                    doc,
                    page.number,
                    "number",
                    f"{res.short_name}'s number {num.main!r} "
                    f"belongs to another edition ({', '.join(res.editions)}), not {edition}",
                )
            )
        if res.tel.startswith("+"):
            named = _named_near(page, index, num.main, registry, edition)
            if named and res.id not in named:
                other = registry[sorted(named)[0]].short_name
                out.append(
                    _f(
                        doc,
                        page.number,
                        "number",
                        f"{res.short_name}'s number {num.main!r} is "
                        f"printed beside {other}'s name: a reader calling {other} would dial "
                        f"{res.short_name}",
                    )
                )
            printed_letters = re.sub(r"[^A-Za-z]", "", num.main).upper()
            registry_letters = re.sub(r"[^A-Za-z]", "", res.display.split("(")[0]).upper()
            if printed_letters and printed_letters != registry_letters:
                out.append(
                    _f(
                        doc,
                        page.number,
                        "number",
                        f"{res.short_name}'s number is printed {num.main!r}, but the registry "
                        f"prints it {res.display}: a reader may dial other letters",
                    )
                )
            if num.gloss:
                letters = "".join(phones.keypad_digits(c) for c in num.main if c.isalpha())
                g = phones.keypad_digits(num.gloss)
                if (
                    g != letters
                    and dialled(phones.PrintedNumber(num.gloss, num.gloss, "", 0, 0), registry)
                    is not res
                ):
                    out.append(
                        _f(
                            doc,
                            page.number,
                            "number",
                            f"phone number {num.text!r}: the digits in brackets do not "
                            f"match {res.short_name}'s number {res.display}",
                        )
                    )
    return out


def _link_problem(host_text: str, path: str, registry: Registry) -> str | None:
    bad = links.invisible_chars(host_text)
    if bad:
        return f"contains an invisible character ({', '.join(bad)})"
    host = links.bare_host(host_text)
    foreign = links.foreign_letters(host)
    known = registry.hosts
    if foreign:
        like = links.lookalike_of(host, known)
        return f"has non-ASCII letters ({', '.join(foreign)})" + (
            f"; it imitates {like}" if like else ""
        )
    if host not in known:
        like = links.lookalike_of(host, known)
        if like:
            return f"is a lookalike of the registry host {like}"
        return "is not a registry host"
    if path and (host, path) not in registry.link_paths:
        return f"has the path {path}, which no registry link has"
    return None


_LINE_END_LABEL = re.compile(r"(?:^|\s)([a-z0-9-]+)\.$")
_LINE_START_REST = re.compile(r"^([a-z0-9-]+)(/\S*)?")


def _split_hosts(page) -> list[tuple[str, str]]:
    """Addresses broken over two lines after a dot ("evil." above "example/pay"): (as
    printed, joined), when the part below has a path or ends in a common top-level label."""
    out = []
    for text, box in page.segments:
        m = _LINE_END_LABEL.search(text.rstrip())
        if not m:
            continue
        h = box[3] - box[1]
        below = [
            (b[3], t)
            for t, b in page.segments
            if b[3] <= box[1] + 0.5 * h
            and b[3] >= box[1] - 1.5 * h
            and b[0] < box[2]
            and b[2] > box[0]
        ]
        if not below:
            continue
        nxt = max(below)[1]
        m2 = _LINE_START_REST.match(nxt)
        if m2 and (m2.group(2) or m2.group(1) in links.COMMON_TLDS):
            out.append((f"{m.group(1)}. / {m2.group(0)}", f"{m.group(1)}.{m2.group(0)}"))
    return out


def check_links(doc: PDFRead, registry: Registry) -> list[Finding]:
    """Every host or URL printed belongs to a registry link, spelled in plain ASCII; one
    written with look-alike dots or full-width letters, or broken over two lines, is read as
    a reader types it; no e-mail address is printed."""
    out = []
    edition = _edition(doc)
    for page in doc.pages:
        for typed in links.disguised_hosts(page.seen):
            problem = _link_problem(typed.host, typed.path, registry)
            out.append(
                _f(
                    doc,
                    page.number,
                    "link",
                    f"printed address {typed.text!r} is written with look-alike dots or "
                    f"full-width letters: a reader types {typed.host}{typed.path}, which "
                    + (problem or "is a registry host, but leaflets prints addresses plainly"),
                )
            )
        for printed, joined in _split_hosts(page):
            for link in links.find_links(joined):
                problem = _link_problem(link.host, link.path, registry)
                if problem:
                    out.append(
                        _f(
                            doc,
                            page.number,
                            "link",
                            f"printed link {printed!r}, broken over two lines, reads "
                            f"{link.text!r}, which {problem}",
                        )
                    )
        for address in links.email_addresses(page.seen):
            out.append(
                _f(
                    doc,
                    page.number,
                    "link",
                    f"the e-mail address {address!r} is printed: the registry has none, so "
                    "verify cannot vouch for it",
                )
            )
        for link in links.find_links(page.seen):
            if re.fullmatch(r"(?:\d+\.)+[A-Z]{2,}", link.text):
                continue  # a number with dots and vanity letters ("800.656.HOPE"): a number
            problem = _link_problem(link.host, link.path, registry)
            if problem:
                out.append(_f(doc, page.number, "link", f"printed link {link.text!r} {problem}"))
                continue
            host = links.bare_host(link.host)
            owners = [
                r
                for r in registry
                if host
                in {
                    links.split_url(x)[0]
                    for x in (r.url, r.display)
                    if x and not (x == r.display and r.tel)
                }
            ]
            if edition and owners and not any(edition in r.editions for r in owners):
                out.append(
                    _f(
                        doc,
                        page.number,
                        "link",
                        f"printed link {link.text!r} belongs to edition "
                        f"{', '.join(owners[0].editions)}, not {edition}",
                    )
                )
    return out


def _mentions(label: str, res: Resource) -> bool:
    label = _fold(label)
    return any(_fold(x) in label for x in (res.short_name, res.name, res.display) if x)


def _fold(s: str) -> str:
    return " ".join(s.casefold().split())


def opens(payload: str) -> str:
    """A payload as a phone or browser opens it: scheme and host in any case, a tel: number
    without the separators a dialler skips."""
    scheme, sep, rest = payload.strip().partition(":")
    if not sep:
        return payload
    scheme = scheme.lower()
    if scheme == "tel":
        dialled_ = "".join(c for c in phones.normalise(rest) if c.isdigit() or c == "+")
        for region in ("GB", "US"):  # a national number dials what its E.164 form dials
            e164 = phones.to_e164(dialled_.lstrip("+"), region, plus=dialled_.startswith("+"))
            if e164 and not dialled_.startswith("+"):
                return "tel:" + e164
        return "tel:" + dialled_
    host, slash, path = rest.removeprefix("//").partition("/")
    return f"{scheme}://{host.lower()}/{path}"


def target_of(payload: str, registry: Registry) -> tuple[Resource | None, str]:
    """The registry entry a code or link opens, or None and what is wrong with it."""
    opened = opens(payload)
    for res in registry:
        if opened in (opens(res.qr), opens(res.url or "")):
            if opened.startswith("http://"):
                return None, "is not https"
            return res, ""
    if opened.startswith("tel:"):
        digits = phones.keypad_digits(opened[4:])
        near = _nearest_number(digits, registry)
        hint = f"; it looks like {near.short_name}'s {near.qr}" if near else ""
        return None, f"dials {opened[4:]!r}, which is not in the registry{hint}"
    if opened.startswith(("https://", "http://")):
        host, path = links.split_url(opened)
        problem = _link_problem(host, path, registry) if host else "has no host"
        if not opened.startswith("https://"):
            problem = "is not https"
        return None, f"opens {payload!r}, which {problem or 'is not a registry link'}"
    return None, f"holds {payload!r}, not a tel: or https: link"


def _code_shaped(code) -> bool:
    """An undecoded QR candidate that is square and at least 5 mm: a damaged or too small
    code, not the letters of a CJK text that zxing takes for finder patterns."""
    w, h = code.bbox[2] - code.bbox[0], code.bbox[3] - code.bbox[1]
    return code.format == "QR Code" and min(w, h) >= 5 * 2.835 and 0.85 <= w / max(h, 1e-6) <= 1.18


_BARCODES = {
    "Code 128",
    "Code 39",
    "Code 93",
    "Codabar",
    "EAN-13",
    "EAN-8",
    "UPC-A",
    "UPC-E",
    "ITF",
    "DataBar",
    "DataBar Expanded",
}


def check_qr(doc: PDFRead, registry: Registry) -> list[Finding]:
    """Every 2-D code opens a registry number or link and is a QR code (which every phone
    camera reads), its label names what it opens, and no code-shaped region fails to decode."""
    out = []
    for page in doc.pages:
        for code in page.qr:
            where = f"at {code.bbox[0] / 2.835:.0f}, {code.bbox[1] / 2.835:.0f} mm"
            if code.error:
                if code.small or _code_shaped(code):
                    out.append(
                        _f(
                            doc,
                            page.number,
                            "qr",
                            f"a {code.format} {where} does not decode "
                            f"({code.error.split(' @')[0]}): no phone can open it",
                        )
                    )
                continue  # other formats' candidates are mostly text that looks like one
            if code.format in _BARCODES:
                out.append(
                    _f(
                        doc,
                        page.number,
                        "qr",
                        f"a {code.format} barcode {where} holds {code.payload!r}: leaflets "
                        "prints no barcodes, and a phone camera may open or dial what it holds",
                    )
                )
                continue
            if code.format != "QR Code":
                out.append(
                    _f(
                        doc,
                        page.number,
                        "qr",
                        f"a {code.format} code {where}: leaflets prints "
                        "only QR codes, and most phone cameras cannot read it",
                    )
                )
            res, problem = target_of(code.payload, registry)
            if res is None:
                out.append(_f(doc, page.number, "qr", f"QR code {problem}"))
                continue
            edition = _edition(doc)
            if edition and edition not in res.editions:
                out.append(
                    _f(
                        doc,
                        page.number,
                        "qr",
                        f"QR code opens {res.short_name} ({code.payload}), "
                        f"which belongs to edition {', '.join(res.editions)}, not {edition}",
                    )
                )
            if not _mentions(code.label, res):
                out.append(
                    _f(
                        doc,
                        page.number,
                        "qr-label",
                        f"QR code opens {res.short_name} ({code.payload}) but the text under it "
                        f"({code.label!r}) does not name {res.short_name}",
                    )
                )
    return out


def check_targets(doc: PDFRead, registry: Registry) -> list[Finding]:
    """Nothing in the file opens or runs anything by itself, and every link annotation opens a
    registry target and sits over text that names it."""
    out = [
        _f(
            doc,
            None,
            "actions",
            f"the document has {what}: leaflets never makes one, and a viewer may run or open it",
        )
        for what in doc.actions
    ]
    for page in doc.pages:
        out += [
            _f(doc, page.number, "actions", f"the page has a {what}: a viewer may run it")
            for what in page.actions
        ]
        for a in page.annotations:
            said = "" if a.subtype == "Link" else _says_number_or_link(a.contents)
            if said:
                out.append(
                    _f(
                        doc,
                        page.number,
                        "links",
                        f"a {a.subtype} annotation says {said!r} ({a.contents.strip()[:80]!r}): "
                        "a viewer shows it, and leaflets makes none",
                    )
                )
            if a.subtype in ("Popup", "Text") and not a.action:
                continue  # a comment: no target
            if a.subtype != "Link":
                out.append(
                    _f(
                        doc,
                        page.number,
                        "links",
                        f"a {a.subtype} annotation"
                        + (
                            f" that runs a {a.action} action ({a.target or 'no target'})"
                            if a.action
                            else ""
                        )
                        + ": leaflets makes none, and it may open, play or submit something",
                    )
                )
                continue
            if a.action == "Appearance":
                out.append(
                    _f(
                        doc,
                        page.number,
                        "links",
                        "a link draws an appearance of its own over "
                        "the page: it can hide or replace what is printed under it",
                    )
                )
                continue
            if a.action in ("", "GoTo"):
                continue  # a place in the file
            if a.action != "URI":
                out.append(
                    _f(
                        doc,
                        page.number,
                        "links",
                        f"a link runs a {a.action} action "
                        f"({a.target or 'no target'}): only tel: and https: links are allowed",
                    )
                )
                continue
            res, problem = target_of(a.target, registry)
            edition = _edition(doc)
            if res is not None and edition and edition not in res.editions:
                out.append(
                    _f(
                        doc,
                        page.number,
                        "links",
                        f"a clickable link opens {res.short_name}, of "
                        f"edition {', '.join(res.editions)}, not {edition}",
                    )
                )
            if res is None:
                out.append(_f(doc, page.number, "links", f"a clickable link {problem}"))
                continue
            spoken = _spoken_problem(a.contents, a.target, res, registry)
            if spoken:
                out.append(
                    _f(
                        doc,
                        page.number,
                        "links",
                        f"a clickable link to {res.short_name} ({a.target}) is read out as "
                        f"{a.contents.strip()[:80]!r}, which {spoken}",
                    )
                )
            if not _mentions(a.text, res) and not _names_link(a.text, res):
                out.append(
                    _f(
                        doc,
                        page.number,
                        "links",
                        f"a clickable link opens {res.short_name} "
                        f"({a.target}) over text that does not name it ({a.text.strip()!r})",
                    )
                )
    return out


def _spoken_problem(contents: str, target: str, res: Resource, registry: Registry) -> str:
    """Why the text a screen reader speaks for a link to `res` (its /Contents, "Call RAINN,
    1, 8 0 0, 6 5 6, 4 6 7 3") misleads, or "": every digit it says, read together, is the
    number a tel: link dials (a link to a page says none but in names), and every address it
    names is the link's."""
    if not contents:
        return ""
    said = contents
    own = links.split_url(res.url)[0] if res.url else ""
    names = [
        part
        for r in registry
        if r is res or (own and r.url and links.split_url(r.url)[0] == own)
        for part in (r.name, r.short_name)
    ]
    for part in sorted({*names, own, f"www.{own}" if own else ""}, key=len, reverse=True):
        if part:
            said = said.replace(part, " ")  # "IC3" and "ic3.gov" are names, not numbers
    digits = "".join(c for c in phones.as_dialled(said) if c.isdigit())
    if target.lower().startswith("tel:"):
        main = res.display.split("(")[0]
        dialled = {
            res.tel.lstrip("+") if res.tel else "",
            phones.keypad_digits(main),
            "".join(c for c in main if c.isdigit()),
            "".join(c for c in res.display if c.isdigit()),
        }
        if digits and digits not in dialled:
            return f"says the number {digits}, not {res.display}"
    elif digits:
        return f"says the number {digits}, but the link opens a page"
    hosts = {link.host for link in links.find_links(contents)}
    hosts |= {t.host for t in links.disguised_hosts(contents)}
    strangers = sorted(h for h in hosts if h != own)
    if strangers:
        return f"names {strangers[0]}, not {own or res.short_name}"
    return ""


def _says_number_or_link(text: str) -> str:
    """The first number (three digits or more, in any spelling) or address in `text`."""
    if not text:
        return ""
    flat = phones.as_dialled(text)
    for num in phones.find_numbers(flat, 3):
        return num.main
    for w in reading.spelled_numbers(text):
        return w.text
    for link in links.find_links(text):
        return link.text
    for typed in links.disguised_hosts(text):
        return typed.text
    return ""


def check_metadata(doc: PDFRead, registry: Registry) -> list[Finding]:
    """The document's title, subject and author (what a viewer shows in its title bar and
    properties) hold no number or address but the edition's registry ones."""
    out = []
    edition = _edition(doc)
    allowed = allowed_numbers(edition, registry)
    for key in ("Title", "Subject", "Author"):
        text = doc.info.get(key, "")
        if not text:
            continue
        flat = phones.as_dialled(text)
        bad = [
            n.main
            for n in phones.find_numbers(flat, 3)
            if not allowed.has(n.main, n.digits)
            and not ((res := dialled(n, registry)) and (not edition or edition in res.editions))
        ]
        bad += [w.text for w in reading.spelled_numbers(text)]
        bad += [
            lk.text for lk in links.find_links(text) if _link_problem(lk.host, lk.path, registry)
        ]
        bad += [t.text for t in links.disguised_hosts(text)]
        bad += links.email_addresses(text)
        for thing in bad:
            out.append(
                _f(
                    doc,
                    None,
                    "metadata",
                    f"the document's {key} says {thing!r}, which is not a registry number or "
                    "link of its edition: a viewer shows it",
                )
            )
    return out


def _names_link(text: str, res: Resource) -> bool:
    """The text under a link is its number or host as printed."""
    flat = phones.normalise(text)
    if res.tel:
        want = {phones.keypad_digits(res.display.split("(")[0]), res.tel.lstrip("+")}
        if any(
            n.digits in want or res.tel.endswith(n.digits) for n in phones.find_numbers(flat, 3)
        ):
            return True
    host = links.split_url(res.url or res.display)[0]
    return bool(host) and links.bare_host(host) in flat.casefold()


def check_printed(doc: PDFRead, registry: Registry) -> list[Finding]:
    """--deep: every number and host the text layer reports is visibly printed where it
    stands (OCR of its line), and the print shows no valid phone number the text layer does
    not report (OCR of the page)."""
    out = []
    edition = _edition(doc)
    regions = sorted(
        {r.region for r in registry if r.region and (not edition or edition in r.editions)}
    )
    for page in doc.pages:
        if page.printed is None:
            continue
        said: set[str] = set()
        for k, (segment, _) in enumerate(page.segments):
            ink = page.printed_lines.get(k, page.printed)
            dialled_text = phones.as_dialled(segment)
            for num in phones.find_numbers(dialled_text, 3):
                said.add(num.digits)
                if _percent(dialled_text, num.end):
                    continue  # "100 %": not a number to call, and small print
                key = ocr.stream(num.main)
                if key and key not in ocr.stream(ink):
                    out.append(
                        _f(
                            doc,
                            page.number,
                            "printed",
                            f"the text layer has the number "
                            f"{num.main!r}, but it is not visible where it stands (OCR of the "
                            f"line reads {' '.join(ink.split())!r}): covered, hidden, or drawn "
                            "with other glyphs",
                        )
                    )
            for link in links.find_links(segment):
                host = ocr.host_stream(links.bare_host(link.host))
                if host.isascii() and host not in ocr.host_stream(ink):
                    out.append(
                        _f(
                            doc,
                            page.number,
                            "printed",
                            f"the text layer has the link "
                            f"{link.text!r}, but it is not visible where it stands (OCR reads "
                            f"{' '.join(ink.split())!r})",
                        )
                    )
        read = phones.as_dialled(page.printed.translate(ocr.DIGITS))
        years = tuple({str(r.verified.year) for r in registry})
        for num in phones.find_numbers(read, 7):
            if any(num.digits in d or d in num.digits for d in said if len(d) >= 5):
                continue
            if num.digits.startswith(years):
                continue  # a checked date whose CJK year, month and day marks OCR read as digits
            valid = any(phones.to_e164(num.digits, r, plus=num.has_plus) for r in regions)
            if valid or _nearest_number(num.digits, registry):  # a number, or one like a helpline's
                out.append(
                    _f(
                        doc,
                        page.number,
                        "printed",
                        f"the printed page shows the number "
                        f"{num.main!r} (OCR), which the text layer does not have: printed as "
                        "outlines or an image, it is not what a search or a screen reader finds",
                    )
                )
    return out


def check_readable(doc: PDFRead, registry: Registry) -> list[Finding]:
    """Pages verify could not read whole, text only visible in some renderings, and numbers
    or links that stand where no print shows them."""
    out = []
    for page in doc.pages:
        if page.too_big:
            out.append(_f(doc, page.number, "limits", f"not checked: {page.too_big}"))
        if page.layers_differ:
            out.append(
                _f(
                    doc,
                    page.number,
                    "layers",
                    "the page has optional content (layers) that "
                    "prints differently from how it shows on screen",
                )
            )
        for thing, why in page.unseen:
            out.append(
                _f(
                    doc,
                    page.number,
                    "visible",
                    f"{thing!r} is in the text layer, but a reader of the page cannot see it: "
                    f"{why}",
                )
            )
        if page.blank_lines:
            n = len(page.blank_lines)
            out.append(
                _f(
                    doc,
                    page.number,
                    "visible",
                    f"{n} line{'s' if n > 1 else ''} of text show no ink where they stand "
                    f"(the first: {page.blank_lines[0][:60]!r}): a font that draws nothing, "
                    "or text covered or the colour of its background",
                )
            )
        hidden = [n.main for n in phones.find_numbers(page.hidden, 3)]
        hidden += [lk.text for lk in links.find_links(page.hidden)]
        for thing in hidden:
            out.append(
                _f(
                    doc,
                    page.number,
                    "hidden",
                    f"{thing!r} is in the text but outside the "
                    "visible page (CropBox or TrimBox): no print shows it",
                )
            )
    if doc.hidden_layers:
        out.append(
            _f(
                doc,
                None,
                "layers",
                f"the file has layers hidden until a reader switches them on "
                f"({', '.join(repr(n) for n in doc.hidden_layers)}): verify cannot vouch for "
                "what they show, and leaflets makes none",
            )
        )
    for loop in doc.loops:
        out.append(
            _f(doc, None, "pdf", f"the file has {loop}: viewers cut it short, each its own way")
        )
    if doc.encrypted:
        out.append(
            _f(
                doc,
                None,
                "pdf",
                "the file is encrypted (with an owner password); it was read, "
                "but leaflets never encrypts",
                "warning",
            )
        )
    return out


def _in_codes(res: Resource, doc: PDFRead) -> bool:
    return any(not c.error and opens(c.payload) == opens(res.qr) for p in doc.pages for c in p.qr)


def _in_text(res: Resource, doc: PDFRead, registry: Registry) -> bool:
    """Its number, or its link, printed where a reader sees it (a QR code alone does not
    count: not every reader has a phone that scans)."""
    text = "\n".join(p.seen for p in doc.pages)
    if res.tel is not None:
        if not res.tel.startswith("+"):
            found = re.search(
                rf"(?<![0-9A-Za-z]){re.escape(res.tel)}(?![0-9A-Za-z])", phones.normalise(text)
            )
            if found:
                return True
        elif any(dialled(n, registry) is res for n in phones.find_numbers(text)):
            return True
    wanted = {links.split_url(x) for x in (res.url, None if res.tel else res.display) if x}
    return bool(wanted & {(lk.host, lk.path) for lk in links.find_links(text)})


def required(doc: PDFRead, registry: Registry):
    """What the file must print, as [(registry id, "text" or "code")], and where that was
    learnt; None (with why) when verify cannot tell.

    From the manifest the file was built with: everything the build recorded it printing, as
    text and as codes. Else from the registry: what the edition requires of its format, as
    text. A format the registry names no requirements for, outside a build folder, cannot be
    checked."""
    guide = doc.expected.guide if doc.expected else doc.meta.get("guide")
    fmt = doc.expected.format if doc.expected else doc.meta.get("format")
    if not guide or not fmt:
        return None, (
            "no leaflets metadata (Keywords) and no manifest.json: cannot tell the edition and "
            "format, so which helplines it must carry is unknown; verify it in its build folder"
        )
    edition = registry.editions.get(guide)
    if edition is None:
        return None, f"edition {guide!r} is not in the registry"
    from_registry = edition.requires.get(fmt)
    if doc.expected is not None:
        # the manifest adds to what the registry requires; it never takes anything away
        text = dict.fromkeys([*doc.expected.resources, *(from_registry or ())])
        return [(r, "text") for r in text] + [(r, "code") for r in doc.expected.codes], ""
    if from_registry is None:
        return None, (
            f"format {fmt!r} is not one the registry says what to require of for {guide}: "
            "cannot tell which helplines it must carry; verify it in its build folder "
            "(with the manifest.json it was built with)"
        )
    return [(r, "text") for r in from_registry], ""


def check_required(doc: PDFRead, registry: Registry) -> list[Finding]:
    """The helplines the file must carry are printed on it: as text, and as a QR code where
    it was built with one."""
    ids, why = required(doc, registry)
    if ids is None:
        return [_f(doc, None, "required", why)]
    guide = doc.expected.guide if doc.expected else doc.meta.get("guide")
    fmt = doc.expected.format if doc.expected else doc.meta.get("format")
    out = []
    edition = registry.editions.get(guide or "")
    if doc.expected is not None and edition is not None and fmt not in edition.requires:
        out.append(
            _f(
                doc,
                None,
                "required",
                f"format {fmt!r} is not one the registry names "
                "requirements for: it was checked against its own manifest only",
                "warning",
            )
        )
    if not any(how == "text" and registry.resources.get(r) and registry[r].tel for r, how in ids):
        out.append(_f(doc, None, "required", f"no helpline number is required of {guide} {fmt}"))
    for rid, how in ids:
        if rid not in registry.resources:
            message = f"the manifest lists {rid!r}, which is not in the registry"
            out.append(_f(doc, None, "required", message))
            continue
        res = registry[rid]
        if how == "text" and not _in_text(res, doc, registry):
            out.append(
                _f(
                    doc,
                    None,
                    "required",
                    f"required for {guide} {fmt}: {res.name} ({res.display}) is missing",
                )
            )
        if how == "code" and not _in_codes(res, doc):
            out.append(
                _f(
                    doc,
                    None,
                    "required",
                    f"required for {guide} {fmt}: the QR code of "
                    f"{res.short_name} ({res.qr}) is missing or does not decode",
                )
            )
    return out


def check_claims(doc: PDFRead, registry: Registry) -> list[Finding]:
    """What the file says it is (its Keywords) agrees with what it was built as."""
    out = [
        _f(doc, None, "claims", f"its Keywords give {key} twice, with different values")
        for key in doc.conflicting
    ]
    if doc.expected is None:
        return out
    for key in ("guide", "locale", "format", "paper", "review"):
        claimed, built = doc.meta.get(key), getattr(doc.expected, key)
        if claimed != built:
            out.append(
                _f(
                    doc,
                    None,
                    "claims",
                    f"says {key}={claimed or '(nothing)'} but manifest.json "
                    f"lists it as {key}={built}",
                )
            )
    return out


def check_fonts(doc: PDFRead, registry: Registry) -> list[Finding]:
    """Every font that draws text is embedded (a viewer would print another); one that is
    only listed and never used is a warning."""
    out = []
    for name, embedded in doc.fonts.items():
        if not embedded:
            used = name in doc.fonts_used
            out.append(
                _f(
                    doc,
                    None,
                    "fonts",
                    f"font {name} is not embedded" + ("" if used else " (it draws no text)"),
                    "error" if used else "warning",
                )
            )
    return out


def check_lang(doc: PDFRead, registry: Registry) -> list[Finding]:
    if not doc.lang:
        return [_f(doc, None, "lang", "the document has no /Lang (language) entry")]
    locale = doc.meta.get("locale")
    if locale and doc.lang != locale:
        return [_f(doc, None, "lang", f"/Lang is {doc.lang!r} but the leaflet is in {locale!r}")]
    return []


def check_boxes(doc: PDFRead, registry: Registry) -> list[Finding]:
    """Each page has a TrimBox of its paper's size, inside the BleedBox and MediaBox."""
    out = []
    paper = doc.expected.paper if doc.expected else doc.meta.get("paper")
    if paper not in PAPERS:
        out.append(
            _f(
                doc,
                None,
                "boxes",
                f"paper {paper or '(none given)'} is not one verify knows "
                f"({', '.join(PAPERS)}): the trim size was not checked",
            )
        )
    for page in doc.pages:
        if page.user_unit != 1.0:
            out.append(
                _f(
                    doc,
                    page.number,
                    "boxes",
                    f"the page has /UserUnit {page.user_unit:g}: it prints at "
                    f"{page.user_unit:g} times the size its boxes give",
                )
            )
        if page.trimbox is None:
            out.append(_f(doc, page.number, "boxes", "the page has no TrimBox"))
            continue
        x0, y0, x1, y1 = page.trimbox
        w, h = to_mm(x1 - x0), to_mm(y1 - y0)
        if paper in PAPERS:
            want = sorted(PAPERS[paper])
            if any(abs(a - b) > TRIM_TOLERANCE_MM for a, b in zip(sorted((w, h)), want)):
                out.append(
                    _f(
                        doc,
                        page.number,
                        "boxes",
                        f"TrimBox is {w:.1f} x {h:.1f} mm, not {paper} "
                        f"({want[1]:g} x {want[0]:g} mm)",
                    )
                )
        if page.bleedbox is not None:
            bx0, by0, bx1, by1 = page.bleedbox
            if bx0 > x0 + 0.01 or by0 > y0 + 0.01 or bx1 < x1 - 0.01 or by1 < y1 - 0.01:
                out.append(
                    _f(doc, page.number, "boxes", "the BleedBox does not contain the TrimBox")
                )
        mx0, my0, mx1, my1 = page.mediabox or (0, 0, page.width, page.height)
        if x1 > mx1 + 0.01 or y1 > my1 + 0.01 or x0 < mx0 - 0.01 or y0 < my0 - 0.01:
            out.append(_f(doc, page.number, "boxes", "the TrimBox is outside the MediaBox"))
    return out


RULES: tuple[Rule, ...] = (
    check_numbers,
    check_metadata,
    check_links,
    check_qr,
    check_targets,
    check_readable,
    check_printed,
    check_required,
    check_claims,
    check_fonts,
    check_lang,
    check_boxes,
)


def _signed_off(doc: PDFRead, locale: str) -> list[Finding]:
    """A file that says it is reviewed (English aside) names the catalog it was built from,
    and locales/reviews.toml holds a sign-off of exactly that catalog."""
    if locale == "en":
        return []
    guide = doc.expected.guide if doc.expected else doc.meta.get("guide", "?")
    digests = {doc.expected.catalog if doc.expected else None, doc.meta.get("catalog")}
    digests -= {None, ""}
    if len(digests) != 1:
        why = "names no catalog" if not digests else "names two different catalogs"
        return [_f(doc, None, "review", f"says it is reviewed but {why}; treat it as a DRAFT")]
    digest = digests.pop()
    try:
        review = find_review(guide, locale, digest)
    except SourceError as e:
        return [_f(doc, None, "review", f"the review record cannot be read: {e}")]
    if review is None:
        return [
            _f(
                doc,
                None,
                "review",
                f"says it is reviewed, but {REVIEWS_NAME} has no sign-off of the {locale} "
                f"catalog it was built from ({digest[:12]}...); treat it as a DRAFT",
            )
        ]
    return []


def check_review(doc: PDFRead, require_reviewed: bool) -> list[Finding]:
    """A draft translation (or one whose status cannot be told) is a warning, or an error when
    reviewed text is required."""
    said = {doc.expected.review if doc.expected else None, doc.meta.get("review")} - {None}
    review = "draft" if "draft" in said else (said.pop() if said else None)
    locale = doc.expected.locale if doc.expected else doc.meta.get("locale", "?")
    if review == "reviewed":
        return _signed_off(doc, locale)
    level = "error" if require_reviewed else "warning"
    if review is None:
        return [_f(doc, None, "review", "its review status is not recorded", level)]
    return [
        _f(
            doc,
            None,
            "review",
            f"{locale} is a DRAFT translation, not yet reviewed by a native speaker",
            level,
        )
    ]
