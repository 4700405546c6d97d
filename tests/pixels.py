"""Pixel tests: reference renderings of a few files, and a comparison with a tolerance.

Every page of each file in REFERENCES is rendered by pdfium at 96 dpi (1 mm = 3.8 px) in
grayscale and kept as tests/data/pixels/<name>-p<N>.png. tests/test_pixels.py builds the
files afresh and compares them with these; when a change to the pages is intended, rewrite
the references with

    python -m tests.pixels --update

(from the top of the repository), look at what changed (git diff shows the PNGs in most
viewers), and commit them with the change.

The comparison (compare) ignores what differs between machines, anti-aliasing and hinting,
and catches what a reader would see: a pixel differs when its gray level is more than DELTA
from every gray level the other image has within REACH (one pixel) of it; a page fails when
more than MAX_FRACTION of its pixels differ, or when any 3 x 3 block of pixels all differ (a
cluster: something moved by more than a pixel, appeared or went). On
failure, assert_pixels writes each failing page's expected and actual images and a diff
(expected | actual | the differing pixels in red) into a folder it names.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageFilter

from leaflets.build import render_pdf
from leaflets.formats import FORMATS
from leaflets.i18n import localise
from leaflets.sources.guide import load_guides
from leaflets.sources.registry import default_registry

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "pixels"
FAILURES = ROOT / "tests" / "pixels-failures"  # git-ignored
UPDATE = "python -m tests.pixels --update"
EPOCH = "1767225600"  # 2026-01-01, as a release build sets SOURCE_DATE_EPOCH
DPI = 96  # 1 mm = 3.78 px: a shift of a millimetre is a block of several pixels

# The tolerance, chosen by measuring every reference (the numbers are in the docstring of
# tests/test_pixels.py): a pixel differs when its gray level is more than
# DELTA outside what the other image has within REACH pixels of it; a page fails when more
# than MAX_FRACTION of its pixels differ, or when any CLUSTER x CLUSTER block of pixels all
# differ.
DELTA = 64  # of 255: a quarter of the way from white to black
REACH = 1  # px: an edge or a glyph drawn one pixel over (0.26 mm) is rendering, not a change
MAX_FRACTION = 0.01  # of a page's pixels
CLUSTER = 3  # px: a block of differing pixels this size (0.8 mm) fails the page


@dataclass(frozen=True)
class Reference:
    guide: str
    locale: str
    format: str
    paper: str

    @property
    def name(self) -> str:
        return f"{self.guide}-{self.locale}-{self.format}-{self.paper}"


REFERENCES = [
    *(
        Reference(guide, "en", fmt, paper)
        for guide in ("us", "uk-young-people")
        for fmt, paper in (("card", "cr80"), ("poster", "a4"), ("leaflet", "a4"))
    ),
    Reference("uk-young-people", "ar", "poster", "a4"),  # right to left
    Reference("us", "ja", "poster", "a4"),  # CJK
]


@contextmanager
def _epoch() -> Iterator[None]:
    """SOURCE_DATE_EPOCH set while building, as a release build does (and put back)."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def build(ref: Reference, guides, registry) -> bytes:
    """The file as the build renders it (in memory)."""
    with _epoch():
        lg = localise(guides[ref.guide], ref.locale)
        return render_pdf(lg, registry, FORMATS[ref.format], ref.paper).data


def render_pages(pdf: bytes | Path, dpi: int = DPI) -> list[Image.Image]:
    """Every page in grayscale ("L"), at `dpi`."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in doc]
    finally:
        doc.close()


def reference_path(name: str, page: int) -> Path:
    return DATA / f"{name}-p{page + 1}.png"


def stored(name: str) -> list[Path]:
    """The references of `name`'s pages, in page order."""
    found = [
        p for p in DATA.glob(f"{name}-p*.png") if re.fullmatch(r"p\d+", p.stem[len(name) + 1 :])
    ]
    return sorted(found, key=lambda p: int(p.stem[len(name) + 2 :]))


@dataclass(frozen=True)
class Difference:
    pixels: int  # pixels whose gray level moved by more than DELTA
    total: int
    clustered: int  # of those, the pixels at the centre of a CLUSTER x CLUSTER block of them
    mask: Image.Image  # "L": 255 where a pixel differs

    @property
    def fraction(self) -> float:
        return self.pixels / self.total

    @property
    def failed(self) -> bool:
        return self.fraction > MAX_FRACTION or self.clustered > 0

    def __str__(self) -> str:
        return (
            f"{self.pixels} of {self.total} pixels ({self.fraction:.3%}; at most "
            f"{MAX_FRACTION:.0%} allowed) differ by more than {DELTA}/255 from the other "
            f"image within {REACH} px; {self.clustered} of them inside a {CLUSTER}x{CLUSTER} "
            "block of differences (none allowed)"
        )


