"""Photo preparation, measured on camera-sized JPEGs: Pillow's `draft` (JPEG DCT scaling)
against pyvips' shrink-on-load, each step of preparing a photo, loading's header probe
against a full decode, the quality cost of decoding at reduced scale, and peak memory for
a 12000 x 8000 lead photo.

    python bench/photos.py [EDITION] [--big] [--repeat N]

EDITION defaults to /tmp/epaper-bench-photos-ed16, written by bench/edition_gen.py if it
is missing (16 pages, 48 photos of 6-12 MP). The photos are measured where the edition's
layout places them, at the print variant's 200 ppi. pyvips is optional
(`pip install "pyvips[binary]"`); it runs with one thread (VIPS_CONCURRENCY=1), as a
worker process of a pool would, and once with its default threads. `--big` also measures
peak memory (each case in a fresh process) for a 12000 x 8000 JPEG as the front-page lead.

A script, not a timed test: on a shared machine the numbers are indicative.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageCms

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from epaper.content.photos import read_header  # noqa: E402
from epaper.model.frame import Image as Placed  # noqa: E402
from epaper.render import color  # noqa: E402
from epaper.render.images import Recipe, prepare, prepare_each  # noqa: E402

PROFILE = ROOT / "profiles" / "newsprint-tr002.icc"
PPI, SCREEN_PPI = 200.0, 110.0
DEFAULT = Path(tempfile.gettempdir()) / "epaper-bench-photos-ed16"


@dataclass(frozen=True)
class Placement:
    path: Path
    crop: tuple[float, float, float, float]
    width: float  # points
    height: float

    @property
    def want(self) -> tuple[int, int]:
        return (max(1, round(self.width / 72 * PPI)), max(1, round(self.height / 72 * PPI)))

    @property
    def scale(self) -> float:
        c = self.crop
        return min(1.0, max(self.want[0] / (c[2] - c[0]), self.want[1] / (c[3] - c[1])))


def placements(edition: Path) -> list[Placement]:
    from epaper import build

    loaded = build.load(edition)
    frames, _log = build.layout(loaded)
    seen: dict[tuple[Path, tuple[float, ...]], Placement] = {}
    for frame in frames:
        for el in frame.elements:
            if el.image is not None:
                key = (el.image.path, el.image.crop)
                seen.setdefault(key, Placement(el.image.path, el.image.crop, el.box.width,
                                               el.box.height))
    return list(seen.values())


def compare(title: str, items: list[Placement],
            cases: dict[str, Callable[[Placement], object]], repeat: int) -> dict[str, float]:
    """Each case on each photo, interleaved (so a burst of load elsewhere hits all cases
    alike), best of `repeat`. Prints CPU time per photo (all threads: the cost a worker
    process of a pool pays) and wall time. Returns CPU ms per photo by case."""
    cpu = dict.fromkeys(cases, 0.0)
    wall = dict.fromkeys(cases, 0.0)
    for p in items:
        best_cpu = dict.fromkeys(cases, math.inf)
        best_wall = dict.fromkeys(cases, math.inf)
        for _ in range(repeat):
            for name, fn in cases.items():
                c, w = time.process_time(), time.perf_counter()
                fn(p)
                best_cpu[name] = min(best_cpu[name], time.process_time() - c)
                best_wall[name] = min(best_wall[name], time.perf_counter() - w)
        for name in cases:
            cpu[name] += best_cpu[name]
            wall[name] += best_wall[name]
    print(f"{title} (ms per photo: CPU, wall)")
    n = len(items)
    for name in cases:
        print(f"  {name:<46} {cpu[name] / n * 1000:7.1f} {wall[name] / n * 1000:7.1f}")
    return {name: cpu[name] / n * 1000 for name in cases}


# -- decoding ---------------------------------------------------------------------------

def pil_full(p: Placement) -> Image.Image:
    im = Image.open(p.path)
    im.load()
    return im


def pil_draft(p: Placement) -> Image.Image:
    im = Image.open(p.path)
    if p.scale <= 0.5:
        w, h = im.size
        im.draft(None, (math.ceil(w * p.scale), math.ceil(h * p.scale)))
    im.load()
    return im


def vips_shrink(p: Placement) -> int:
    """libvips' shrink-on-load: the JPEG decoded at 1/2, 1/4 or 1/8, to memory."""
    import pyvips

    shrink = 1
    while shrink < 8 and p.scale * shrink * 2 <= 1:
        shrink *= 2
    im = pyvips.Image.new_from_file(str(p.path), shrink=shrink, access="sequential")
    return len(im.write_to_memory())


