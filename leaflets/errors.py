"""One error type for everything a user can get wrong.

Library code raises :class:`LeafletsError` with one line that names the file, locale or message
and says what to do; only the command line turns it into output and an exit code, so bad input
never ends in a traceback.
"""

from __future__ import annotations


class LeafletsError(Exception):
    """A problem with the user's input or environment: one line, and an exit code."""

    exit_code = 1

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class SourceError(LeafletsError):
    """A guide, the registry or a catalog is invalid."""

    exit_code = 2


class CatalogError(SourceError):
    """A catalog that may not be printed: one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class FitError(LeafletsError):
    """Content does not fit its box even at the smallest allowed size."""

    exit_code = 1
