"""Shared fixtures: one build of the sample edition per session, and tiny editions."""

from __future__ import annotations

import fcntl
import json
import os
import random
import re
import textwrap
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from epaper.build import BuildResult, build_edition

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
LAYOUTS = ROOT / "layouts"

EDITION_YAML = textwrap.dedent("""\
    date: 2026-12-07
    layout: broadsheet
    lang: bn
    paper:
      volume: "৮"
      issue: "২৪৬"
    pages:
      - template: inside
        section: "দেশ"
        stories:
          - {file: stories/first.md, slot: top}
          - stories/second.md
    """)

FIRST_STORY = textwrap.dedent("""\
    ---
    headline: "নদীর পাড়ে নতুন বাঁধ"
    kicker: "উপকূল"
    byline: "নিজস্ব প্রতিবেদক"
    dateline: "খুলনা"
    photos:
      - file: "../photos/river.jpg"
        caption: "নদীর পাড়ে বাঁধের কাজ চলছে"
        credit: "ছবি: সমাচার"
        focus: [0.5, 0.4]
    ---
    খুলনার উপকূলে নতুন বাঁধের কাজ শুরু হয়েছে। স্থানীয় মানুষ খুশি।

    ## কাজ চলবে এক বছর

    প্রকল্পের **প্রথম ধাপ** আগামী বর্ষার আগে শেষ হবে বলে *আশা* করা হচ্ছে।
    """)

SECOND_STORY = textwrap.dedent("""\
    ---
    headline: "Rain expected over the weekend"
    byline: "Staff Correspondent"
    lang: en
    ---
    Light to moderate rain is likely in most divisions on Saturday, the Met office said.

    Temperatures may drop slightly after the rain.
    """)


def leftovers(folder: Path) -> list[Path]:
    """What a build left beside its output folder that it should not have: staging and
    set-aside folders (the cache, .epaper-cache/, and the lock file stay by design)."""
    return sorted([*folder.glob(".epaper-build-*"), *folder.glob(".epaper-old-*")])


_HEADER = re.compile(r"^\S.*?: (error|warning): ")
_UNDER = re.compile(r"^ +(\d+ )?\| | += hint: ")


def diagnostics(stderr: str, severity: str = "error") -> list[str]:
    """The diagnostics of one severity on stderr, in either format: each header line with
    the source line, caret and hint printed under it, as one string."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in stderr.splitlines():
        header = _HEADER.match(line)
        if header:
            current = [line] if header.group(1) == severity else None
            if current is not None:
                blocks.append(current)
        elif current is not None and _UNDER.match(line):
            current.append(line)
        else:
            current = None
    return ["\n".join(b) for b in blocks]


def write_photo(path: Path, size: tuple[int, int] = (800, 600), seed: int = 7) -> Path:
    """A small JPEG with some detail: two gradients and a few coloured blocks."""
    path.parent.mkdir(parents=True, exist_ok=True)
    w, h = size
    red = Image.linear_gradient("L").rotate(90).resize(size)
    green = Image.linear_gradient("L").resize(size)
    blue = Image.new("L", size, 128)
    im = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(im)
    rnd = random.Random(seed)
    for _ in range(6):
        x, y = rnd.randrange(w - 60), rnd.randrange(h - 60)
        draw.rectangle((x, y, x + 60, y + 60),
                       fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    im.save(path, "JPEG", quality=85)
    return path


def _build_sample(out: Path) -> BuildResult:
    # The e-paper too: its tests read the same build (web/ comes from the screen pages).
    return build_edition(SAMPLES, out, variants=("print", "screen"), epaper=True)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    """The sample edition built once per test run: (out_dir, BuildResult).

    Under pytest-xdist every worker has its own session, so the workers share one build
    through the run's common temporary folder, guarded by a file lock; the workers that
    did not build get a BuildResult read back from the written report.json.
    """
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        out = tmp_path_factory.mktemp("sample") / "out"
        return out, _build_sample(out)
    shared = tmp_path_factory.getbasetemp().parent / "epaper-sample-build"
    shared.mkdir(exist_ok=True)
    out = shared / "out"
    done = shared / "done"
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                result = _build_sample(out)
                done.write_text("ok")
                return out, result
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    files = [out / "edition.pdf", *sorted((out / "pages").glob("*.pdf")),
             out / "screen" / "edition.pdf", *sorted((out / "screen" / "pages").glob("*.pdf")),
             out / "layout.json", out / "report.json", out / "preflight.json",
             *sorted(p for p in (out / "web").rglob("*") if p.is_file())]
    return out, BuildResult(report, out, files)


@pytest.fixture(scope="session")
def sample_report(sample_build) -> dict:
    out, _ = sample_build
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample_layout(sample_build) -> dict:
    out, _ = sample_build
    return json.loads((out / "layout.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def _photo_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return write_photo(tmp_path_factory.mktemp("photo") / "river.jpg").read_bytes()


def write_edition(root: Path, photo: bytes | None) -> Path:
    """Write the tiny valid edition into `root` (created); return `root`."""
    (root / "stories").mkdir(parents=True)
    (root / "edition.yaml").write_text(EDITION_YAML, encoding="utf-8")
    (root / "stories" / "first.md").write_text(FIRST_STORY, encoding="utf-8")
    (root / "stories" / "second.md").write_text(SECOND_STORY, encoding="utf-8")
    if photo is not None:
        (root / "photos").mkdir()
        (root / "photos" / "river.jpg").write_bytes(photo)
    return root


@pytest.fixture
def make_edition(tmp_path: Path, _photo_bytes: bytes) -> Path:
    """A tiny valid edition folder (one `inside` page, two short stories, one 800x600 JPEG).

    Tests corrupt one thing in it: edit edition.yaml, a story in stories/, or the photo.
    """
    return write_edition(tmp_path / "edition", _photo_bytes)