# -- the whole preparation, step by step (Pillow), as epaper/render/images.py does it ---

STEPS = ("read", "decode", "orient", "crop+resize", "colour", "encode", "ink")


def pil_steps(p: Placement, draft: bool, clock: dict[str, float]) -> bytes:
    def lap(step: str, t: float) -> float:
        now = time.process_time()
        clock[step] = clock.get(step, 0.0) + now - t
        return now

    t = time.process_time()
    data = p.path.read_bytes()
    header = read_header(data, p.path.name)
    t = lap("read", t)
    im = Image.open(io.BytesIO(data))
    sw, sh = im.size
    if draft and p.scale <= 0.5:
        im.draft(None, (math.ceil(sw * p.scale), math.ceil(sh * p.scale)))
    im.load()
    t = lap("decode", t)
    sx, sy = im.width / sw, im.height / sh
    from epaper.render.images import UPRIGHT, stored_box

    box = stored_box(p.crop, header.orientation, header.stored_size)
    t = lap("orient", t)
    im = im.resize(p.want, Image.Resampling.BILINEAR,
                   box=(box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy), reducing_gap=2.0)
    t = lap("crop+resize", t)
    if header.orientation in UPRIGHT:
        im = im.transpose(UPRIGHT[header.orientation])
    t = lap("orient", t)
    im = color.apply(im, color.rgb_to_press(PROFILE, header.icc))
    t = lap("colour", t)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=85, optimize=True)
    t = lap("encode", t)
    color.max_ink(Image.open(io.BytesIO(out.getvalue())))
    lap("ink", t)
    return out.getvalue()


def vips_prepare(p: Placement) -> bytes:
    """The same preparation in libvips: shrink-on-load, crop, resize, ICC, JPEG."""
    import pyvips

    shrink = 1
    while shrink < 8 and p.scale * shrink * 2 <= 1:
        shrink *= 2
    full = pyvips.Image.new_from_file(str(p.path))
    im = pyvips.Image.new_from_file(str(p.path), shrink=shrink, access="sequential")
    s = im.width / full.width
    left, top = round(p.crop[0] * s), round(p.crop[1] * s)
    cw = min(im.width - left, round((p.crop[2] - p.crop[0]) * s))
    ch = min(im.height - top, round((p.crop[3] - p.crop[1]) * s))
    im = im.crop(left, top, cw, ch)
    im = im.resize(p.want[0] / cw, vscale=p.want[1] / ch, kernel="linear")
    im = im.icc_transform(str(PROFILE), input_profile="srgb", intent="perceptual",
                          black_point_compensation=True)
    return im.jpegsave_buffer(Q=85, optimize_coding=True, keep="none")


def vips_threaded(p: Placement) -> bytes:
    import pyvips

    pyvips.concurrency_set(os.cpu_count() or 1)
    try:
        return vips_prepare(p)
    finally:
        pyvips.concurrency_set(1)


def epaper_print(p: Placement) -> object:
    return prepare(Placed(p.path, "", p.crop, 0), p.width, p.height, PPI, variant="print",
                   profile=PROFILE, ink_limit=240)


def epaper_both(p: Placement) -> object:
    recipes = (Recipe(PPI, "print", PROFILE, False, 240), Recipe(SCREEN_PPI, "screen", PROFILE))
    return prepare_each(Placed(p.path, "", p.crop, 0), p.width, p.height, recipes)


# -- quality of decoding at reduced scale -------------------------------------------------

def psnr(a: Image.Image, b: Image.Image) -> float:
    hist = ImageChops.difference(a.convert("L"), b.convert("L")).histogram()
    mse = sum(n * v * v for v, n in enumerate(hist)) / sum(hist)
    return 99.0 if mse == 0 else 10 * math.log10(255 ** 2 / mse)


