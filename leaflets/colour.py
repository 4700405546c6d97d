"""Colours as #RRGGBB, and the WCAG contrast of white text on them."""

from __future__ import annotations

DEFAULT_ACCENT = "#1f3a5f"  # bands and headings when an organisation names no colour
MIN_CONTRAST = 4.5  # WCAG AA for normal text


def hex_rgb(h: str) -> tuple[float, float, float]:
    """'#1f3a5f' or '1f3a5f' as reportlab's (r, g, b) in 0..1."""
    h = h.lstrip("#")
    return tuple(int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def is_hex_colour(text: str) -> bool:
    h = text.lstrip("#")
    return len(h) == 6 and all(ch in "0123456789abcdefABCDEF" for ch in h)


def relative_luminance(hex_colour: str) -> float:
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = hex_rgb(hex_colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_with_white(hex_colour: str) -> float:
    return 1.05 / (relative_luminance(hex_colour) + 0.05)


def darker(hex_colour: str) -> str:
    """The same hue, darkened until white text on it passes WCAG AA."""
    h = hex_colour.lstrip("#")
    rgb = [int(h[i : i + 2], 16) for i in (0, 2, 4)]
    for _ in range(100):
        candidate = "#" + "".join(f"{v:02x}" for v in rgb)
        if contrast_with_white(candidate) >= MIN_CONTRAST:
            return candidate
        rgb = [int(v * 0.93) for v in rgb]
    return DEFAULT_ACCENT
