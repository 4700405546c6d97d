"""leaflets: print-ready, translated, verified safety guidance."""

__version__ = "0.1.0"
