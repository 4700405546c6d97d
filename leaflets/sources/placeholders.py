"""Placeholders: how guide text names a registry entry (``{rainn}`` prints its display form,
``{rainn.url}`` its link) and a value the renderer supplies (``{date}``).

A text becomes segments: plain strings and :class:`Ref` references to resources, so that
numbers and links reach the page only from the registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .registry import Registry, Resource

# {id} or {id.url}; ids are kebab-case.
PLACEHOLDER = re.compile(r"\{([a-z0-9]+(?:-[a-z0-9]+)*)(\.url)?\}")
_BRACE = re.compile(r"[{}]")


@dataclass(frozen=True)
class Ref:
    """A placeholder in a text: a resource, printed as its display form or its link."""

    resource: Resource
    variant: str = ""  # "" or "url"

    @property
    def text(self) -> str:
        return self.resource.printed(self.variant)


Segment = str | Ref

# Placeholders that are not resources: values the renderer supplies (a date, a page number
# and the number of pages, formatted for the language). A translator must keep them like the
# others.
FIELDS = ("date", "page", "pages")


def placeholders(text: str) -> list[str]:
    """The placeholders of a text, as written ("{rainn}", "{rainn.url}"), in order."""
    return [m.group(0) for m in PLACEHOLDER.finditer(text)]


def segments(text: str, registry: Registry, fields: dict[str, str] | None = None) -> list[Segment]:
    """Split a text into plain strings and resource references, in order; field placeholders
    ({date}) are replaced by their values from `fields`."""
    out: list[Segment] = []
    pos = 0
    for m in PLACEHOLDER.finditer(text):
        if m.start() > pos:
            out.append(text[pos : m.start()])
        if m.group(1) in FIELDS:
            out.append((fields or {}).get(m.group(1), m.group(0)))
        else:
            out.append(Ref(registry[m.group(1)], "url" if m.group(2) else ""))
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def fill(text: str, registry: Registry, fields: dict[str, str] | None = None) -> str:
    """A text with its placeholders replaced by what they print."""
    return "".join(s if isinstance(s, str) else s.text for s in segments(text, registry, fields))


def placeholder_problem(text: str, registry: Registry, edition: str) -> str | None:
    """Why the placeholders of `text` cannot be filled for `edition`, or None."""
    stripped = PLACEHOLDER.sub("", text)
    if _BRACE.search(stripped):
        return "has a '{' or '}' that is not a placeholder like {rainn} or {rainn.url}"
    for m in PLACEHOLDER.finditer(text):
        rid, variant = m.group(1), m.group(2)
        if rid in FIELDS and not variant:
            continue
        if rid not in registry.resources:
            return f"names {m.group(0)}, which is not in the registry"
        res = registry[rid]
        if edition not in res.editions:
            return f"names {m.group(0)}, which the registry does not list for edition {edition}"
        if variant and not res.url:
            return f"names {m.group(0)}, but {rid} has no link"
    return None
