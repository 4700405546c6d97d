"""Who reviewed which translation: the record that makes a catalog count as reviewed.

A catalog's own header can say anything, so it decides nothing. A catalog is reviewed only
when ``locales/reviews.toml`` (kept in the repository, where every change to it is a commit a
person can read) has a sign-off for its edition and language with the reviewer's name, a date
not in the future and the hash of the catalog's messages as they were reviewed. Any later change
to a message changes the hash, and the catalog is a draft again until someone reviews it anew.
``i18n review`` writes the sign-off; builds, the manifest and ``verify --require-reviewed``
read it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from ..files import data_folder, latest_real_date, read_toml, write_atomic

REVIEWS_NAME = "reviews.toml"
_DIGEST = re.compile(r"[0-9a-f]{64}")
_KEYS = {"edition", "locale", "reviewer", "date", "catalog_sha256"}
_HEADER = """\
# Sign-offs of reviewed translations. A catalog prints without the DRAFT band only when a
# sign-off here names its edition and language and the hash of its messages as reviewed.
# Written by `python make_leaflets.py i18n review LOCALE --guide EDITION --reviewer NAME`;
# see docs/TRANSLATING.md. Never add a sign-off for a review that did not happen.
"""


@dataclass(frozen=True)
class Review:
    edition: str
    locale: str
    reviewer: str
    date: dt.date
    catalog_sha256: str


# The folder of the catalogs, where reviews.toml sits beside them.
LOCALES_DIR = data_folder("locales")


def reviews_path(locales_dir: Path | None = None) -> Path:
    return (locales_dir or LOCALES_DIR) / REVIEWS_NAME


def load_reviews(path: Path | None = None) -> list[Review]:
    """Every sign-off in the file (none when there is no file); a bad one is an error."""
    path = path or reviews_path()
    if not path.exists():
        return []
    _, data = read_toml(path, "reviews file", SourceError)
    listed = data.get("review", [])
    if set(data) - {"review"} or not isinstance(listed, list):
        raise SourceError(f"{path}: holds only [[review]] tables")
    out = []
    for i, r in enumerate(listed, 1):
        where = f"{path}: review {i}"
        if not isinstance(r, dict) or set(r) != _KEYS:
            raise SourceError(f"{where}: give exactly {', '.join(sorted(_KEYS))}")
        if not all(isinstance(r[k], str) for k in _KEYS - {"date"}):
            raise SourceError(f"{where}: edition, locale, reviewer and catalog_sha256 are strings")
        problem = reviewer_problem(r["reviewer"])
        if problem:
            raise SourceError(f"{where}: {problem}")
        date = r["date"]
        if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
            raise SourceError(f"{where}: date must be a date such as 2026-12-01")
        if date > latest_real_date():
            raise SourceError(f"{where}: date {date} is in the future")
        if not _DIGEST.fullmatch(r["catalog_sha256"]):
            raise SourceError(f"{where}: catalog_sha256 must be 64 hexadecimal digits")
        out.append(Review(r["edition"], r["locale"], r["reviewer"], date, r["catalog_sha256"]))
    return out


def find_review(edition: str, locale: str, digest: str, path: Path | None = None) -> Review | None:
    """The newest sign-off of this edition and language for exactly this catalog, or None."""
    found = [
        r
        for r in load_reviews(path)
        if (r.edition, r.locale, r.catalog_sha256) == (edition, locale, digest)
    ]
    return max(found, key=lambda r: r.date) if found else None


def reviewer_problem(name: str) -> str | None:
    if not name.strip() or len(name) > 100 or any(not c.isprintable() for c in name):
        return "give the reviewer's name (printable, at most 100 characters)"
    if re.search(r"\d{3}|@|://", name):
        return "give the reviewer's name only, without numbers, e-mail or links"
    return None


def add_review(review: Review, path: Path | None = None) -> Path:
    """Append a sign-off to the file (made if missing), keeping what is there."""
    path = path or reviews_path()
    load_reviews(path)  # a damaged file is not written over
    old = path.read_text("utf-8") if path.exists() else _HEADER
    name = review.reviewer.replace("\\", "\\\\").replace('"', '\\"')
    entry = (
        f'\n[[review]]\nedition = "{review.edition}"\nlocale = "{review.locale}"\n'
        f'reviewer = "{name}"\ndate = {review.date.isoformat()}\n'
        f'catalog_sha256 = "{review.catalog_sha256}"\n'
    )
    try:
        write_atomic(path, (old.rstrip("\n") + "\n" + entry).encode("utf-8"))
    except OSError as e:
        raise SourceError(f"{path}: cannot be written ({e.strerror or e})") from None
    return path