def quality(items: list[Placement]) -> None:
    """Output against a reference (full decode, Lanczos): draft+bilinear vs full+bilinear."""
    rows = []
    for p in items[:12]:
        ref = pil_full(p).resize(p.want, Image.Resampling.LANCZOS, box=p.crop)
        full = pil_full(p).resize(p.want, Image.Resampling.BILINEAR, box=p.crop,
                                  reducing_gap=2.0)
        d = pil_draft(p)
        s = d.width / Image.open(p.path).width
        draft = d.resize(p.want, Image.Resampling.BILINEAR, box=tuple(v * s for v in p.crop),
                         reducing_gap=2.0)
        rows.append((psnr(ref, full), psnr(ref, draft)))
    full_db = sum(r[0] for r in rows) / len(rows)
    draft_db = sum(r[1] for r in rows) / len(rows)
    print(f"  PSNR against a full-decode Lanczos reference ({len(rows)} photos, luminance): "
          f"full decode + bilinear {full_db:.1f} dB, draft + bilinear {draft_db:.1f} dB")


# -- memory ---------------------------------------------------------------------------------

MEMORY_CASES = {
    "before: full decode, crop, resize, ICC (the old prepare)": "old",
    "epaper prepare (draft)": "epaper",
    "pyvips (shrink-on-load, streaming)": "vips",
    "baseline: imports only": "none",
}


def _memory_child(case: str, path: str, crop: list[float], w: float, h: float) -> None:
    p = Placement(Path(path), tuple(crop), w, h)  # type: ignore[arg-type]
    if case == "old":
        im = Image.open(p.path)
        im.load()
        im = im.crop(tuple(round(v) for v in p.crop)).resize(p.want, Image.Resampling.BILINEAR,
                                                             reducing_gap=2.0)
        t = ImageCms.buildTransform(ImageCms.createProfile("sRGB"),
                                    ImageCms.getOpenProfile(str(PROFILE)), "RGB", "CMYK")
        ImageCms.applyTransform(im, t).save(io.BytesIO(), "JPEG", quality=85)
    elif case == "epaper":
        epaper_print(p)
    elif case == "vips":
        vips_prepare(p)
    print(peak_mib())


