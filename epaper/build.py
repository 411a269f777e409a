"""The edition build: load → check → lay out → render → write outputs atomically."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from epaper.content.edition import load_edition
from epaper.errors import EpaperError
from epaper.layout.edition import EditionLayout, check_coverage, paper_of, plan
from epaper.layout.log import LayoutLog
from epaper.layout.typeset import Typesetter, place
from epaper.model.edition import Edition
from epaper.model.frame import Line, PageFrame
from epaper.model.template import PrintSpec, TemplateSet
from epaper.outputs import layout_json, report_json
from epaper.preflight import Preflight, preflight_file
from epaper.render.finish import finish_print, finish_screen
from epaper.render.images import PreparedImage, image_key, prepare
from epaper.render.pdf import PdfResources, PdfWriter, Sheet
from epaper.templates.loader import fonts_dir, load_template_set
from epaper.text.fonts import FontBook
from epaper.text.words import WordMaker

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
    if ed.profile is not None:
        tset = replace(tset, print=replace(tset.print, profile=ed.profile))
    fonts = FontBook(fonts_dir(ed.layout))
    for style in tset.styles:
        fonts.stack(style.family, style.bold, style.italic)
    plan(ed, tset)
    check_coverage(ed, tset, fonts)
    return Loaded(ed, tset, fonts)


def check_edition(edition_dir: str | Path) -> Loaded:
    """Validate an edition folder; raises EpaperError naming file, line and field."""
    return check_and_layout(edition_dir)[0]


def check_and_layout(edition_dir: str | Path) -> tuple[Loaded, LayoutLog]:
    """Load an edition and lay it out, as a build would but without rendering: what only
    layout can find (a photo below the resolution floor, a caption that does not fit) is
    refused by `epaper check` too, and its warnings are the build's."""
    loaded = load(edition_dir)
    _frames, log = layout(loaded)
    return loaded, log


def layout(loaded: Loaded, *, proof: bool = False) -> tuple[list[PageFrame], LayoutLog]:
    return EditionLayout(loaded.edition, loaded.templates, loaded.fonts, proof=proof).run()


VARIANTS = ("print", "screen")
VARIANT_DIRS = {"print": "", "screen": "screen"}


