"""Catalogs: one gettext domain per guide (edition).

``locales/<guide>.pot`` is the template and ``locales/<locale>/LC_MESSAGES/<guide>.po`` a
translation, so a locale may cover one edition and not the other.

A catalog records its review status in its header (``X-Leaflets-Review: draft|reviewed``,
``X-Leaflets-Reviewed-By``, ``X-Leaflets-Reviewed-Date``). Babel drops headers it does not know
when it writes a catalog, so this module reads and writes them itself.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

from babel import Locale, UnknownLocaleError

from .. import __version__
from ..errors import SourceError
from ..files import data_folder, write_atomic
from ..sources.guide import Guide
from ..sources.placeholders import PLACEHOLDER
from .extract import comments_for, guide_messages
from .locales import PSEUDO_LOCALE, SOURCE_LOCALE, babel_id

LOCALES_DIR = data_folder("locales")
REVIEW_HEADER = "X-Leaflets-Review"
REVIEWER_HEADER = "X-Leaflets-Reviewed-By"
REVIEW_DATE_HEADER = "X-Leaflets-Reviewed-Date"
_HEADER_LINE = re.compile(r'^"(X-Leaflets-[\w-]+): ?(.*?)\\n"$', re.M)


def pot_path(guide_id: str) -> Path:
    return LOCALES_DIR / f"{guide_id}.pot"


def po_path(locale: str, guide_id: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{guide_id}.po"


def buildable(locale: str, guide_id: str) -> bool:
    return locale == PSEUDO_LOCALE or locale in available_locales(guide_id)


def available_locales(guide_id: str) -> list[str]:
    """English, and every locale with a catalog for this guide, sorted."""
    found = sorted(p.parent.parent.name for p in LOCALES_DIR.glob(f"*/LC_MESSAGES/{guide_id}.po"))
    return [SOURCE_LOCALE] + [x for x in found if x != SOURCE_LOCALE]


def review_headers(po_text: str) -> dict[str, str]:
    header = po_text.split("\n\n", 1)[0] if 'msgid ""' in po_text[:2000] else ""
    return {k: v.strip() for k, v in _HEADER_LINE.findall(header)}


def _with_review_headers(po_text: str, headers: dict[str, str]) -> str:
    """Put our X- headers back into the header entry Babel wrote."""
    head, sep, rest = po_text.partition("\n\n")
    head = _HEADER_LINE.sub("", head)
    head = re.sub(r"\n(?=\n)", "", head)
    extra = "".join(f'\n"{k}: {v}\\n"' for k, v in headers.items())
    return head.rstrip("\n") + extra + sep + rest


def read_catalog(path: Path):
    try:
        text = path.read_text("utf-8")
        from babel.messages.pofile import read_po  # imported here to keep start-up fast

        catalog = read_po(io.StringIO(text), abort_invalid=True)
    except FileNotFoundError:
        raise SourceError(f"{path}: catalog not found") from None
    except Exception as e:  # noqa: BLE001 -- Babel raises several types for a broken file
        raise SourceError(f"{path}: not a valid PO file ({e}); fix it in Poedit") from None
    return catalog, review_headers(text)


def write_catalog(path: Path, catalog, headers: dict[str, str] | None = None) -> None:
    buf = io.BytesIO()
    from babel.messages.pofile import write_po  # imported here to keep start-up fast

    write_po(buf, catalog, width=100, sort_output=False, include_previous=True)
    text = buf.getvalue().decode("utf-8")
    if headers:
        text = _with_review_headers(text, headers)
    try:
        write_atomic(path, text.encode("utf-8"))
    except OSError as e:
        raise SourceError(
            f"{path}: cannot be written ({e.strerror or e}); catalogs are edited in a checkout "
            "of leaflets (pip install -e .), not in an installed package"
        ) from None


def template(guide: Guide):
    """The POT of one guide as a Babel catalog."""
    from babel.messages.catalog import Catalog  # imported here to keep start-up fast

    cat = Catalog(
        project=f"leaflets {guide.id}",
        version=__version__,
        domain=guide.id,
        msgid_bugs_address="",
        copyright_holder="the leaflets contributors",
        fuzzy=False,
    )
    src = guide.path.read_text("utf-8") if guide.path else ""
    rel = f"leaflets/data/guides/{guide.id}.toml"
    for lineno, ctx, text, where in guide_messages(guide, src):
        flags = ["python-brace-format"] if PLACEHOLDER.search(text) else []
        cat.add(
            text,
            "",
            locations=[(rel, lineno)],
            auto_comments=comments_for(text, where),
            flags=flags,
            context=ctx,
        )
    return cat


def _messages_of(cat) -> list[tuple]:
    return [(m.context, m.id, tuple(m.auto_comments)) for m in cat if m.id]


def extract(guide: Guide) -> tuple[Path, bool]:
    """Write locales/<guide>.pot when its messages changed; (path, changed)."""
    path = pot_path(guide.id)
    new = template(guide)
    if path.exists():
        from babel.messages.pofile import read_po  # imported here to keep start-up fast

        old = read_po(io.StringIO(path.read_text("utf-8")))
        if _messages_of(old) == _messages_of(new):
            return path, False
    write_catalog(path, new)
    return path, True


def init(guide: Guide, locale: str) -> Path:
    """A new catalog for `locale`, as a draft nobody has reviewed."""
    path = po_path(locale, guide.id)
    if path.exists():
        raise SourceError(f"{path}: already exists; use 'i18n update' to bring it up to date")
    try:
        Locale.parse(babel_id(locale))
    except (ValueError, LookupError, UnknownLocaleError):
        raise SourceError(f"locale {locale}: not a known BCP 47 language tag") from None
    cat = template(guide)
    cat.locale = babel_id(locale)
    cat.fuzzy = False
    write_catalog(path, cat, {REVIEW_HEADER: "draft", REVIEWER_HEADER: "", REVIEW_DATE_HEADER: ""})
    return path


def update(guide: Guide) -> list[Path]:
    """Bring every catalog of the guide up to its template; changed English goes fuzzy."""
    tmpl = template(guide)
    done = []
    for locale in available_locales(guide.id)[1:]:
        path = po_path(locale, guide.id)
        cat, headers = read_catalog(path)
        cat.update(tmpl, update_header_comment=False)
        write_catalog(path, cat, headers)
        done.append(path)
    return done


def iter_catalogs(guides: list[Guide]) -> Iterator[tuple[Guide, str]]:
    for g in guides:
        for loc in available_locales(g.id)[1:]:
            yield g, loc
