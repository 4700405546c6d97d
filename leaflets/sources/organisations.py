"""Many organisations in one build: a spreadsheet a safeguarding team fills in, one row per
school or clinic, each row an organisation's config (see :mod:`config`).

Columns: ``name``, ``logo`` (a path relative to the CSV), ``contact_label``,
``contact_phone``, ``contact_region``, ``contact_hours``, ``contact_url`` (optional), the same
with ``contact2_`` ... ``contact5_`` for further contacts, ``paper`` and ``locales``
(separated by spaces). Every row is checked as a config is, before any work, and each problem
is one line naming the row and the column.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..files import data_path
from .config import OrgConfig, config_from

MAX_CONTACTS = 5
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
_CONTACT_FIELDS = ("label", "phone", "region", "hours", "url")
COLUMNS = (
    "name",
    "logo",
    *(f"contact_{f}" for f in _CONTACT_FIELDS),
    *(f"contact{n}_{f}" for n in range(2, MAX_CONTACTS + 1) for f in _CONTACT_FIELDS),
    "paper",
    "locales",
)
_REQUIRED = ("name",)
EXAMPLE_PATH = data_path("organisations-example.csv")


@dataclass(frozen=True)
class Organisation:
    """One row: the organisation's config, its folder name and where it stands in the CSV."""

    slug: str
    config: OrgConfig
    row: int


def slug_of(name: str) -> str:
    """A folder name for an organisation: its name in lower-case ASCII letters, digits and
    hyphens ("St Mary's C of E School" -> "st-marys-c-of-e-school"); "" when it has none."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_ = re.sub(r"['’]", "", ascii_.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")[:60].rstrip("-")


def _column_of(key: str) -> str:
    """The CSV column a config key came from ("contacts[2].phone" -> "contact2_phone")."""
    m = re.fullmatch(r"contacts\[(\d+)\](?:\.(\w+))?", key)
    if m:
        n = int(m.group(1))
        prefix = "contact" if n == 1 else f"contact{n}"
        return f"{prefix}_{m.group(2)}" if m.group(2) else prefix
    return {
        "organisation.name": "name",
        "organisation.logo": "logo",
        "print.paper": "paper",
        "build.locales": "locales",
    }.get(key, key)


def _read(path: Path) -> str:
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError([f"{path}: organisations file not found"]) from None
    except OSError as e:
        raise ConfigError([f"{path}: cannot read it ({e.strerror or e})"]) from None
    if len(raw) > MAX_BYTES:
        raise ConfigError([f"{path}: over {MAX_BYTES // 1024 // 1024} MB; split the list"])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConfigError(
            [f"{path}: byte {e.start} is not UTF-8; save the sheet as 'CSV UTF-8'"]
        ) from None


def load_organisations(
    path: Path | str, known_formats: Collection[str] | None = None
) -> list[Organisation]:
    """Every row of the CSV as an organisation, or a ConfigError with one line per problem
    of every row (nothing is built from a sheet with a bad row)."""
    path = Path(path)
    if path.is_dir():
        raise ConfigError([f"{path}: is a folder; give the CSV file"])
    text = _read(path)
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    problems: list[str] = []
    if not rows or not any(c.strip() for c in rows[0]):
        raise ConfigError(
            [f"{path}: no header row; the first row names the columns ({COLUMNS[0]}, ...)"]
        )
    header = [c.strip().lower() for c in rows[0]]
    for col in header:
        if col not in COLUMNS:
            problems.append(
                f"{path.name}: column {col!r}: unknown; use name, logo, contact_label, "
                "contact_phone, contact_region, contact_hours, contact_url (contact2_... for "
                "more), paper, locales"
            )
    for col in _REQUIRED:
        if col not in header:
            problems.append(f"{path.name}: column {col!r} is missing")
    if len(set(header)) != len(header):
        problems.append(f"{path.name}: a column is named twice")
    if len(rows) - 1 > MAX_ROWS:
        problems.append(f"{path.name}: {len(rows) - 1} rows; at most {MAX_ROWS} in one sheet")
    if problems:
        raise ConfigError(problems)
    out: list[Organisation] = []
    seen: dict[str, int] = {}
    for n, cells in enumerate(rows[1:], 2):
        if not any(c.strip() for c in cells):
            continue
        where = f"{path.name}: row {n}"
        if len(cells) != len(header):
            problems.append(f"{where}: has {len(cells)} cells, the header {len(header)}")
            continue
        row = {k: v.strip() for k, v in zip(header, cells, strict=True)}
        slug = slug_of(row.get("name", "")) or f"organisation-{n}"
        if slug in seen:
            problems.append(
                f"{where}: name: {row['name']!r} makes the folder {slug!r}, as row "
                f"{seen[slug]} does; make the names differ"
            )
            continue
        seen[slug] = n
        try:  # the contacts' registry ids name their organisation
            cfg = config_from(_as_config(row), path, where, known_formats, _column_of, slug=slug)
        except ConfigError as e:
            problems += e.problems
            continue
        out.append(Organisation(slug, cfg, n))
    if problems:
        raise ConfigError(problems)
    if not out:
        raise ConfigError([f"{path}: no organisation in it; add a row under the header"])
    return out


def _as_config(row: dict[str, str]) -> dict:
    """A row as the tables of a config file."""
    org = {"name": row.get("name", "")}
    if row.get("logo"):
        org["logo"] = row["logo"]
    contacts = []
    for n in range(1, MAX_CONTACTS + 1):
        prefix = "contact" if n == 1 else f"contact{n}"
        fields = {f: row.get(f"{prefix}_{f}", "") for f in _CONTACT_FIELDS}
        if not any(fields.values()):
            continue
        contact = {k: v for k, v in fields.items() if v or k in ("label", "phone", "region")}
        while len(contacts) < n - 1:  # keep the numbering of contacts as the columns name it
            contacts.append({})
        contacts.append(contact)
    data: dict = {"organisation": org}
    if contacts:
        data["contacts"] = contacts
    if row.get("paper"):
        data["print"] = {"paper": row["paper"]}
    if row.get("locales"):
        data["build"] = {"locales": row["locales"].split()}
    return data
