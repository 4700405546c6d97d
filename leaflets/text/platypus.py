"""reportlab's ``Paragraph``, imported without two regular expressions it compiles at import.

``reportlab.platypus.paragraph`` compiles a URL pattern (``uri_pat``, case-insensitive over
``\\xa1-\\uffff``: about 36 ms, a tenth of a one-card build from a cold process) that it uses
only to split a long link at its slashes, and ``reportlab.lib.textsplit`` a CJK pattern
(``rx``, about 5 ms) used only by its ``cjkwrap`` recipe. While they are imported, those two
patterns, recognised by their exact text, are made lazy: compiled on first use, the same
pattern object from then on (Bazaar's ``lazy_regex`` did the same for its start-up). Every
other pattern is compiled as before; if reportlab changes either pattern, it is compiled at
import as it always was, and nothing else changes.
"""

from __future__ import annotations

import re
import sys

# reportlab/platypus/paragraph.py's uri_pat (reportlab 4.x) begins so; textsplit.py's rx is this
_URI_START = "(^(?:[a-z0-9\\.\\-\\+]*)://)(?:\\S+(?::\\S*)?@)?"
_CJK = "([\u2e80-\uffff])"


class LazyPattern:
    """A compiled pattern made when it is first used."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern | None = None

    def __getattr__(self, name: str):
        if self._compiled is None:
            self._compiled = _compile(*self._args)
        return getattr(self._compiled, name)


_compile = re.compile


def _lazy_compile(pattern, flags=0):
    if isinstance(pattern, str) and (
        (flags == re.I and pattern.startswith(_URI_START))
        or (flags == re.UNICODE and pattern == _CJK)
    ):
        return LazyPattern(pattern, flags)
    return _compile(pattern, flags)


def _import_paragraph() -> None:
    if "reportlab.platypus.paragraph" not in sys.modules:
        re.compile = _lazy_compile
        try:
            import reportlab.platypus.paragraph  # noqa: F401 -- lazy patterns: start-up
        finally:
            re.compile = _compile


_import_paragraph()

# what text/ uses of reportlab's paragraphs, imported after the patterns were made lazy (any
# import of reportlab.platypus runs its __init__, which imports the paragraph module)
from reportlab.platypus.paragraph import (  # noqa: E402
    Paragraph,
    cleanBlockQuotedText,
    textTransformFrags,
)
from reportlab.platypus.paraparser import ParaParser, _num  # noqa: E402

__all__ = ["Paragraph", "ParaParser", "_num", "cleanBlockQuotedText", "textTransformFrags"]
