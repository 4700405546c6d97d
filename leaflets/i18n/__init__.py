"""i18n: from a guide in English to the guide in one language.

``locales`` (tags, names, dates, direction) -> ``catalogs`` (the .pot and .po files) ->
``checks`` (what a translation may not contain) -> ``localise`` (the guide in one language);
``extract`` is the Babel extractor for the guides. Imports only sources/ and the base modules.
"""

from .catalogs import (
    available_locales,
    buildable,
    extract,
    init,
    iter_catalogs,
    po_path,
    pot_path,
    read_catalog,
    update,
    write_catalog,
)
from .checks import Problem, check_catalog, message_problems
from .locales import PSEUDO_LOCALE, SOURCE_LOCALE, format_date, language_name
from .localise import LocalisedGuide, localise, pseudo

__all__ = [
    "PSEUDO_LOCALE",
    "SOURCE_LOCALE",
    "LocalisedGuide",
    "Problem",
    "available_locales",
    "buildable",
    "check_catalog",
    "extract",
    "format_date",
    "init",
    "iter_catalogs",
    "language_name",
    "localise",
    "message_problems",
    "po_path",
    "pot_path",
    "pseudo",
    "read_catalog",
    "update",
    "write_catalog",
]
