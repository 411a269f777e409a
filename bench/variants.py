"""Print against screen: file sizes and build time of both variants.

    python bench/variants.py [EDITION_DIR]

Builds the edition (default samples/) with --variant both and reports the sizes. The
sample's news photos are small originals (300-1400 px): placed, most are below even the
screen resolution, so print and screen carry the same pixels for them (its ads are
press-resolution). To see the sizes a desk gets from camera originals, the edition is
built a second time with every photo replaced by a 4x enlargement with film-like grain
(a stand-in for a 3000-px original; smoother than a real photo, so it understates the
print size).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from epaper.build import build_edition  # noqa: E402


def sizes(out: Path) -> tuple[int, int, int, int]:
    def total(folder: Path) -> int:
        return sum(p.stat().st_size for p in folder.glob("*.pdf"))
    return ((out / "edition.pdf").stat().st_size, total(out / "pages"),
            (out / "screen" / "edition.pdf").stat().st_size, total(out / "screen" / "pages"))


def report(label: str, out: Path, secs: float) -> None:
    pe, pp, se, sp = sizes(out)
    print(f"{label}: build {secs:.1f} s")
    print(f"  print  edition.pdf {pe / 1e6:6.2f} MB   pages/ {pp / 1e6:6.2f} MB")
    print(f"  screen edition.pdf {se / 1e6:6.2f} MB   pages/ {sp / 1e6:6.2f} MB")
    print(f"  screen/print: edition {se / pe:.2f}, pages {sp / pp:.2f}")


def camera_originals(edition: Path) -> None:
    for photo in sorted(edition.rglob("*.jpg")):
        with Image.open(photo) as im:
            big = im.convert("RGB").resize((im.width * 4, im.height * 4),
                                           Image.Resampling.LANCZOS)
        grain = Image.effect_noise(big.size, 12).convert("RGB")
        big = ImageChops.add(big, grain, scale=1.0, offset=-6)
        big.save(photo, "JPEG", quality=92)


def main() -> None:
    edition = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "samples")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        start = time.perf_counter()
        build_edition(edition, out, variants=("print", "screen"))
        report(f"{edition.name} as shipped", out, time.perf_counter() - start)
        copy = Path(tmp) / "edition"
        shutil.copytree(edition, copy)
        camera_originals(copy)
        out2 = Path(tmp) / "out2"
        start = time.perf_counter()
        build_edition(copy, out2, variants=("print", "screen"))
        report(f"{edition.name} with 4x photos", out2, time.perf_counter() - start)


if __name__ == "__main__":
    main()
