"""From a guide in English to a guide in one locale: strings, text direction, review status.

English is the source language and is always reviewed. Other locales come from gettext
catalogs in locales/ (see docs/TRANSLATING.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from .content import Guide
from .errors import SourceError

SOURCE_LOCALE = "en"
RTL_LANGUAGES = {"ar", "fa", "ur", "he", "ps", "sd", "ug", "yi"}


@dataclass(frozen=True)
class LocalisedGuide:
    """A guide whose strings are in one language, with what the renderer must know of it."""

    guide: Guide
    locale: str  # BCP 47 tag, e.g. "en", "pt-BR"
    language_name: str  # the language's own name, e.g. "English", "Español"
    status: str  # "reviewed" or "draft"
    reviewer: str = ""
    fallback_messages: int = 0  # messages printed in English because the catalog lacks them

    @property
    def direction(self) -> str:
        return "rtl" if self.locale.split("-")[0] in RTL_LANGUAGES else "ltr"

    @property
    def is_draft(self) -> bool:
        return self.status != "reviewed"


def language_name(locale: str) -> str:
    from babel import Locale

    try:
        loc = Locale.parse(locale.replace("-", "_"))
    except (ValueError, LookupError):
        return locale
    name = loc.get_display_name(loc) or locale
    return name[:1].upper() + name[1:]


def available_locales(guide_id: str) -> list[str]:
    return [SOURCE_LOCALE]


def localise(guide: Guide, locale: str) -> LocalisedGuide:
    """The guide in `locale`; English is the source text."""
    if locale == SOURCE_LOCALE:
        return LocalisedGuide(guide, SOURCE_LOCALE, language_name(SOURCE_LOCALE), "reviewed")
    raise SourceError(
        f"locale {locale}: no catalog for guide {guide.id} "
        f"(available: {', '.join(available_locales(guide.id))})"
    )