def compare(expected: Image.Image, actual: Image.Image) -> Difference:
    """The pixels that differ between two grayscale images of one size: those whose gray
    level is more than DELTA outside the range of the other image's pixels within REACH of
    them (either way round), so that an edge drawn a pixel over is not a difference."""
    if expected.size != actual.size:
        raise ValueError(f"sizes differ: expected {expected.size}, actual {actual.size}")
    e, a = expected.convert("L"), actual.convert("L")
    k = 2 * REACH + 1
    diff = None
    for one, other in ((e, a), (a, e)):
        low, high = one.filter(ImageFilter.MinFilter(k)), one.filter(ImageFilter.MaxFilter(k))
        for part in (ImageChops.subtract(low, other), ImageChops.subtract(other, high)):
            diff = part if diff is None else ImageChops.lighter(diff, part)
    mask = diff.point(lambda v: 255 if v > DELTA else 0)
    core = mask.filter(ImageFilter.MinFilter(CLUSTER))  # on only inside a solid block
    return Difference(mask.histogram()[255], e.width * e.height, core.histogram()[255], mask)


def diff_image(expected: Image.Image, actual: Image.Image, mask: Image.Image) -> Image.Image:
    """Expected | actual | the expected page faded, with the differing pixels in red."""
    w, h = expected.size
    out = Image.new("RGB", (3 * w + 2 * 8, h), (255, 0, 255))
    out.paste(expected.convert("RGB"), (0, 0))
    out.paste(actual.convert("RGB"), (w + 8, 0))
    faded = expected.convert("L").point(lambda v: 160 + v * 95 // 255).convert("RGB")
    faded.paste((255, 0, 0), (0, 0), mask)
    out.paste(faded, (2 * w + 16, 0))
    return out


def write_failure(
    folder: Path, stem: str, expected: Image.Image | None, actual: Image.Image, mask=None
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    actual.save(folder / f"{stem}.actual.png")
    if expected is not None:
        expected.save(folder / f"{stem}.expected.png")
        if mask is not None:
            diff_image(expected, actual, mask).save(folder / f"{stem}.diff.png")


def check_pixels(name: str, pages: list[Image.Image], failures: Path = FAILURES) -> list[str]:
    """What differs between the pages and the references of `name` (nothing: []), the
    failing pages' images written into `failures`."""
    wrong = []
    for old in failures.glob(f"{name}-p*.png"):  # a run before's, for pages that pass now
        if re.fullmatch(r"p\d+\.(actual|expected|diff)", old.name[len(name) + 1 : -4]):
            old.unlink()
    kept = stored(name)
    if len(kept) != len(pages):
        wrong.append(f"{name}: {len(pages)} page(s) rendered, {len(kept)} reference(s) stored")
    for i, actual in enumerate(pages):
        stem = f"{name}-p{i + 1}"
        path = reference_path(name, i)
        if not path.exists():
            wrong.append(f"{stem}: no reference {path.relative_to(ROOT)}")
            write_failure(failures, stem, None, actual)
            continue
        with Image.open(path) as im:
            expected = im.convert("L")
        if expected.size != actual.size:
            wrong.append(
                f"{stem}: the page is {actual.size[0]}x{actual.size[1]} px, "
                f"the reference {expected.size[0]}x{expected.size[1]} px"
            )
            write_failure(failures, stem, expected, actual)
            continue
        d = compare(expected, actual)
        if d.failed:
            wrong.append(f"{stem}: {d}")
            write_failure(failures, stem, expected, actual, d.mask)
    return wrong


def assert_pixels(name: str, pages: list[Image.Image], failures: Path = FAILURES) -> None:
    wrong = check_pixels(name, pages, failures)
    if wrong:
        raise AssertionError(
            "\n".join(wrong)
            + f"\nthe actual, expected and diff images are in {failures}"
            + f"\nrun `{UPDATE}` if the change is intended"
        )


def update(guides, registry, out=print) -> list[Path]:
    """Rewrite every reference (and remove those of pages no longer printed)."""
    DATA.mkdir(parents=True, exist_ok=True)
    written = []
    for ref in REFERENCES:
        pages = render_pages(build(ref, guides, registry))
        for old in stored(ref.name):
            old.unlink()
        for i, page in enumerate(pages):
            path = reference_path(ref.name, i)
            page.save(path, optimize=True)
            written.append(path)
            out(
                f"wrote {path.relative_to(ROOT)} ({page.width}x{page.height}, "
                f"{path.stat().st_size // 1024} KB)"
            )
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.pixels", description="The pixel tests' references."
    )
    parser.add_argument(
        "--update", action="store_true", help="render every reference afresh and write it"
    )
    args = parser.parse_args(argv)
    if not args.update:
        for ref in REFERENCES:
            print(ref.name, *(p.name for p in stored(ref.name)))
        return 0
    registry = default_registry()
    guides = {g.id: g for g in load_guides(None, registry)}
    update(guides, registry)
    return 0


if __name__ == "__main__":
    sys.exit(main())