def build_edition(edition_dir: str | Path, out_dir: str | Path, *, strict: bool = False,
                  proof: bool = False, variants: tuple[str, ...] = ("print",),
                  preflight: bool = True, progress: Progress | None = None) -> BuildResult:
    """Build `edition_dir` into `out_dir`: edition.pdf and pages/NN.pdf (print),
    screen/edition.pdf and screen/pages/NN.pdf (screen), layout.json, report.json and,
    for print, preflight.json.

    Nothing is written unless the whole edition builds (and, with `strict`, has no
    warnings; for print, passes preflight); existing outputs are replaced only at the end.
    """
    say = progress or (lambda _msg: None)
    loaded = load(edition_dir)
    say("layout")
    frames, log = layout(loaded, proof=proof)
    report = report_json(loaded.edition, frames, log)
    if strict and report["warnings"]:
        raise EpaperError(f"--strict: {len(report['warnings'])} warning(s); first: "
                          f"{report['warnings'][0]}", file=loaded.edition.source)
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".epaper-build-", dir=out.parent))
    try:
        files: list[Path] = []
        # Both variants draw the same glyphs: one set of font subsets serves them.
        res = PdfResources({p.stem: p for p in loaded.fonts.dir.glob("*.ttf")})
        checking: Future[Preflight] | None = None
        with ThreadPoolExecutor(max_workers=1) as pool:
            for variant in variants:
                say(f"{variant}: images")
                ppi = (loaded.templates.target_ppi if variant == "print"
                       else loaded.templates.screen_ppi)
                images = _prepare_images(frames, ppi, variant, loaded.templates.print,
                                         loaded.edition.root, functools.partial(_warn, report))

                def check(path: Path) -> None:
                    # Ghostscript rasterises for the ink check while the pages are written.
                    nonlocal checking
                    say("preflight")
                    checking = pool.submit(preflight_file, path, loaded.templates.print,
                                           min_ppi=loaded.templates.min_ppi,
                                           floor_ppi=loaded.templates.floor_ppi)

                files += _render_all(loaded, frames, images, staging / VARIANT_DIRS[variant],
                                     variant, res, say,
                                     check if variant == "print" and preflight else None)
            _write_json(staging / "layout.json", layout_json(loaded.edition, frames))
            files += [staging / "layout.json", staging / "report.json"]
            if checking is not None:
                pf = checking.result()
                _write_json(staging / "preflight.json", pf.to_json())
                files.append(staging / "preflight.json")
                report["preflight"] = {"errors": len(pf.errors), "warnings": len(pf.warnings)}
                if pf.errors:
                    raise EpaperError(f"preflight: {len(pf.errors)} error(s) in the print PDF; "
                                      f"first: {pf.errors[0]}", file=loaded.edition.source,
                                      hint="nothing was written; fix the template or content")
        if strict and report["warnings"]:  # the images' own warnings come late
            raise EpaperError(f"--strict: {len(report['warnings'])} warning(s); first: "
                              f"{report['warnings'][0]}", file=loaded.edition.source)
        _write_json(staging / "report.json", report)
        _publish(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(report, out, [out / f.relative_to(staging) for f in files])


def _warn(report: dict[str, Any], message: str) -> None:
    """A warning found after layout (while preparing images): into the report too."""
    if message not in report["warnings"]:
        report["warnings"].append(message)
        report["summary"]["warnings"] = len(report["warnings"])


def _prepare_images(frames: list[PageFrame], ppi: float, variant: str, spec: PrintSpec,
                    root: Path, warn: Callable[[str], None]) -> dict[str, PreparedImage]:
    prepared: dict[str, PreparedImage] = {}
    for frame in frames:
        gray = frame.mono and variant == "print"  # the e-paper keeps its colour
        for el in frame.elements:
            if el.image is not None:
                key = image_key(el.image, gray)
                if key not in prepared:
                    done = prepared[key] = prepare(
                        el.image, el.box.width, el.box.height, ppi, variant=variant,
                        profile=spec.profile, gray=gray, ink_limit=spec.ink_limit)
                    if done.reseparated:
                        name = el.image.path.relative_to(root).as_posix()
                        warn(f"page {frame.number}: {name} is CMYK with up to "
                             f"{done.reseparated:.0f}% ink, over the press's "
                             f"{spec.ink_limit:.0f}%; separated again through the press "
                             f"profile (check its colours, or ask for newsprint artwork)")
    return prepared


def _slug(ts: Typesetter, loaded: Loaded, frame: PageFrame, pages: int, variant: str,
          bleed: float) -> tuple[Line, ...]:
    """The line outside the bleed that tells the press what this plate is."""
    ed = loaded.edition
    paper = paper_of(ed, loaded.templates)
    text = (f"{paper.name_en or paper.name}  {ed.date.isoformat()}  page {frame.number}/"
            f"{pages}  {frame.section}  {frame.template}  {variant}  epaper")
    style = loaded.templates.style("credit")
    # Flush right, clear of the crop mark at the trim's corner: poppler reads a line
    # under the page's left columns between them and the next ones (inside a story),
    # and one ending at the bottom right after everything above and left of it.
    inset = 6.0
    lines = ts.set(text, style, frame.width - inset, "en", align="right")[:1]
    return place(lines, 0.0, frame.height + bleed + style.size * 1.6, style.leading, style)


def _render_all(loaded: Loaded, frames: list[PageFrame], images: dict[str, PreparedImage],
                staging: Path, variant: str, res: PdfResources, say: Progress,
                on_edition: Callable[[Path], None] | None = None) -> list[Path]:
    ed = loaded.edition
    tset = loaded.templates
    paper = paper_of(ed, tset)
    title = f"{paper.name_en or paper.name} {ed.date.isoformat()}"
    bleed = max((f.bleed for f in frames), default=0.0)
    sheet = Sheet(variant, bleed=bleed, slug=tset.print.slug)
    finish: Callable[[bytes], bytes] = finish_screen
    ts = Typesetter(WordMaker(loaded.fonts))
    if variant == "print":
        profile = tset.print.profile
        name = profile.stem if profile else ""
        finish = functools.partial(finish_print, profile=profile, profile_name=name,
                                   day=ed.date)
    # The whole edition first: its checker can start while the single pages are written.
    whole = PdfWriter(res, images, title=title, author=paper.name, sheet=sheet)
    slugs = [_slug(ts, loaded, frame, len(frames), variant, bleed) if sheet.print else ()
             for frame in frames]
    for frame, slug in zip(frames, slugs, strict=True):
        whole.add_page(frame, slug)
    whole.save(staging / "edition.pdf", finish)
    res.remember(whole)
    if on_edition is not None:
        on_edition(staging / "edition.pdf")
    files = [staging / "edition.pdf"]
    for frame, slug in zip(frames, slugs, strict=True):
        say(f"{variant}: page {frame.number}")
        single = PdfWriter(res, images, title=f"{title} page {frame.number}",
                           author=paper.name, sheet=sheet)
        single.add_page(frame, slug)
        path = staging / "pages" / f"{frame.number:02d}.pdf"
        single.save(path, finish)
        files.append(path)
    return files


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n",
                    encoding="utf-8")


