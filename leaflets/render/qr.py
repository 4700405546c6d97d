"""QR payload -> module matrix (cached), and the matrix drawn as vector rectangles.

The encoder returns plain data and knows nothing of pages (segno's habit); whichever format
needs a code draws it here. Always a full QR code (never Micro QR, which phone cameras do not
read), error correction M, and a 4-module quiet zone kept white.

A payload's matrix is kept in the user's cache (``qr/``) by a hash of the payload, these
settings and segno's version, so a build whose codes were made before does not import segno
(about 45 ms of a cold start: segno's writers import ``xml.sax.saxutils`` and with it
``urllib.request``) nor encode them again; a damaged entry is made again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from ..files import cache_get, cache_put
from ..versions import version

QUIET_ZONE = 4  # modules


@dataclass(frozen=True)
class Matrix:
    payload: str
    version: int
    modules: tuple[tuple[bool, ...], ...]  # without quiet zone

    @property
    def size(self) -> int:
        return len(self.modules)


_CACHE_FORMAT = 1  # of an entry: the version, then a row of 0s and 1s a line


@lru_cache(maxsize=256)
def matrix(payload: str) -> Matrix:
    key = hashlib.sha256(
        f"qr|{_CACHE_FORMAT}|segno={version('segno')}|error=m|boost=no|{payload}".encode()
    ).hexdigest()
    cached = _parsed(payload, cache_get("qr", key))
    if cached is not None:
        return cached
    # imported here to keep start-up fast: only a payload not in the cache is encoded
    import segno

    qr = segno.make_qr(payload, error="m", boost_error=False)
    rows = tuple(tuple(bool(v) for v in row) for row in qr.matrix)
    made = Matrix(payload, qr.version, rows)
    body = "\n".join([str(made.version), *("".join("01"[v] for v in row) for row in rows)])
    cache_put("qr", key, body.encode("ascii"))
    return made


def _parsed(payload: str, data: bytes | None) -> Matrix | None:
    """A cache entry as a matrix, or None if it is not one: a QR code of version v is a square
    of 17 + 4v modules, each 0 or 1."""
    if data is None:
        return None
    lines = data.decode("ascii", "replace").split("\n")
    if not lines[0].isdigit() or not 1 <= int(lines[0]) <= 40:
        return None
    n = 17 + 4 * int(lines[0])
    rows = lines[1:]
    if len(rows) != n or any(len(r) != n or r.strip("01") for r in rows):
        return None
    return Matrix(payload, int(lines[0]), tuple(tuple(c == "1" for c in r) for r in rows))


@lru_cache(maxsize=256)
def _runs(payload: str) -> tuple[tuple[int, int, int], ...]:
    """(row, first column, length) of each horizontal run of dark modules."""
    out = []
    for y, row in enumerate(matrix(payload).modules):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                out.append((y, start, x - start))
            else:
                x += 1
    return tuple(out)


def outer_size(symbol_size: float, payload: str) -> float:
    """The size of the code with its quiet zone, for a symbol of `symbol_size`."""
    n = matrix(payload).size
    return symbol_size * (n + 2 * QUIET_ZONE) / n


@lru_cache(maxsize=256)
def _path_operators(payload: str) -> str:
    """The dark modules as one PDF path in module units (one rectangle per run of a row),
    made once per payload: a code is drawn many times on a card sheet."""
    n = matrix(payload).size
    ops = [f"{col} {n - 1 - row} {length} 1 re" for row, col, length in _runs(payload)]
    return "\n".join(ops) + "\nf"


def draw(canvas, payload: str, x: float, y: float, symbol_size: float) -> float:
    """Draw the code with its symbol's lower-left corner at (x, y); returns the module size.

    The quiet zone (white) is painted around the symbol, so the code scans on any background.
    """
    n = matrix(payload).size
    m = symbol_size / n
    q = QUIET_ZONE * m
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x - q, y - q, symbol_size + 2 * q, symbol_size + 2 * q, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.translate(x, y)
    canvas.scale(m, m)
    canvas.addLiteral(_path_operators(payload))
    canvas.restoreState()
    return m
