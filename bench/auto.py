"""Auto pages: time per page and the distribution of fill ratio and breaches.

    python bench/auto.py [--seeds 12] [--first 1] [--sample] [--nested | --cuts] [--sets DIR]

Lays out generated story sets (bench/auto_sets.py: stories cut to fill a random modular
tiling, every third page with an ad; with --nested, tilings that put a wide story over
two side by side; with --cuts, tilings cut across and down at random below the lead, so
stories span several under them and stacks sit in stacks; seeds the generator cannot
cut to keep the rules are skipped), and with --sample the sample edition's auto pages,
and prints per page the time of its auto layout (profiling the stories, the search, and
composing its best layouts; each set in a fresh process with a cold paragraph cache, as
in a build), fill ratio, overset lines, tombstones, hierarchy breaches and stacked
photos, then the distribution.
Timings are indicative: run it on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from auto_sets import ROOT, generate, page  # noqa: E402

from epaper.build import load  # noqa: E402
from epaper.layout.edition import EditionLayout  # noqa: E402


class _Timed(EditionLayout):
    """The edition layout, timing each auto page's search (composing it comes after)."""

    seconds: dict[int, float]

    def _auto(self, p):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        found = super()._auto(p)
        self.seconds = getattr(self, "seconds", {})
        self.seconds[p.spec.number] = time.perf_counter() - t
        return found


def measure(folder: Path) -> list[dict[str, float]]:
    loaded = load(folder)
    layout = _Timed(loaded.edition, loaded.templates, loaded.fonts)
    _frames, log = layout.run()
    rows = []
    for n in log.pages:
        q = log.quality[n]
        rows.append({"page": n, "seconds": layout.seconds[n], "fill": q["fill_ratio"],
                     "overset": q["overset_lines"], "tombstones": len(q["tombstones"]),
                     "hierarchy": len(q["hierarchy_violations"]),
                     "stacked": len(q["stacked_photos"]),
                     "evaluations": log.pages[n]["evaluations"]})
    return rows


def _made(job: tuple[str, int, bool, bool]) -> int | None:
    """Generate one set in a worker (its composer kept for the next): the seed, or None
    if the generator cannot cut one for it."""
    dest, seed, nested, cuts = job
    ad = seed % 3 == 0
    if ad not in _PAGES:
        _PAGES[ad] = page(ad)
    try:
        generate(Path(dest), seed, ad, _PAGES[ad], nested, cuts)
    except RuntimeError:  # no nested tiling whose headlines keep the rules
        if not (nested or cuts):
            raise
        Path(dest + ".none").write_text("no set for this seed\n")
        return None
    return seed


_PAGES: dict[bool, object] = {}


def _timed(folder: Path) -> list[dict[str, float]]:
    """Measure a set in a fresh process, as a build's worker lays out a page: timed in
    the process that generated the sets, after their composers' hundreds of MB, pages
    took about 1.5 times as long (the collector walks what is left)."""
    out = subprocess.run([sys.executable, __file__, "--measure", str(folder)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=12, help="how many seeds")
    ap.add_argument("--first", type=int, default=1, help="the first seed")
    ap.add_argument("--sample", action="store_true", help="also the sample's auto pages")
    kind = ap.add_mutually_exclusive_group()
    kind.add_argument("--nested", action="store_true", help="nested tilings")
    kind.add_argument("--cuts", action="store_true", help="tilings cut at random")
    ap.add_argument("--sets", type=Path, help="keep the generated sets here (and reuse "
                    "those already there) rather than in a temporary folder")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # one set, as JSON
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="epaper-auto-") as tmp:
        root = args.sets or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        seeds = range(args.first, args.first + args.seeds)
        jobs = [(str(root / str(seed)), seed, args.nested, args.cuts) for seed in seeds
                if not (root / str(seed)).exists() and not (root / f"{seed}.none").exists()]
        # Generated on both cores (it is not what is timed), each set then timed alone.
        with ProcessPoolExecutor(2) as pool:
            list(pool.map(_made, jobs))
        for seed in seeds:
            if not (root / str(seed)).exists():
                continue
            for r in _timed(root / str(seed)):
                r["set"] = f"seed {seed}{' ad' if seed % 3 == 0 else ''}"
                rows.append(r)
    if args.sample:
        for r in _timed(ROOT / "samples"):
            r["set"] = f"sample p{r['page']}"
            rows.append(r)
    print(f"{'set':<14}{'s/page':>8}{'fill':>8}{'overset':>9}{'tomb':>6}{'hier':>6}"
          f"{'stack':>7}{'evals':>8}")
    for r in rows:
        print(f"{r['set']:<14}{r['seconds']:>8.2f}{r['fill']:>8.3f}{r['overset']:>9}"
              f"{r['tombstones']:>6}{r['hierarchy']:>6}{r['stacked']:>7}{r['evaluations']:>8}")
    fills = sorted(r["fill"] for r in rows)
    secs = sorted(r["seconds"] for r in rows)
    print(f"\npages {len(rows)}: time per page median {statistics.median(secs):.2f} s, "
          f"max {secs[-1]:.2f} s; fill ratio min {fills[0]:.3f}, median "
          f"{statistics.median(fills):.3f}; fill >= 0.97 on "
          f"{sum(f >= 0.97 for f in fills)}/{len(fills)}; pages with overset "
          f"{sum(1 for r in rows if r['overset'])}, with a tombstone "
          f"{sum(1 for r in rows if r['tombstones'])}")


if __name__ == "__main__":
    main()
