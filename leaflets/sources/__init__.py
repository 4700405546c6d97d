"""sources: the data everything else is made from, validated as it is read.

``registry`` (every number and link), ``phones`` and ``links`` (how they are written and
found in text), ``placeholders`` (how guide text names them), ``guide`` (each edition's
guidance) and ``config`` (an organisation's own edition). Imports only the base modules
(errors, files, paper).
"""
