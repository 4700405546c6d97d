"""The Noto Sans CJK collections for leaflets (package data only; leaflets finds them)."""
