"""render: a localised guide drawn on pages.

``document`` (the Document a format draws, with the record of what it printed; page
geometry and theme) -> ``qr`` (payload to matrix to vector modules) -> ``blocks`` (a QR code
with its label) -> ``page`` (one page: crop marks, the draft band, the checked-date footer)
-> ``branding`` (an organisation's logo, name and contacts). Imports sources/, i18n/, text/
and the base modules, never formats/ or build/.
"""
