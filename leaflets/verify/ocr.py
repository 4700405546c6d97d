"""What a page prints, read back from its pixels with OCR (Tesseract, through pytesseract),
for ``verify --deep``: the text layer may say one thing and the ink another (a number under a
box of the background colour, an image pasted over it, a font that draws other glyphs than
its ToUnicode says, outlines over invisible text).

Tesseract is a well-kept engine whose English model reads digits and Latin letters, which is
all the comparison needs: numbers and links are printed in Latin digits and letters in every
language leaflets prints. It is a system program (Debian: tesseract-ocr); .ci/run installs it.
"""

from __future__ import annotations

import os
import re
import shutil

from ..errors import UsageError

# Letters OCR takes for digits where it reads a number.
DIGITS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})
# Letters OCR and readers take for digits, mapped the same way on both sides of a comparison.
_SAME = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "Q": "0",
        "D": "0",
        "l": "1",
        "I": "1",
        "|": "1",
        "i": "1",
        "!": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
        "z": "2",
    }
)


def require_tesseract() -> None:
    """Fail closed when the OCR engine is missing: --deep never passes without reading."""
    if shutil.which("tesseract") is None:
        raise UsageError(
            "--deep reads the printed pages with Tesseract, which is not installed: "
            "apt-get install tesseract-ocr tesseract-ocr-eng (or brew install tesseract)"
        )


LINE_PX = 64  # a line is enlarged to about this height before it is read (small print)


def read_image(image, line: bool = False, lines: int = 1) -> str:
    """The text Tesseract reads on a rendered page (sparse text: columns, labels and codes),
    or on one printed line (or `lines` lines: a link broken over two) cut out of it."""
    import pytesseract  # imported here to keep start-up fast: only --deep needs it

    # one thread per reading: verify already reads one file per core
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    if not line:
        return pytesseract.image_to_string(image, lang="eng", config="--psm 11")
    w, h = image.size
    scale = min(LINE_PX * lines / max(h, 1), 4.0)
    if scale > 1.2:
        from PIL import Image  # imported here to keep start-up fast: only --deep needs it

        image = image.resize((round(w * scale), round(h * scale)), Image.Resampling.LANCZOS)
    return pytesseract.image_to_string(
        image, lang="eng", config="--psm 7" if lines == 1 else "--psm 6"
    )


def stream(text: str) -> str:
    """Digits and capital letters in reading order, lookalikes folded: what a printed number
    is looked for in."""
    return re.sub(r"[^0-9A-Z]", "", text.translate(_SAME).upper().translate(_SAME))


def host_stream(text: str) -> str:
    """Letters, digits and dots, lower case: what a printed host is looked for in."""
    return re.sub(r"[^a-z0-9.]", "", text.lower())
