"""Generate a realistic desk's edition for benchmarks: N broadsheet pages, mostly Bengali
stories cut from the sample's own sentences, and camera-sized photos.

    python bench/edition_gen.py DEST [--pages 16] [--stories 80] [--photos 48]

Used by bench/production.py (and by tests that need a many-page edition, at small photo
sizes). The same arguments give the same files: stories, page plan and photo pixels all
come from one seeded generator.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

# Words a story of each broadsheet slot carries when it fills it (measured on the sample:
# report.json words of stories that end within a line or two of their slot's foot).
# (without a photo, with one); a story is given 80-100 % of that, the front lead more, so
# that it jumps.
SLOT_WORDS = {"lead": (680, 610), "second": (280, 205), "third": (140, 140),
              "fourth": (340, 265), "fifth": (330, 265), "sixth": (265, 265),
              "top": (520, 460), "side": (440, 345), "middle": (600, 540),
              "lower": (330, 175), "jumps": (290, 290), "briefs": (30, 30)}
PHOTO_SLOTS = ("lead", "second", "fourth", "fifth", "top", "side", "middle", "lower")
# Story slots of each page template, in the order unnamed stories fill them.
TEMPLATE_SLOTS = {
    "front": ("lead", "second", "third", "fourth", "fifth", "sixth"),
    "inside": ("top", "side", "middle", "lower", "jumps"),
    "inside-ad": ("top", "side", "middle", "lower"),
    "inside-quarter-ad": ("top", "side", "middle"),
    "back": ("top", "side", "middle", "lower", "picture", "briefs", "briefs", "briefs"),
}
SECTIONS = ("দেশ", "নগর", "অর্থনীতি", "International", "বিজ্ঞান ও প্রযুক্তি", "খেলা",
            "বিনোদন", "মতামত", "শিক্ষা", "স্বাস্থ্য", "কৃষি", "আন্তর্জাতিক", "প্রবাস",
            "সংস্কৃতি", "আইন-আদালত")
KICKERS_BN = ("জাতীয়", "নগর", "অর্থনীতি", "কৃষি", "শিক্ষা", "স্বাস্থ্য", "খেলা", "প্রযুক্তি")
BYLINES_BN = ("নিজস্ব প্রতিবেদক", "বিশেষ প্রতিনিধি", "স্টাফ রিপোর্টার", "জেলা প্রতিনিধি")
DATELINES_BN = ("ঢাকা", "চট্টগ্রাম", "রাজশাহী", "খুলনা", "সিলেট", "বরিশাল", "রংপুর", "ময়মনসিংহ")


@dataclass
class Bank:
    """Sentences and headlines of the sample stories, per language."""

    sentences: dict[str, list[str]]
    headlines: dict[str, list[str]]
    photos: list[Path]


def _bank() -> Bank:
    sentences: dict[str, list[str]] = {"bn": [], "en": []}
    headlines: dict[str, list[str]] = {"bn": [], "en": []}
    for path in sorted((SAMPLES / "stories").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---", 2)
        lang = "en" if re.search(r"^lang:\s*en", front, re.M) else "bn"
        head = re.search(r'^headline:\s*"(.*)"', front, re.M)
        if head:
            headlines[lang].append(head.group(1))
        for para in body.split("\n\n"):
            para = para.strip()
            if not para or para.startswith("#"):
                continue
            cut = r"(?<=[।?!])\s+" if lang == "bn" else r"(?<=[.?!])\s+(?=[A-Z“])"
            sentences[lang] += [s for s in re.split(cut, para) if len(s.split()) >= 4]
    photos = sorted((SAMPLES / "photos").glob("*.jpg"))
    return Bank(sentences, headlines, photos)


def _story(rnd: random.Random, bank: Bank, lang: str, words: int, photo: str | None,
           brief: bool = False) -> str:
    heads = bank.headlines[lang]
    headline = rnd.choice(heads)
    if rnd.random() < 0.5:  # vary headline lengths: cut or extend with another's head
        cut = headline.split()
        headline = " ".join(cut[:max(3, len(cut) - rnd.randrange(0, 3))])
    front = [f'headline: "{headline}"']
    if lang == "en":
        front.append("lang: en")
        front.append('byline: "Staff Correspondent"')
    elif not brief:
        if rnd.random() < 0.6:
            front.append(f'kicker: "{rnd.choice(KICKERS_BN)}"')
        front.append(f'byline: "{rnd.choice(BYLINES_BN)}"')
        front.append(f'dateline: "{rnd.choice(DATELINES_BN)}"')
    if photo:
        caption = (rnd.choice(bank.sentences[lang]).rstrip("।.") + "।" if lang == "bn"
                   else rnd.choice(bank.sentences[lang]))
        credit = "ছবি: সমাচার" if lang == "bn" else "Photo: Samachar"
        front += ["photos:", f'  - file: "../photos/{photo}"',
                  f'    caption: "{_yaml_text(caption)}"', f'    credit: "{credit}"']
    paras: list[str] = []
    count = 0
    para: list[str] = []
    while count < words:
        s = rnd.choice(bank.sentences[lang])
        para.append(s)
        count += len(s.split())
        if len(para) >= rnd.randrange(2, 5):
            paras.append(" ".join(para))
            para = []
    if para:
        paras.append(" ".join(para))
    if len(paras) > 4 and not brief and rnd.random() < 0.4:
        sub = rnd.choice(bank.headlines[lang]).split()
        paras.insert(len(paras) // 2, "## " + " ".join(sub[:4]))
    return "---\n" + "\n".join(front) + "\n---\n" + "\n\n".join(paras) + "\n"


def _yaml_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _plan(pages: int, stories: int) -> list[str]:
    """Templates in page order: front, inside pages, back. Ad pages hold fewer stories:
    as many of them as make the story count come out (5 per inside page, 4 with an ad,
    3 with a quarter-page ad; the front 6, the back 4, a picture and 3 briefs)."""
    inside = pages - 2
    short = max(0, 5 * inside - 1 + 14 - stories)  # stories fewer than all-inside pages
    quarter = min(inside // 6, short // 4)
    ads = min(inside - quarter, short - 2 * quarter)
    with_ad = ["inside-ad"] * ads
    for k in range(quarter):
        with_ad.insert(1 + k * (len(with_ad) // max(1, quarter)), "inside-quarter-ad")
    kinds = ["inside"] * inside
    for k, kind in enumerate(with_ad):  # spread the ad pages through the paper
        kinds[1 + (k * (inside - 1)) // len(with_ad)] = kind
    return ["front"] + kinds + ["back"]


def _photo(rnd: random.Random, source: Path, dest: Path, megapixels: float) -> None:
    """A camera-sized photo: a sample photo enlarged with film-like grain and a little
    sharpening (camera JPEGs carry detail; a plain enlargement compresses too well)."""
    with Image.open(source) as im:
        im = im.convert("RGB")
        aspect = rnd.choice((3 / 2, 4 / 3, 2 / 3))
        w = int((megapixels * 1e6 * aspect) ** 0.5)
        h = int(w / aspect)
        # Crop the source to the aspect, then enlarge.
        sw, sh = im.size
        if sw / sh > aspect:
            cw = int(sh * aspect)
            im = im.crop(((sw - cw) // 2, 0, (sw - cw) // 2 + cw, sh))
        else:
            ch = int(sw / aspect)
            im = im.crop((0, (sh - ch) // 2, sw, (sh - ch) // 2 + ch))
        big = im.resize((w, h), Image.Resampling.BICUBIC).filter(ImageFilter.SHARPEN)
    grain = Image.effect_noise((w, h), 18).convert("RGB")
    big = ImageChops.add(big, grain, scale=1.0, offset=-9)
    big.save(dest, "JPEG", quality=90)


def generate(dest: Path, pages: int = 16, stories: int = 80, photos: int = 48,
             seed: int = 1, megapixels: tuple[float, float] = (6.0, 12.0)) -> Path:
    """Write an edition of `pages` broadsheet pages into `dest` (made; must not exist)."""
    rnd = random.Random(seed)
    bank = _bank()
    dest.mkdir(parents=True)
    (dest / "stories").mkdir()
    (dest / "photos").mkdir()
    (dest / "ads").mkdir()
    plan = _plan(pages, stories)
    # Slots to fill, page by page; the front lead jumps to page 2's jumps slot.
    slots = [(n + 1, tpl, slot) for n, tpl in enumerate(plan) for slot in TEMPLATE_SLOTS[tpl]
             if not (n == 1 and slot == "jumps")]
    slots = slots[:stories]
    photo_slots = [i for i, (_n, _t, s) in enumerate(slots) if s in PHOTO_SLOTS]
    picture = [i for i, (_n, _t, s) in enumerate(slots) if s == "picture"]
    with_photo = set(rnd.sample(photo_slots, max(0, min(photos - len(picture),
                                                        len(photo_slots)))))
    n_photos = 0
    lines = ["# Generated by bench/edition_gen.py: a benchmark edition, not news.",
             "date: 2026-12-07", "layout: broadsheet", "lang: bn", "hijri_offset: -1",
             "pages:"]
    current = 0
    for i, (number, tpl, slot) in enumerate(slots):
        if number != current:
            while current < number - 1:  # a page with no stories left (short counts)
                current += 1
            current = number
            lines.append(f"  - template: {tpl}")
            section = "প্রথম পাতা" if number == 1 else "শেষ পাতা" if number == pages else (
                SECTIONS[(number - 2) % len(SECTIONS)])
            lines.append(f'    section: "{section}"')
            if tpl in ("inside-ad", "inside-quarter-ad"):
                ad = f"ad-{number:02d}.jpg"
                _ad(rnd, dest / "ads" / ad, tpl)
                lines += ["    ads:", f"      - {{slot: ad, file: ads/{ad}}}"]
            lines.append("    stories:")
        sid = f"p{number:02d}-{slot}-{i:03d}"
        lang = "en" if rnd.random() < 0.15 else "bn"
        photo = None
        if i in with_photo or i in picture:
            photo = f"photo-{n_photos:02d}.jpg"
            mp = rnd.uniform(*megapixels)
            _photo(rnd, bank.photos[n_photos % len(bank.photos)], dest / "photos" / photo, mp)
            n_photos += 1
        if slot == "picture":
            text = _story(rnd, bank, lang, 0, photo).replace("\n---\n\n", "\n---\n")
            text = text.split("\n---\n")[0] + "\n---\n"
        else:
            full = SLOT_WORDS[slot][1 if photo else 0]
            words = int(full * (1.15 if slot == "lead" else rnd.uniform(0.75, 0.97))
                        * (0.85 if lang == "en" else 1.0))
            text = _story(rnd, bank, lang, words, photo, brief=slot == "briefs")
        (dest / "stories" / f"{sid}.md").write_text(text, encoding="utf-8")
        entry = f"{{file: stories/{sid}.md, slot: {slot}"
        if number == 1 and slot == "lead" and pages > 1:
            entry += ", continue: {page: 2, slot: jumps}"
        lines.append(f"      - {entry}}}")
    (dest / "edition.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (dest / "generated.json").write_text(json.dumps(
        {"pages": pages, "stories": len(slots), "photos": n_photos, "seed": seed}) + "\n")
    return dest


def _ad(rnd: random.Random, path: Path, tpl: str) -> None:
    """A flat-colour display ad at press resolution for its slot."""
    size = (1200, 830) if tpl == "inside-ad" else (1200, 2060)
    src = SAMPLES / "ads" / ("nodi-bank.jpg" if tpl == "inside-quarter-ad"
                             else rnd.choice(("epaper-subscription.jpg", "science-fair.jpg")))
    with Image.open(src) as im:
        im.convert("RGB").resize(size).save(path, "JPEG", quality=90)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dest", type=Path)
    ap.add_argument("--pages", type=int, default=16)
    ap.add_argument("--stories", type=int, default=80)
    ap.add_argument("--photos", type=int, default=48)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    generate(args.dest, args.pages, args.stories, args.photos, args.seed)
    print(f"wrote {args.dest}")


if __name__ == "__main__":
    sys.exit(main())
