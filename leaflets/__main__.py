"""``python -m leaflets``: the same as the ``leaflets`` command."""

from .cli import run

run()
