"""The e-paper bundle (OUT/web/): page images per page, then everything that needs the
whole edition — the article map, ALTO, the IIIF manifest, article pages, the viewer and
the PDFs to download.

Two entry points for a task pipeline: `page_images` (epaper/web/images.py, one task per
page, in a worker, given the page's plan `page_plan(frame)`) and `write_bundle` (once;
it needs the plans, not the images, so it may run while the pages rasterise).
`build_web` runs both for today's build.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from epaper.model.edition import Edition, Paper
from epaper.model.frame import PageFrame
from epaper.model.template import TemplateSet
from epaper.web.alto import page_alto
from epaper.web.edition import Links, edition_map, page_plan
from epaper.web.html import write_articles
from epaper.web.iiif import manifest
from epaper.web.images import PageImages, page_images
from epaper.web.viewer import write_viewer


@dataclass(frozen=True)
class Downloads:
    """The screen PDFs a reader may download: the edition and each page by number."""

    edition: Path
    pages: Mapping[int, Path] = field(default_factory=dict)


def write_bundle(web_dir: str | Path, ed: Edition, frames: Sequence[PageFrame],
                 pages: Sequence[PageImages], paper: Paper, templates: TemplateSet, *,
                 downloads: Downloads | None = None, base_url: str = "",
                 fonts: Path | None = None) -> list[Path]:
    """Write web/edition.json, alto/NN.xml, manifest.json, articles/*.html, the viewer
    (index.html, data/, static/) and pdf/ into `web_dir`; iiif/ and clips/ are the page
    tasks'. `pages`: their plans (`page_plan`) or their records. Returns the files
    written here."""
    web = Path(web_dir)
    images = {p.number: p for p in pages}
    links = Links()
    edmap = edition_map(ed, frames, images, paper, templates, links=links)
    files = [_json(web / "edition.json", edmap)]
    tags = {a["id"]: f"T{k}" for k, a in enumerate(edmap["articles"], 1)}
    langs = {a["id"]: a["lang"] for a in edmap["articles"]}
    for frame in frames:
        path = web / links.alto(frame.number)
        path.parent.mkdir(parents=True, exist_ok=True)
        image_id = f"{base_url}{images[frame.number].service.folder}"
        path.write_text(page_alto(frame, images[frame.number], tags, langs, ed.lang, image_id),
                        encoding="utf-8")
        files.append(path)
    files.append(_json(web / "manifest.json", manifest(edmap, base_url)))
    files += write_articles(web, edmap, base_url)
    files += write_viewer(web, edmap, fonts)
    if downloads is not None:
        files += link_downloads(web, downloads)
    return files


def link_downloads(web_dir: str | Path, downloads: Downloads) -> list[Path]:
    """web/pdf/: the screen PDFs a reader downloads. A step of its own for a pipeline in
    which the bundle is written before the PDFs are assembled (write_bundle without
    `downloads`)."""
    web, links = Path(web_dir), Links()
    files = [_link(downloads.edition, web / links.edition_pdf)]
    for number, pdf in sorted(downloads.pages.items()):
        files.append(_link(pdf, web / links.page_pdf(number)))
    return files


def _json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def _link(src: Path, dst: Path) -> Path:
    """The screen PDF inside web/, so that the folder is complete on any host: a hard
    link where the file system allows (no second copy on disk), else a copy."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.exists():
        dst.unlink()
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)
    return dst


def build_web(web_dir: Path, ed: Edition, frames: Sequence[PageFrame], paper: Paper,
              templates: TemplateSet, screen_dir: Path, *, base_url: str = "",
              fonts: Path | None = None, workers: int | None = None,
              progress: Callable[[str], None] | None = None) -> list[Path]:
    """The whole e-paper from a built screen variant (screen_dir/pages/NN.pdf): the page
    images in up to `workers` processes (default: the CPUs) while this process writes the
    bundle from the pages' plans."""
    say = progress or (lambda _msg: None)
    say("e-paper: page images, article map, ALTO, IIIF, viewer")
    plans = [page_plan(f) for f in frames]
    pdfs = {f.number: screen_dir / "pages" / f"{f.number:02d}.pdf" for f in frames}
    downloads = Downloads(screen_dir / "edition.pdf", pdfs)
    n = min(len(plans), workers or os.cpu_count() or 1)
    if n > 1:
        # forkserver, not fork: the build has threads running (the print file's preflight).
        with ProcessPoolExecutor(max_workers=n, mp_context=get_context("forkserver")) as pool:
            done = [pool.submit(page_images, pdfs[p.number], web_dir, p, base_url=base_url)
                    for p in plans]
            files = write_bundle(web_dir, ed, frames, plans, paper, templates,
                                 downloads=downloads, base_url=base_url, fonts=fonts)
            pages = [d.result() for d in done]
    else:
        pages = [page_images(pdfs[p.number], web_dir, p, base_url=base_url) for p in plans]
        files = write_bundle(web_dir, ed, frames, plans, paper, templates,
                             downloads=downloads, base_url=base_url, fonts=fonts)
    return [web_dir / f for p in pages for f in p.files] + files