def peak_mib() -> int:
    """This process's peak resident memory. Not getrusage's ru_maxrss: Linux carries that
    over from the parent across exec, so a child would report the bench's own peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def big_photo(dest: Path) -> Path:
    """A 12000 x 8000 camera JPEG: a sample photo enlarged, with grain (as edition_gen)."""
    if dest.exists():
        return dest
    with Image.open(ROOT / "samples" / "photos" / "astronaut.jpg") as im:
        im = im.convert("RGB")
        w, h = im.size
        band = int(w / 1.5)
        im = im.crop((0, (h - band) // 2, w, (h - band) // 2 + band))
        big = im.resize((12000, 8000), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((12000, 8000), 18).convert("RGB")
    ImageChops.add(big, grain, scale=1.0, offset=-9).save(dest, "JPEG", quality=90)
    return dest


def memory(edition: Path, lead: Placement) -> None:
    from epaper.layout.geometry import crop_for

    big = big_photo(Path(tempfile.gettempdir()) / "epaper-bench-12000x8000.jpg")
    crop = list(crop_for((12000, 8000), lead.width, lead.height, (0.5, 0.5)))
    print(f"\npeak memory, a 12000 x 8000 JPEG ({big.stat().st_size / 1e6:.0f} MB) as the "
          f"front-page lead ({lead.want[0]} x {lead.want[1]} px at {PPI:.0f} ppi), "
          "each in a fresh process:")
    for name, case in MEMORY_CASES.items():
        if case == "vips" and not _has_vips():
            continue
        out = subprocess.run([sys.executable, __file__, "--memory-child", case, str(big),
                              json.dumps(crop), str(lead.width), str(lead.height)],
                             capture_output=True, text=True, check=True,
                             env={**os.environ, "VIPS_CONCURRENCY": "1"})
        print(f"  {name:<58} {int(out.stdout.split()[-1]):5d} MiB")
    # The whole build with that lead photo (the number FACTS.md gives: 836 MiB before).
    with tempfile.TemporaryDirectory(prefix="epaper-bench-") as tmp:
        copy = Path(tmp) / "edition"
        shutil.copytree(edition, copy)
        shutil.copy(big, copy / lead.path.relative_to(edition))
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", (
            "import sys; sys.path.insert(0, 'bench'); from photos import peak_mib; "
            "from epaper.build import build_edition; "
            f"build_edition({str(copy)!r}, {str(Path(tmp) / 'out')!r}); print(peak_mib())")],
            capture_output=True, text=True, check=True, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        print(f"  {'whole print build of the edition with that lead':<58} "
              f"{int(proc.stdout.split()[-1]):5d} MiB ({time.perf_counter() - t:.1f} s)")


def _has_vips() -> bool:
    try:
        import pyvips
    except (ImportError, OSError):
        return False
    pyvips.cache_set_max(0)  # no operation cache: every run decodes the file again
    return True


# -- loading ----------------------------------------------------------------------------------

def old_probe(path: Path) -> tuple[tuple[int, int], str]:
    data = path.read_bytes()
    with Image.open(io.BytesIO(data)) as im:
        im.verify()
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return im.size, hashlib.sha256(data).hexdigest()


def new_probe(path: Path) -> tuple[tuple[int, int], str]:
    data = path.read_bytes()
    return read_header(data, path.name).size, hashlib.sha256(data).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("edition", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--big", action="store_true", help="peak memory for a 12000x8000 lead")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    args = ap.parse_args()
    if not (args.edition / "edition.yaml").exists():
        from edition_gen import generate

        print(f"generating {args.edition} …")
        generate(args.edition)
    os.environ.setdefault("VIPS_CONCURRENCY", "1")
    items = placements(args.edition)
    photos = sorted({p.path for p in items})
    sizes = [Image.open(p).size for p in photos]
    mp = sum(w * h for w, h in sizes) / len(sizes) / 1e6
    print(f"{len(items)} placements of {len(photos)} JPEGs (mean {mp:.1f} MP, "
          f"{sum(p.stat().st_size for p in photos) / len(photos) / 1e6:.1f} MB); mean scale "
          f"needed {sum(p.scale for p in items) / len(items):.2f}; cores {os.cpu_count()}, "
          f"load {os.getloadavg()[0]:.1f}\n")
    r = args.repeat
    files = [Placement(p, (0, 0, 1, 1), 1, 1) for p in photos]
    compare("loading: checking each photo", files, {
        "before: verify + full decode + sha256": lambda p: old_probe(p.path),
        "now: header + structure walk + sha256": lambda p: new_probe(p.path)}, r)
    vips = _has_vips()
    decoders: dict[str, Callable[[Placement], object]] = {
        "Pillow, full decode": pil_full, "Pillow draft (DCT scaling)": pil_draft}
    if vips:
        decoders["pyvips shrink-on-load, 1 thread"] = vips_shrink
    print()
    compare("decoding at the placed size (print, 200 ppi)", items, decoders, r)
    print()
    preparers: dict[str, Callable[[Placement], object]] = {
        "epaper prepare(), print": epaper_print,
        "epaper prepare_each(), print + screen": epaper_both}
    if vips:
        preparers["pyvips: shrink-on-load, crop, resize, ICC, JPEG"] = vips_prepare
        preparers[f"the same, pyvips with {os.cpu_count()} threads"] = vips_threaded
    compare("the whole preparation of one photo (print: CMYK through the press profile)",
            items, preparers, r)
    for draft in (False, True):
        clock: dict[str, float] = {}
        for p in items:
            pil_steps(p, draft, clock)
        print(f"  Pillow {'with' if draft else 'without'} draft, by step (CPU): "
              + ", ".join(f"{s} {clock.get(s, 0) / len(items) * 1000:.1f}" for s in STEPS)
              + f"; total {sum(clock.values()) / len(items) * 1000:.1f} ms")
    print()
    quality(items)
    if args.big:
        memory(args.edition, max(items, key=lambda p: p.width * p.height))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--memory-child":
        _memory_child(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), float(sys.argv[5]),
                      float(sys.argv[6]))
    else:
        main()
