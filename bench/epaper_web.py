"""What the e-paper costs: page images per page (time and bytes), the bundle, and the
whole `--epaper` build against a build without it.

    python bench/epaper_web.py [EDITION_DIR] [--workers 2]

Default edition: the 16-page benchmark desk (`python bench/edition_gen.py /tmp/epaper-ed16`
first), else samples/. Indicative only: on a shared machine other work moves the wall
times; CPU times per page are steadier.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from epaper.build import build_edition, layout, load  # noqa: E402
from epaper.layout.edition import paper_of  # noqa: E402
from epaper.web.bundle import Downloads, write_bundle  # noqa: E402
from epaper.web.edition import page_plan  # noqa: E402
from epaper.web.images import page_images  # noqa: E402


def _timed(job: tuple[object, ...]) -> tuple[object, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    pdf, web, plan, base_url = job
    record = page_images(pdf, web, plan, base_url=base_url)
    return record, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = Path("/tmp/epaper-ed16") if Path("/tmp/epaper-ed16/edition.yaml").is_file() \
        else ROOT / "samples"
    ap.add_argument("edition", nargs="?", type=Path, default=default)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="epaper-bench-") as tmp:
        out = Path(tmp) / "out"
        t = time.perf_counter()
        build_edition(args.edition, out, variants=("screen",))
        screen_only = time.perf_counter() - t
        loaded = load(args.edition)
        frames, _log = layout(loaded)
        screen = out / "screen"
        web = Path(tmp) / "web"
        plans = [page_plan(f) for f in frames]
        jobs = [(screen / "pages" / f"{p.number:02d}.pdf", web, p, "") for p in plans]
        serial = [_timed(j) for j in jobs]  # also warms the page cache for the pool run
        records = [r for r, _w, _c in serial]
        shutil.rmtree(web)
        t = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            records = [r for r, _w, _c in pool.map(_timed, jobs)]
        pooled = time.perf_counter() - t
        t, cpu = time.perf_counter(), time.process_time()
        write_bundle(web, loaded.edition, frames, plans, paper_of(loaded.edition,
                     loaded.templates), loaded.templates,
                     downloads=Downloads(screen / "edition.pdf",
                                         {f.number: screen / "pages" / f"{f.number:02d}.pdf"
                                          for f in frames}), fonts=loaded.fonts.dir)
        bundle = (time.perf_counter() - t, time.process_time() - cpu)
        out2 = Path(tmp) / "out2"
        t = time.perf_counter()
        build_edition(args.edition, out2, variants=("screen",), epaper=True)
        with_epaper = time.perf_counter() - t
        report(args, frames, records, serial, pooled, bundle, screen_only, with_epaper, web)


def report(args, frames, records, serial, pooled, bundle, screen_only,  # type: ignore[no-untyped-def]
           with_epaper, web) -> None:
    n = len(frames)
    walls = [w for _r, w, _c in serial]
    cpus = [c for _r, _w, c in serial]
    tiles = [r.service.bytes - r.reading.bytes for r in records]
    reading = [r.reading.bytes for r in records]
    clips = [sum(f.bytes for _n, f in r.clips) for r in records]
    total = sum(p.stat().st_size for p in web.rglob("*") if p.is_file())
    r0 = records[0]
    print(f"{args.edition}: {n} pages; tiled image {r0.service.width}x{r0.service.height}, "
          f"reading {r0.reading.width}x{r0.reading.height}, thumb {r0.thumb.width}x"
          f"{r0.thumb.height}, {len(r0.service.files)} IIIF files per page")
    print(f"page images, serial: {statistics.mean(walls) * 1000:.0f} ms wall, "
          f"{statistics.mean(cpus) * 1000:.0f} ms CPU per page (median "
          f"{statistics.median(cpus) * 1000:.0f} ms)")
    print(f"page images, {args.workers} processes: {pooled:.2f} s wall for {n} pages")
    print(f"bundle (edition.json, ALTO, manifest, article pages, viewer, PDF links): "
          f"{bundle[0]:.2f} s wall, {bundle[1]:.2f} s CPU")
    print(f"  CPU in all: {sum(cpus) + bundle[1]:.2f} s; on {args.workers} free cores at "
          f"best {(sum(cpus) + bundle[1]) / args.workers:.2f} s wall")
    print(f"bytes per page: tiles {statistics.mean(tiles) / 1e6:.2f} MB, reading image "
          f"{statistics.mean(reading) / 1e6:.2f} MB, clippings {statistics.mean(clips) / 1e6:.2f}"
          f" MB; web/ in all {total / 1e6:.1f} MB ({total / n / 1e6:.2f} MB per page)")
    print(f"whole build, screen only: {screen_only:.2f} s; with --epaper: {with_epaper:.2f} s "
          f"(+{with_epaper - screen_only:.2f} s) on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