# What a build may leave in its output folder; anything else there is the desk's own.
OUTPUTS = ("edition.pdf", "pages", "screen", "layout.json", "report.json", "preflight.json")


def _publish(staging: Path, out: Path) -> None:
    """Move the finished outputs into `out`, all or nothing.

    What they replace is set aside first and put back if any move fails. Outputs of an
    earlier build that this one does not make (a variant not built this time) go too:
    they would disagree with the new layout.json. Other files in `out` are left alone.
    """
    new = sorted(p.name for p in staging.iterdir())
    out.mkdir(parents=True, exist_ok=True)
    for folder in ("pages", "screen"):
        foreign = _not_ours(out / folder, folder)
        if foreign:
            raise EpaperError(f"{out / folder} holds files epaper did not write "
                              f"({', '.join(foreign[:3])}); a build replaces that folder whole",
                              file=out, hint="choose another output folder, or move those "
                              "files away; nothing was written")
    for name in new:
        target, made = out / name, staging / name
        if target.exists() and target.is_dir() != made.is_dir():
            kind = "folder" if target.is_dir() else "file"
            raise EpaperError(f"{target} is a {kind} where epaper writes its "
                              f"{'folder' if made.is_dir() else 'file'} {name}",
                              file=out, hint="move it away and build again; nothing was "
                              "written")
    trash = Path(tempfile.mkdtemp(prefix=".epaper-old-", dir=out.parent))
    done: list[tuple[Path, Path | None]] = []  # (target, where its old content went)
    try:
        for name in dict.fromkeys([*new, *OUTPUTS]):
            target = out / name
            old = trash / name if target.exists() or target.is_symlink() else None
            if old is None and name not in new:
                continue
            if old is not None:
                os.replace(target, old)
            done.append((target, old))
            if name in new:
                os.replace(staging / name, target)
    except OSError as exc:
        lost = _put_back(done)
        raise EpaperError(f"could not write {exc.filename or out}: {exc.strerror}", file=out,
                          hint="nothing was changed in the output folder" if not lost else
                          f"could not put back {', '.join(lost)}: rebuild") from exc
    finally:
        shutil.rmtree(trash, ignore_errors=True)


_PAGE_FILE = re.compile(r"\d{2,3}\.pdf")


def _not_ours(folder: Path, name: str) -> list[str]:
    """What in an earlier build's `pages/` or `screen/` folder a build did not write:
    those folders are replaced whole, so anything else there would be lost."""
    if not folder.is_dir() or folder.is_symlink():
        return []
    found = []
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        ours = (p.is_file() and _PAGE_FILE.fullmatch(rel)) if name == "pages" else (
            rel in ("edition.pdf", "pages") or (rel.startswith("pages/") and p.is_file()
                                                and _PAGE_FILE.fullmatch(p.name)))
        if not ours:
            found.append(f"{name}/{rel}")
    return found


def _put_back(done: list[tuple[Path, Path | None]]) -> list[str]:
    """Undo a half-done publish: the new outputs out, the old ones back. Returns the names
    that could not be put back."""
    lost = []
    for target, old in reversed(done):
        try:
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
            if old is not None:
                os.replace(old, target)
        except OSError:
            lost.append(target.name)
    return lost
