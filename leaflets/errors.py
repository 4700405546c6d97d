"""The kinds of error a user can meet, each one line (or one line per problem) and an exit code.

Library code raises these with a message that names the file, locale, key or message and says
what to do; only the command line turns them into output and an exit code, so bad input never
ends in a traceback. The exit codes are the README's:

* 2: the input is wrong (a usage error, an unknown name, a bad registry, guide, catalog or
  config, a folder that cannot be written): nothing was built;
* 1: the work ran and found problems (text that does not fit, a stale registry under
  ``--strict``, files that failed, findings of ``verify``).
"""

from __future__ import annotations


class LeafletsError(Exception):
    """A problem with the user's input: one line, exit code 2."""

    exit_code = 2


class UsageError(LeafletsError):
    """Options that name nothing there is (an unknown format, locale or paper), or that
    contradict each other."""


class SourceError(LeafletsError):
    """A guide, the registry, the fonts' configuration or a catalog is invalid."""


class ProblemsError(LeafletsError):
    """Every problem found in one input, one line each (after Babel's ``Catalog.check`` and
    pikepdf's ``check_pdf_syntax``: checks collect, they do not stop at the first)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class CatalogError(ProblemsError, SourceError):
    """A catalog that may not be printed."""


class ConfigError(ProblemsError):
    """An organisation's config with problems; nothing is built from it."""


class OutputError(LeafletsError):
    """The output path cannot be written."""


class BuildError(LeafletsError):
    """The build ran and a file could not be made as it must be (exit code 1)."""

    exit_code = 1


class FitError(BuildError):
    """Content does not fit its box even at the smallest allowed size."""


class NoRoomError(FitError):
    """Blocks laid out together (text/fit.py's fit_together) are too tall for their room even
    at the floor size: a layout may try another arrangement before it fails."""


class StaleRegistryError(BuildError):
    """A registry entry checked longer ago than allowed, under ``--strict``."""
