"""Babel extractor for guides/*.toml, registered on the ``babel.extractors`` entry point as
``leaflets_guide``, so ``pybabel extract -F babel.cfg -o x.pot .`` works from the repo root.

Each message carries its context (``guide|path``), a translator comment saying where it is
printed and how much room it has, and the placeholders it must keep.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from typing import Any

from ..sources.guide import Guide, from_toml
from ..sources.placeholders import placeholders
from ..sources.registry import Registry, default_registry

# What a screen reader says of a QR code or a clickable number or link, in every edition
# (render.tagging): context "<guide>|<key>", translated like the guide's texts. {name} is the
# service's name, {number} its number spelled digit by digit, {address} its link.
A11Y_MESSAGES: dict[str, tuple[str, str]] = {
    "a11y.qr_call": (
        "QR code: call {name}, {number}",
        "not printed: what a screen reader says of a QR code that calls a number",
    ),
    "a11y.qr_open": (
        "QR code: open {name}, {address}",
        "not printed: what a screen reader says of a QR code that opens a website",
    ),
    "a11y.link_call": (
        "Call {name}, {number}",
        "not printed: what a screen reader says of a printed number that can be clicked",
    ),
    "a11y.link_open": (
        "Open {name}, {address}",
        "not printed: what a screen reader says of a printed link that can be clicked",
    ),
}


EDITION_KEYS = ("edition.", "registry.")  # the keys of edition_messages' contexts


def edition_messages(guide: Guide, registry: Registry | None = None) -> list[tuple[str, str, str]]:
    """(context, English, where) of the few words a page prints of its edition and of the
    registry that are not organisations' names: whom the edition is for (the guide's
    ``audience``) and each ``generic`` registry name ("Emergency services"). Unlike the
    guide's texts a catalog may lack them: English then stands in (i18n.localise)."""
    registry = registry or default_registry()
    out = []
    if guide.audience:
        out.append(
            (
                f"{guide.id}|edition.audience",
                guide.audience,
                "in the footer, after the country's name: whom this edition is for, at most "
                "about 25 characters",
            )
        )
    for r in registry:
        if r.generic and guide.id in r.editions:
            out.append(
                (
                    f"{guide.id}|registry.{r.id}",
                    r.name,
                    f"the name of a service in the list of contacts, before its number "
                    f"({r.display}); generic words, not an organisation's name",
                )
            )
    return out


def comments_for(text: str, where: str) -> list[str]:
    """The translator comments of one message."""
    unprinted = where.startswith("not printed")
    out = [f"{where[0].upper()}{where[1:]}." if unprinted else f"Printed: {where}."]
    kept = placeholders(text)
    if kept and unprinted:
        out.append(
            "Keep exactly once each, unchanged: "
            + ", ".join(dict.fromkeys(kept))
            + ". The screen reader fills in the service's name and its number or link."
        )
    elif kept:
        out.append(
            "Keep exactly once each, unchanged: "
            + ", ".join(dict.fromkeys(kept))
            + ". They print a phone number, link or date; never type a number or link yourself."
        )
    return out


def parse(source: str, name: str = "guide") -> Guide:
    """A guide from its TOML text, without the registry checks (for extraction)."""
    data = tomllib.loads(source)
    top = {k: v for k, v in data.items() if k not in ("guide", "seed_forms")}
    return from_toml(Guide, {**data.get("guide", {}), **top}, name)


def guide_messages(guide: Guide, source: str) -> Iterator[tuple[int, str, str, str]]:
    """(line in `source`, context, English text, where) of every translatable string: the
    guide's, then what a screen reader says of its codes and links (A11Y_MESSAGES), then the
    edition's own words (edition_messages)."""
    yield from _guide_messages(guide, source)
    for key, (text, where) in A11Y_MESSAGES.items():
        yield 0, f"{guide.id}|{key}", text, where
    for ctx, text, where in edition_messages(guide):
        yield 0, ctx, text, where


def _guide_messages(guide: Guide, source: str) -> Iterator[tuple[int, str, str, str]]:
    lines = source.splitlines()
    cursor = 0
    for ctx, text, where in guide.messages():
        probe = text[:25]
        lineno = 0
        for i in range(cursor, len(lines)):
            if probe in lines[i]:
                lineno, cursor = i + 1, i
                break
        yield lineno, ctx, text, where


def extract_guide(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """The Babel extractor: yields pgettext-style messages so Babel keeps each context."""
    source = fileobj.read().decode("utf-8")
    guide = parse(source, getattr(fileobj, "name", "guide"))
    for lineno, ctx, text, where in guide_messages(guide, source):
        yield lineno, "pgettext", (ctx, text), comments_for(text, where)
