"""Colours as #RRGGBB, and the WCAG contrast of white text on them."""

from __future__ import annotations

import io
from pathlib import Path

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


# ---- print-shop colour (build --pdfx): CMYK through an ICC output profile ------------------

DEFAULT_PROFILE = "ISOcoated_v2_300_bas.icc"  # in leaflets/data/icc/, with its licence
PROFILE_HELP = (
    "give a CMYK output profile (.icc) your printer supplies (GRACoL, SWOP, FOGRA...) as "
    '[print] icc_profile = "path/to/profile.icc" in the config, the path relative to it'
)

CMYK = tuple[float, float, float, float]
K100: CMYK = (0.0, 0.0, 0.0, 1.0)  # black text, numbers and QR modules: one plate only
WHITE: CMYK = (0.0, 0.0, 0.0, 0.0)


def profile_problem(data: bytes) -> str | None:
    """Why `data` cannot be the output intent of a CMYK print, or None."""
    # imported here to keep start-up fast: only --pdfx builds convert colour
    from PIL import ImageCms

    try:
        prof = ImageCms.ImageCmsProfile(io.BytesIO(data))
    except (OSError, ImageCms.PyCMSError, TypeError, ValueError):
        return "is not an ICC profile"
    space = prof.profile.xcolor_space.strip()
    if space != "CMYK":
        return f"is an ICC profile for {space or 'an unknown colour space'}, not CMYK"
    if prof.profile.device_class.strip() not in ("prtr", "scnr", "mntr"):
        return "is not an output (printer) profile"
    return None


class Press:
    """Colour through an ICC output profile: sRGB to the press's CMYK (relative colorimetric
    with black-point compensation, as Acrobat and Scribus convert), cached per colour. Black
    and near-black neutrals are K only, greys a K tint of the same lightness: small text in
    four plates blurs when they are a hair out of register."""

    def __init__(self, icc: bytes, name: str = "") -> None:
        # imported here to keep start-up fast: only --pdfx builds convert colour
        from PIL import ImageCms

        problem = profile_problem(icc)
        if problem:
            raise ValueError(f"{name or 'the profile'} {problem}")
        self.icc = icc
        self.name = name
        self._cms = ImageCms
        out = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        self.description = (out.profile.profile_description or name).strip()
        srgb = ImageCms.createProfile("sRGB")
        lab = ImageCms.createProfile("LAB")
        rel = ImageCms.Intent.RELATIVE_COLORIMETRIC
        bpc = ImageCms.Flags.BLACKPOINTCOMPENSATION
        self._to_cmyk = ImageCms.buildTransform(srgb, out, "RGB", "CMYK", rel, flags=bpc)
        self._rgb_lab = ImageCms.buildTransform(srgb, lab, "RGB", "LAB", rel)
        self._cmyk_lab = ImageCms.buildTransform(out, lab, "CMYK", "LAB", rel)
        self._cache: dict[tuple, CMYK] = {}

    def _px(self, transform, mode: str, value: tuple[int, ...]) -> tuple[int, ...]:
        from PIL import Image  # imported here to keep start-up fast, like ImageCms above

        return self._cms.applyTransform(Image.new(mode, (1, 1), value), transform).getpixel((0, 0))

    def lab_of_rgb(self, rgb) -> tuple[float, float, float]:
        L, a, b = self._px(self._rgb_lab, "RGB", tuple(round(v * 255) for v in rgb))
        return L * 100 / 255, a - 128, b - 128

    def lab_of_cmyk(self, cmyk) -> tuple[float, float, float]:
        L, a, b = self._px(self._cmyk_lab, "CMYK", tuple(round(v * 255) for v in cmyk))
        return L * 100 / 255, a - 128, b - 128

    def k_tint(self, lightness: float) -> CMYK:
        """The K-only tint that prints at this L* (bisection through the profile)."""
        lo, hi = 0.0, 1.0
        for _ in range(12):
            mid = (lo + hi) / 2
            if self.lab_of_cmyk((0, 0, 0, mid))[0] > lightness:
                lo = mid
            else:
                hi = mid
        return (0.0, 0.0, 0.0, round((lo + hi) / 2, 3))

    def cmyk(self, rgb) -> CMYK:
        """The CMYK of an sRGB colour (0..1): K only for black and greys, else the profile's."""
        key = tuple(round(float(v), 4) for v in rgb)
        got = self._cache.get(key)
        if got is None:
            L, a, b = self.lab_of_rgb(key)
            chroma = (a * a + b * b) ** 0.5
            neutral = max(key) - min(key) <= 0.004 or chroma < 3
            if L < 20 and chroma < 8:  # black to the eye: one plate
                got = K100
            elif min(key) >= 0.996:
                got = WHITE
            elif neutral:
                got = self.k_tint(L)
            else:
                px = self._px(self._to_cmyk, "RGB", tuple(round(v * 255) for v in key))
                got = tuple(round(v / 255, 3) for v in px)  # type: ignore[assignment]
                L, a, b = self.lab_of_cmyk(got)
                if L < 20 and (a * a + b * b) ** 0.5 < 8:  # prints black: one plate
                    got = K100
            self._cache[key] = got
        return got

    def image(self, im):
        """A Pillow image (RGB, or anything convertible) in the profile's CMYK."""
        return self._cms.applyTransform(im.convert("RGB"), self._to_cmyk)


def load_press(path) -> Press:
    """The Press of an ICC file; ValueError (saying what to do) if it cannot be one."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ValueError(f"{path}: cannot be read ({e.strerror}); {PROFILE_HELP}") from None
    try:
        return Press(data, path.name)
    except ValueError as e:
        raise ValueError(f"{path}: {str(e).split(' ', 1)[1]}; {PROFILE_HELP}") from None
