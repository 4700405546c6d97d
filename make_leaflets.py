#!/usr/bin/env python3
"""Entry point: `python make_leaflets.py --help`. The same as the installed `leaflets` command."""

from leaflets.cli import run

if __name__ == "__main__":
    run()
