"""`epaper init DIR`: a small new edition that builds, for a desk starting from nothing.

Two tabloid pages, six stories in Bengali and English (one with a list, one with a
quote), one photo; dated the day it is made. The photo is drawn here (a street with a
cycle lane under a morning sky), so the package ships no picture of its own, and the
JSON Schemas go into schemas/ so that an editor with the YAML language server checks
edition.yaml as it is typed.
"""

from __future__ import annotations

import datetime as dt
import io
from importlib import resources
from pathlib import Path

from PIL import Image, ImageDraw

from epaper.errors import EpaperError
from epaper.schema import NAMES, shipped

PHOTO = Path("photos") / "cycle-lane.jpg"
PHOTO_SIZE = (2400, 1600)  # prints above 200 ppi across the tabloid's five columns


def files(day: dt.date) -> dict[Path, bytes]:
    """Every file of the new edition, by its path in the edition folder."""
    starter = resources.files("epaper") / "starter"
    out: dict[Path, bytes] = {}
    text = (starter / "edition.yaml").read_text(encoding="utf-8")
    out[Path("edition.yaml")] = text.replace("{date}", day.isoformat()).encode("utf-8")
    for story in sorted((starter / "stories").iterdir(), key=lambda p: p.name):
        if story.name.endswith(".md"):
            out[Path("stories") / story.name] = story.read_bytes()
    out[PHOTO] = photo()
    for name in NAMES:
        out[Path("schemas") / f"{name}.schema.json"] = shipped(name).encode("utf-8")
    return out


def photo() -> bytes:
    """A street at morning: sky, sun, buildings, the road and its green cycle lane."""
    w, h = PHOTO_SIZE
    im = Image.new("RGB", PHOTO_SIZE)
    draw = ImageDraw.Draw(im)
    horizon = int(h * 0.55)
    for y in range(horizon):  # sky: pale gold at the horizon to blue above
        t = y / horizon
        draw.line([(0, y), (w, y)], fill=(int(110 + 130 * t), int(160 + 70 * t),
                                          int(225 - 60 * t)))
    draw.ellipse((int(w * 0.70), int(h * 0.18), int(w * 0.78), int(h * 0.30)),
                 fill=(255, 226, 150))
    for k in range(14):  # a row of buildings, taller towards the middle
        x0 = k * w // 14
        top = horizon - int(h * (0.12 + 0.22 * (1 - abs(k - 6.5) / 7)))
        shade = 70 + (k * 37) % 60
        draw.rectangle((x0 + 6, top, x0 + w // 14 - 6, horizon), fill=(shade, shade - 10,
                                                                       shade + 15))
        for wy in range(top + 30, horizon - 30, 60):  # lit windows
            for wx in range(x0 + 24, x0 + w // 14 - 30, 46):
                draw.rectangle((wx, wy, wx + 18, wy + 28), fill=(235, 215, 150))
    draw.polygon([(0, h), (w, h), (int(w * 0.62), horizon), (int(w * 0.38), horizon)],
                 fill=(88, 88, 92))  # the road, narrowing to the horizon
    draw.polygon([(0, h), (int(w * 0.22), h), (int(w * 0.43), horizon),
                  (int(w * 0.38), horizon)], fill=(46, 150, 90))  # the cycle lane
    for k in range(8):  # the road's centre line, dashes shorter towards the horizon
        y0 = horizon + int((h - horizon) * (k / 8) ** 1.6)
        y1 = horizon + int((h - horizon) * ((k + 0.5) / 8) ** 1.6)
        draw.line([(w // 2, y0), (w // 2, y1)], fill=(240, 240, 235),
                  width=max(4, int(30 * (y1 - horizon) / (h - horizon))))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=88, optimize=True)
    return buf.getvalue()


def init(folder: Path, day: dt.date | None = None) -> list[Path]:
    """Write the new edition into `folder` (new, or empty); the files written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        what = "is not a folder" if not folder.is_dir() else "is not empty"
        raise EpaperError(f"{folder} {what}", file=folder, code="E-output",
                          hint="name a new folder: epaper init DIR makes it")
    written = []
    try:
        for rel, data in files(day or dt.date.today()).items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
    except OSError as exc:
        raise EpaperError(f"cannot write the new edition: {exc.strerror or exc}",
                          file=exc.filename or folder, code="E-output",
                          hint="choose a folder you can write to") from None
    return written
