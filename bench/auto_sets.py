"""Story sets for one auto page, cut to fill a random modular tiling of it (so a layout
that fills the page with no overset, no tombstone and no hierarchy breach exists).

    python bench/auto_sets.py DEST --seed 3 [--ad]
    python bench/auto_sets.py tests/data/auto_sets --freeze [318-ad-cuts.json ...]

Used by bench/auto.py and tests/test_auto.py. The same seed gives the same files: the
tiling, the sentences (cut from the sample's Bengali stories) and the photos' pixels.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import textwrap
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
HEADS = ("নদীর পাড়ে নতুন বাঁধের কাজ শুরু", "শীতের আগে সবজির দাম কমেছে", "স্কুলে স্কুলে বিজ্ঞান মেলা",
         "বন্দরে কনটেইনার জট কমেছে", "উপকূলে ঘূর্ণিঝড় আশ্রয়কেন্দ্র বাড়ছে",
         "গ্রামের হাটে অনলাইনে লেনদেন", "চরাঞ্চলে সৌরবিদ্যুতের আলো", "নগরে সাইকেল লেন চালু")
CAPTION, CREDIT, BYLINE = "প্রকল্প এলাকায় কাজ চলছে", "ছবি: সমাচার", "নিজস্ব প্রতিবেদক"
TOMB_CAP = 0.8  # as epaper/layout/auto.py: a neighbour at the same height, a fifth smaller


def sentences() -> list[str]:
    out = []
    for path in sorted((SAMPLES / "stories").glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---", 2)
        if re.search(r"^lang:\s*en", front, re.M):
            continue
        for para in body.split("\n\n"):
            para = para.strip()
            if para and not para.startswith("#"):
                out += [s for s in re.split(r"(?<=[।?!])\s+", para) if len(s.split()) >= 4]
    return out


def write_photo(path: Path, size: tuple[int, int], seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)
    im = Image.merge("RGB", (Image.linear_gradient("L").rotate(90).resize(size),
                             Image.linear_gradient("L").resize(size), Image.new("L", size, 128)))
    draw = ImageDraw.Draw(im)
    for _ in range(6):
        x, y = rnd.randrange(size[0] - 60), rnd.randrange(size[1] - 60)
        draw.rectangle((x, y, x + 60, y + 60), fill=(rnd.randrange(256),) * 3)
    im.save(path, "JPEG", quality=85)


def tiling(rnd: random.Random, ad: bool, nested: bool = False
           ) -> list[tuple[int, int, int, int, bool]]:
    """A modular inside page (8 columns, grid lines 2-110; with `inside-ad`'s ad at
    columns 5-8 from line 87): (col, top, span, depth, photo) per story in priority order
    (the lead first, then top to bottom, left to right). Nested: a deep 4-column group
    takes a wide story over two side by side, instead of one or two stacked."""
    out = []
    lead = rnd.choice((5, 5, 6, 8))
    d1 = rnd.randint(40, 54)
    out.append((1, 2, lead, d1, rnd.random() < 0.7))
    if lead < 8:
        out.append((lead + 1, 2, 8 - lead, d1, rnd.random() < 0.5 and 8 - lead >= 2))
    top = 2 + d1
    groups = rnd.choice(((4, 4), (4, 2, 2), (3, 3, 2), (2, 3, 3))) if not ad else (4, 4)
    col = 1
    for g, span in enumerate(groups):
        depth = (87 if ad and col >= 5 else 110) - top
        if nested and span == 4 and depth > 44:
            upper = rnd.randint(18, depth - 24)
            out.append((col, top, span, upper, rnd.random() < 0.5))
            out.append((col, top + upper, 2, depth - upper, False))
            out.append((col + 2, top + upper, 2, depth - upper, False))
        elif depth > 56 or (depth > 44 and rnd.random() < 0.5):  # two stories stacked
            upper = rnd.randint(18, depth - 18)
            out.append((col, top, span, upper, rnd.random() < 0.4 and span >= 2))
            out.append((col, top + upper, span, depth - upper, False))
        else:
            out.append((col, top, span, depth, g == 0 and rnd.random() < 0.5 and span >= 2))
        col += span
    return [out[0]] + sorted(out[1:], key=lambda r: (r[1], r[0]))


def cut_tiling(rnd: random.Random, ad: bool) -> list[tuple[int, int, int, int, bool]]:
    """A modular inside page cut at random, as tiling(): the lead at the top left, then
    every other rectangle made by cutting the rest across or down, again and again, until
    each piece takes one story (so a story may span several under it, stacks may sit in
    stacks, and the ad's corner is one more edge). Pieces keep to the broadsheet's shapes:
    1-4 columns, 12-90 lines (3-4 columns at most 60, a photo at least 26)."""
    lead = rnd.choice((4, 5, 5, 6, 8))
    d1 = rnd.randint(34, 56) if lead >= 5 else rnd.randint(24, 44)
    out = [(1, 2, lead, d1, lead >= 5 and rnd.random() < 0.7)]

    def leaf_ok(w: int, d: int) -> bool:
        return 1 <= w <= 4 and 12 <= d <= (90 if w <= 2 else 60)

    def cut(c: int, t: int, w: int, d: int, level: int) -> None:
        across = d >= 30 and rnd.random() < 0.5
        down = w >= 2
        if leaf_ok(w, d) and (level >= 3 or rnd.random() < 0.25 + 0.2 * level):
            photo = w >= 2 and d >= 26 and rnd.random() < 0.35
            out.append((c, t, w, d, photo))
        elif across or not down:
            if d < 24:  # neither a story nor two: give it to the piece above
                raise ValueError
            upper = rnd.randint(12, d - 12)
            cut(c, t, w, upper, level + 1)
            cut(c, t + upper, w, d - upper, level + 1)
        else:
            # Mostly pieces two columns or wider: three 1-column stories side by side
            # cannot step their headlines down without tombstones.
            wide = [x for x in range(2, w - 1)]
            left = rnd.choice(wide) if wide and rnd.random() < 0.8 else rnd.randint(1, w - 1)
            cut(c, t, left, d, level + 1)
            cut(c + left, t, w - left, d, level + 1)

    while True:
        del out[1:]
        try:
            if lead < 8:
                cut(lead + 1, 2, 8 - lead, d1, 1)
            top = 2 + d1
            if ad:  # the ad takes columns 5-8 from line 87
                cut(1, top, 4, 110 - top, 1)
                cut(5, top, 4, 87 - top, 1)
            else:
                cut(1, top, 8, 110 - top, 0)
        except ValueError:
            continue
        if len(out) <= 10:
            return [out[0]] + sorted(out[1:], key=lambda r: (r[1], r[0]))


@dataclass
class _Page:
    composer: Any
    tpl: Any

    def shape(self, k: int, span: int, photo: bool) -> Any:
        for s in self.tpl.shapes:
            if s.lead == (k == 0) and s.with_photo == photo and span in s.spans:
                return s
        return next((s for s in self.tpl.shapes if s.with_photo == photo and span in s.spans),
                    None)


def page(ad: bool) -> _Page:
    """A story composer on the broadsheet and its inside page."""
    from epaper.layout.story import StoryComposer
    from epaper.layout.typeset import Typesetter
    from epaper.templates.loader import fonts_dir, load_template_set
    from epaper.text.fonts import FontBook
    from epaper.text.words import WordMaker

    path = ROOT / "layouts" / "broadsheet.yaml"
    tset = load_template_set(path)
    return _Page(StoryComposer(tset, Typesetter(WordMaker(FontBook(fonts_dir(path))))),
                 tset.page("inside-ad" if ad else "inside"))


def generate(dest: Path, seed: int, ad: bool = False, pg: _Page | None = None,
             nested: bool = False, cuts: bool = False) -> Path:
    """Write the edition of one auto page into `dest` (made; must not exist), with the
    tiling its stories were cut to in tiling.json."""
    return write(dest, recipe(seed, ad, pg, nested, cuts))


def recipe(seed: int, ad: bool = False, pg: _Page | None = None, nested: bool = False,
           cuts: bool = False) -> dict[str, Any]:
    """What `generate` writes, as data: the tiling and each story's sentences. Cutting
    stories to a tiling composes them again and again (10-20 s a set), so the tests read
    the sets they use frozen this way (tests/data/auto_sets, written by --freeze)."""
    rnd = random.Random(seed)
    bank = sentences()
    pg = pg or page(ad)
    for _attempt in range(40):
        found = _fill(Path("set"), rnd, bank, pg, ad, nested, cuts)
        if found is not None:
            texts, rects = found
            return {"seed": seed, "ad": ad, "nested": nested, "cuts": cuts,
                    "tiling": [list(r) for r in rects], "texts": texts}
    raise RuntimeError(f"seed {seed}: no tiling whose headlines keep the rules")


def name(seed: int, ad: bool = False, nested: bool = False, cuts: bool = False) -> str:
    """A recipe's file name: 318-ad-cuts.json."""
    return "-".join([str(seed)] + [f for f, on in (("ad", ad), ("nested", nested),
                                                   ("cuts", cuts)) if on]) + ".json"


def write(dest: Path, rec: dict[str, Any]) -> Path:
    """The edition of a recipe, written into `dest` (made; must not exist)."""
    rects = [tuple(r) for r in rec["tiling"]]
    _write(dest, rec["texts"], [bool(r[4]) for r in rects], rec["ad"])
    (dest / "tiling.json").write_text(json.dumps(rects) + "\n", encoding="utf-8")
    return dest


def _fill(dest: Path, rnd: random.Random, bank: list[str], pg: _Page, ad: bool,
          nested: bool = False, cuts: bool = False
          ) -> tuple[list[list[str]], list[tuple[int, int, int, int, bool]]] | None:
    """Stories cut to fill one random tiling, or None if its headlines cannot keep the
    hierarchy and tombstone rules the engine holds layouts to."""
    from epaper.layout.quality import TOMB_LINES, Set, page_quality

    rects = cut_tiling(rnd, ad) if cuts else tiling(rnd, ad, nested)
    texts: list[list[str]] = []
    sizes: list[tuple[int, int, int, float]] = []  # col, top, span, headline size
    elements, sets = [], []
    for k, (col, top, span, depth, photo) in enumerate(rects):
        shape = pg.shape(k, span, photo)
        if shape is None or not shape.min_depth <= depth <= shape.max_depth:
            return None
        cap = min((x[3] for x in sizes), default=999.0)
        for c2, t2, s2, z2 in sizes:
            if abs(t2 - top) < TOMB_LINES and (c2 + s2 == col or col + span == c2):
                cap = min(cap, float(int(z2 * TOMB_CAP)))
        head = shape.headline
        if head.min_size > cap:
            return None
        shape = replace(shape, headline=replace(head, max_size=min(head.max_size, cap)))
        text = [rnd.choice(bank) for _ in range(80)]
        cut = _cut(dest, pg, shape, k, (col, top, span, depth), photo, text)
        if cut is None:
            return None
        texts.append(text[:cut[0]])
        sizes.append((col, top, span, cut[1].headline_size))
        elements += cut[1].elements
        sets.append(Set(f"s{k}", f"g{k}", "story", span, 0, 0, cut[1].headline_size))
    # The report's test is on first baselines: tops a line or two apart can still be level.
    q = page_quality(pg.tpl, elements, sets, 1, 0)
    if q["tombstones"] or q["hierarchy_violations"]:
        return None
    return texts, rects


def _cut(dest: Path, pg: _Page, shape: Any, k: int, rect: tuple[int, int, int, int],
         photo: bool, text: list[str]) -> tuple[int, Any] | None:
    """The most sentences of `text` that fit the rectangle (with at most two empty lines
    at its foot), and the story composed with them."""
    from epaper.layout.geometry import region
    from epaper.model.edition import Block, Photo, Span, Story
    from epaper.model.template import Slot

    col, top, span, depth = rect
    lead = pg.tpl.grid.baseline
    slot = Slot(name=f"g{k}", role="story", col=col, span=span, top=top * lead,
                height=depth * lead, columns=shape.columns, headline=shape.headline,
                photo=shape.photo, rules=("bottom",) if top + depth < 110 else (),
                headline_style=shape.headline_style)
    pic = (Photo(dest / "x.jpg", CAPTION, CREDIT, (0.5, 0.5), (2400, 1600), f"d{k}"),) \
        if photo else ()

    def compose(n: int) -> Any:
        paras = [" ".join(text[i:i + 3]) for i in range(0, n, 3)]
        story = Story(f"s{k}", dest / f"s{k}.md", "bn", HEADS[k % len(HEADS)], byline=BYLINE,
                      photos=pic, blocks=tuple(Block("para", (Span(p),)) for p in paras))
        return pg.composer.compose(story, region(pg.tpl, slot))

    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if not compose(mid).overflow else (lo, mid - 1)
    r = compose(lo)
    if r.overflow or r.underset > 2:
        return None
    return lo, r


def _write(dest: Path, texts: list[list[str]], photos: list[bool], ad: bool) -> None:
    (dest / "stories").mkdir(parents=True)
    entries = []
    for k, (sents, photo) in enumerate(zip(texts, photos, strict=True)):
        paras = [" ".join(sents[i:i + 3]) for i in range(0, len(sents), 3)]
        front = [f'headline: "{HEADS[k % len(HEADS)]}"', f'byline: "{BYLINE}"']
        if photo:
            write_photo(dest / "photos" / f"p{k}.jpg", (2400, 1600), k)
            front += ["photos:", f'  - file: "../photos/p{k}.jpg"', f'    caption: "{CAPTION}"',
                      f'    credit: "{CREDIT}"']
        (dest / "stories" / f"s{k}.md").write_text(
            "---\n" + "\n".join(front) + "\n---\n" + "\n\n".join(paras) + "\n",
            encoding="utf-8")
        entries.append(f"      - stories/s{k}.md")
    ads = ""
    if ad:
        write_photo(dest / "ads" / "ad.jpg", (1200, 830), 99)
        ads = "    ads:\n      - {slot: ad, file: ads/ad.jpg}\n"
    (dest / "edition.yaml").write_text(textwrap.dedent(f"""\
        date: 2026-12-07
        layout: broadsheet
        lang: bn
        pages:
          - template: {"inside-ad" if ad else "inside"}
            auto: true
        """) + ads + "    stories:\n" + "\n".join(entries) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dest", type=Path, help="the set's folder, or with --freeze the "
                    "folder of recipes")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ad", action="store_true")
    ap.add_argument("--freeze", nargs="*", metavar="NAME", help="write recipes (named "
                    "as 318-ad-cuts.json) into DEST; no names: those already there again")
    args = ap.parse_args()
    if args.freeze is None:
        generate(args.dest, args.seed, args.ad)
        print(f"wrote {args.dest}")
        return
    args.dest.mkdir(parents=True, exist_ok=True)
    for file in args.freeze or sorted(p.name for p in args.dest.glob("*.json")):
        seed, *flags = file.removesuffix(".json").split("-")
        rec = recipe(int(seed), "ad" in flags, None, "nested" in flags, "cuts" in flags)
        (args.dest / file).write_text(json.dumps(rec, ensure_ascii=False, indent=0) + "\n",
                                      encoding="utf-8")
        print(f"wrote {args.dest / file}")


if __name__ == "__main__":
    main()
