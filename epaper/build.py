"""The edition build: load → check → lay out → render → write outputs atomically."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from epaper.content.edition import load_edition
from epaper.errors import EpaperError
from epaper.layout.edition import EditionLayout, check_coverage, paper_of, plan
from epaper.layout.log import LayoutLog
from epaper.model.edition import Edition
from epaper.model.frame import PageFrame
from epaper.model.template import TemplateSet
from epaper.outputs import layout_json, report_json
from epaper.render.images import PreparedImage, prepare
from epaper.render.pdf import PdfResources, PdfWriter
from epaper.templates.loader import fonts_dir, load_template_set
from epaper.text.fonts import FontBook

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    """What a build did: the report written to report.json, and where outputs went."""

    report: dict[str, Any]
    out_dir: Path | None = None
    files: list[Path] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return list(self.report["warnings"])

    @property
    def overset(self) -> dict[str, list[str]]:
        return {k: v["overset_words"] for k, v in self.report["stories"].items()
                if v["overset_words"]}


@dataclass
class Loaded:
    edition: Edition
    templates: TemplateSet
    fonts: FontBook


def load(edition_dir: str | Path) -> Loaded:
    """Read and validate everything an edition needs, without composing a line."""
    ed = load_edition(Path(edition_dir))
    tset = load_template_set(ed.layout)
    fonts = FontBook(fonts_dir(ed.layout))
    for style in tset.styles:
        fonts.stack(style.family, style.bold, style.italic)
    plan(ed, tset)
    check_coverage(ed, tset, fonts)
    return Loaded(ed, tset, fonts)


def check_edition(edition_dir: str | Path) -> Loaded:
    """Validate an edition folder; raises EpaperError naming file, line and field."""
    return load(edition_dir)


def layout(loaded: Loaded, *, proof: bool = False) -> tuple[list[PageFrame], LayoutLog]:
    return EditionLayout(loaded.edition, loaded.templates, loaded.fonts, proof=proof).run()


def build_edition(edition_dir: str | Path, out_dir: str | Path, *, strict: bool = False,
                  proof: bool = False, progress: Progress | None = None) -> BuildResult:
    """Build `edition_dir` into `out_dir`: edition.pdf, pages/NN.pdf, layout.json, report.json.

    Nothing is written unless the whole edition builds (and, with `strict`, has no
    warnings); existing outputs are replaced only at the end.
    """
    say = progress or (lambda _msg: None)
    loaded = load(edition_dir)
    say("layout")
    frames, log = layout(loaded, proof=proof)
    report = report_json(loaded.edition, frames, log)
    if strict and report["warnings"]:
        raise EpaperError(f"--strict: {len(report['warnings'])} warning(s); first: "
                          f"{report['warnings'][0]}", file=loaded.edition.source)
    say("images")
    images = _prepare_images(frames, loaded.templates.target_ppi)
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".epaper-build-", dir=out.parent))
    try:
        files = _render_all(loaded, frames, images, staging, say)
        _write_json(staging / "layout.json", layout_json(loaded.edition, frames))
        _write_json(staging / "report.json", report)
        _publish(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(report, out, [out / f.relative_to(staging) for f in files])


def _prepare_images(frames: list[PageFrame], ppi: float) -> dict[str, PreparedImage]:
    prepared: dict[str, PreparedImage] = {}
    for frame in frames:
        for el in frame.elements:
            if el.image is not None:
                key = el.image.digest + repr(el.image.crop)
                if key not in prepared:
                    prepared[key] = prepare(el.image, el.box.width, el.box.height, ppi)
    return prepared


def _render_all(loaded: Loaded, frames: list[PageFrame], images: dict[str, PreparedImage],
                staging: Path, say: Progress) -> list[Path]:
    ed = loaded.edition
    paper = paper_of(ed, loaded.templates)
    fonts = {p.stem: p for p in loaded.fonts.dir.glob("*.ttf")}
    res = PdfResources(fonts)
    title = f"{paper.name_en or paper.name} {ed.date.isoformat()}"
    files = []
    whole = PdfWriter(res, images, title=title, author=paper.name)
    for frame in frames:
        say(f"page {frame.number}")
        whole.add_page(frame)
        single = PdfWriter(res, images, title=f"{title} page {frame.number}",
                           author=paper.name)
        single.add_page(frame)
        path = staging / "pages" / f"{frame.number:02d}.pdf"
        single.save(path)
        files.append(path)
    whole.save(staging / "edition.pdf")
    files.insert(0, staging / "edition.pdf")
    return files + [staging / "layout.json", staging / "report.json"]


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n",
                    encoding="utf-8")


def _publish(staging: Path, out: Path) -> None:
    """Move finished files into `out`; the pages folder is swapped whole."""
    out.mkdir(parents=True, exist_ok=True)
    old_pages = out / "pages"
    if old_pages.exists():
        trash = Path(tempfile.mkdtemp(prefix=".epaper-old-", dir=out.parent))
        os.replace(old_pages, trash / "pages")
        os.replace(staging / "pages", old_pages)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        os.replace(staging / "pages", old_pages)
    for name in ("edition.pdf", "layout.json", "report.json"):
        os.replace(staging / name, out / name)
