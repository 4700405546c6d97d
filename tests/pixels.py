"""Pixel tests: reference renderings of a few files, and a comparison with a tolerance.

Every page of each file in REFERENCES is rendered by pdfium at 96 dpi (1 mm = 3.8 px) in
grayscale and kept as tests/data/pixels/<name>-p<N>.png. tests/test_pixels.py builds the
files afresh and compares them with these; when a change to the pages is intended, rewrite
the references with

    python -m tests.pixels --update

(from the top of the repository), look at what changed (git diff shows the PNGs in most
viewers), and commit them with the change.

The comparison (compare) ignores what differs between machines, anti-aliasing and hinting,
and catches what a reader would see: a pixel differs when its gray level moves by more than
DELTA; a page fails when more than MAX_FRACTION of its pixels differ, or when any 3 x 3 block
of pixels all differ (a cluster: something moved, appeared or went, however small). On
failure, assert_pixels writes each failing page's expected and actual images and a diff
(expected | actual | the differing pixels in red) into a folder it names.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "pixels"
FAILURES = ROOT / "tests" / "pixels-failures"  # git-ignored
UPDATE = "python -m tests.pixels --update"
EPOCH = "1767225600"  # 2026-01-01, as a release build sets SOURCE_DATE_EPOCH
DPI = 96  # 1 mm = 3.78 px: a shift of a millimetre is a block of several pixels

# Measured (tests/test_pixels.py prints nothing; see the numbers in the comments of
# test_pixels.py): rendering the same file twice differs in no pixel; rendering at 4x and
# scaling down, with or without a quarter-pixel offset (what another renderer's
# anti-aliasing does) moves at most a few tenths of a percent of pixels by more than DELTA,
# never a 3 x 3 block; moving one QR code by 1 mm moves thousands of pixels in blocks.
DELTA = 64  # of 255: a quarter of the way from white to black
MAX_FRACTION = 0.002  # of a page's pixels
CLUSTER = 3  # a CLUSTER x CLUSTER block of differing pixels fails the page


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
    from leaflets.build import render_pdf
    from leaflets.formats import FORMATS
    from leaflets.i18n import localise

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
            f"{self.pixels} of {self.total} pixels ({self.fraction:.3%}, at most "
            f"{MAX_FRACTION:.2%} allowed) differ by more than {DELTA}/255; "
            f"{self.clustered} at the centre of a {CLUSTER}x{CLUSTER} block of differences "
            "(none allowed)"
        )


def compare(expected: Image.Image, actual: Image.Image) -> Difference:
    """The pixels that differ between two grayscale images of one size."""
    if expected.size != actual.size:
        raise ValueError(f"sizes differ: expected {expected.size}, actual {actual.size}")
    diff = ImageChops.difference(expected.convert("L"), actual.convert("L"))
    mask = diff.point(lambda v: 255 if v > DELTA else 0)
    core = mask.filter(ImageFilter.MinFilter(CLUSTER))  # on only inside a solid block
    count = mask.histogram()[255]
    clustered = core.histogram()[255]
    return Difference(count, expected.width * expected.height, clustered, mask)


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
    stored = sorted(DATA.glob(f"{name}-p*.png"))
    if len(stored) != len(pages):
        wrong.append(f"{name}: {len(pages)} page(s) rendered, {len(stored)} reference(s) stored")
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
        for old in DATA.glob(f"{ref.name}-p*.png"):
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
            print(ref.name, *(p.name for p in sorted(DATA.glob(f"{ref.name}-p*.png"))))
        return 0
    from leaflets.sources.guide import load_guides
    from leaflets.sources.registry import default_registry

    registry = default_registry()
    guides = {g.id: g for g in load_guides(None, registry)}
    update(guides, registry)
    return 0


if __name__ == "__main__":
    sys.exit(main())
