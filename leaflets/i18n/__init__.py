"""i18n: from a guide in English to the guide in one language.

``locales`` (tags, names, dates, direction) -> ``catalogs`` (the .pot and .po files) ->
``checks`` (what a translation may not contain) -> ``localise`` (the guide in one language);
``extract`` is the Babel extractor for the guides. Imports only sources/ and the base modules.
"""
