"""Catalogs: one gettext domain per guide (edition).

``locales/<guide>.pot`` is the template and ``locales/<locale>/LC_MESSAGES/<guide>.po`` a
translation, so a locale may cover one edition and not the other.

A catalog records its review status in its header (``X-Leaflets-Review: draft|reviewed``,
``X-Leaflets-Reviewed-By``, ``X-Leaflets-Reviewed-Date``). Babel drops headers it does not know
when it writes a catalog, so this module reads and writes them itself.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import stat
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


# The PO syntax, strictly: Babel's parser is lenient (a msgstr without its opening quote loses
# its first letter, an unterminated msgctxt swallows the next message), and nothing may print
# that the file did not say.
_PO_STRING = r'"(?:[^"\\]|\\[\\"ntr])*"'
_PO_KEYWORD = re.compile(
    r"(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)[ \t]+(" + _PO_STRING + r")[ \t]*"
)
_PO_CONTINUATION = re.compile(r"[ \t]*(" + _PO_STRING + r")[ \t]*")
_PO_ORDER = {
    None: {"msgctxt", "msgid"},
    "msgctxt": {"msgid"},
    "msgid": {"msgid_plural", "msgstr"},
    "msgid_plural": {"msgstr[]"},
    "msgstr": set(),
    "msgstr[]": {"msgstr[]"},
}


def po_syntax_problem(text: str) -> tuple[int, str] | None:
    """The first line of `text` that is not well-formed PO, and what is wrong with it."""
    last = None  # the last keyword of the entry being read
    seen: dict[tuple[str, str], int] = {}
    entry: dict[str, str] = {}
    start = 0

    def close() -> tuple[int, str] | None:
        if last is None:
            return None
        if last in ("msgctxt", "msgid", "msgid_plural"):
            return start, f"the entry has no msgstr after its {last}"
        key = (entry.get("msgctxt", "\x04"), entry.get("msgid", ""))
        if key in seen:
            return start, f"the same message is also on line {seen[key]}; keep one"
        seen[key] = start
        return None

    for n, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            if last is not None:  # a comment, even "#~ msgstr", ends the entry it follows
                bad = close()
                if bad:
                    return bad
                last, entry = None, {}
            continue
        m = _PO_KEYWORD.fullmatch(line)
        if m:
            word = "msgstr[]" if m.group(1).startswith("msgstr[") else m.group(1)
            if word not in _PO_ORDER[last]:
                if last in ("msgstr", "msgstr[]"):
                    bad = close()  # a new entry without a blank line before it
                    if bad:
                        return bad
                    last, entry = None, {}
                if word not in _PO_ORDER[last]:
                    return n, f"{m.group(1)} is out of place (after {last or 'nothing'})"
            if last is None:
                start = n
            last = word
            entry[word] = m.group(2)
            continue
        m = _PO_CONTINUATION.fullmatch(line)
        if m and last is not None:
            entry[last] += m.group(1)
            continue
        if '"' in stripped:
            return (
                n,
                'a string is not quoted right (each line of a string is "...", with \\" inside)',
            )
        return n, "not a PO keyword, comment or string"
    return close()


MAX_CATALOG_BYTES = 4 * 1024 * 1024


def _catalog_text(path: Path) -> str:
    """A catalog's text, read only from a regular file of a sane size (a catalog that is a
    link to /dev/zero or a FIFO must not hang the build)."""
    with open(path, "rb", opener=lambda p, f: os.open(p, f | getattr(os, "O_NONBLOCK", 0))) as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise SourceError(f"{path}: not a regular file; a catalog is a .po text file")
        if st.st_size > MAX_CATALOG_BYTES:
            raise SourceError(f"{path}: {st.st_size // 1024} KiB is too large for a catalog")
        return f.read(MAX_CATALOG_BYTES + 1).decode("utf-8").removeprefix("\ufeff")


def read_catalog(path: Path):
    try:
        text = _catalog_text(path)
        bad = po_syntax_problem(text)
        if bad:
            raise SourceError(f"{path}:{bad[0]}: {bad[1]}; fix it in Poedit or a text editor")
        from babel.messages.pofile import read_po  # imported here to keep start-up fast

        catalog = read_po(io.StringIO(text), abort_invalid=True)
    except FileNotFoundError:
        raise SourceError(f"{path}: catalog not found") from None
    except SourceError:
        raise
    except UnicodeDecodeError as e:
        raise SourceError(f"{path}: not UTF-8 (byte {e.start}); save it as UTF-8") from None
    except OSError as e:
        raise SourceError(f"{path}: cannot be read ({e.strerror or e})") from None
    except Exception as e:  # noqa: BLE001 -- Babel raises several types for a broken file
        raise SourceError(f"{path}: not a valid PO file ({e}); fix it in Poedit") from None
    return catalog, review_headers(text)


def catalog_digest(catalog) -> str:
    """The SHA-256 of a catalog's messages (context, English, translation, fuzzy), in a
    canonical form: what a reviewer signs off. Comments, line wrapping, the order of
    messages and the header do not change it; any change to what could print does."""
    messages = sorted(
        [m.context or "", str(m.id), str(m.string or ""), bool(m.fuzzy)] for m in catalog if m.id
    )
    text = json.dumps(messages, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
