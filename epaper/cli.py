"""The `epaper` command: build and check editions, with clear errors and exit codes.

Exit codes: 0 built (warnings reported), 1 the edition cannot be built (nothing written),
2 usage error.
"""

from __future__ import annotations

import functools
import math
import os
import secrets
import shutil
import stat
import sys
import tempfile
import traceback
from pathlib import Path

import click

from epaper.errors import EpaperError


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _run(fn):  # type: ignore[no-untyped-def]
    """Turn every failure into one clear line and exit 1; never a traceback for input."""
    try:
        return fn()
    except EpaperError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        _fail("interrupted; nothing was written")
    except Exception as exc:  # a bug in epaper, not in the edition: say so plainly
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        _fail(f"internal error ({detail}); nothing was written. Please report this with "
              "the edition folder.")


class _Path(click.Path):
    """click.Path that refuses an empty argument (Path("") would be the current folder)."""

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        if isinstance(value, str) and not value.strip():
            self.fail("the path is empty; name a " + ("file" if self.file_okay else "folder"),
                      param, ctx)
        return super().convert(value, param, ctx)


class _Number(click.FloatRange):
    """click.FloatRange that also refuses nan and infinity, which pass every range test."""

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a number in the range {self._describe_range()}.",
                      param, ctx)
        return number


def _output_file(path: Path) -> None:
    """Refuse, before any work, an output file that cannot be made: say why and what to do."""
    folder = path.parent
    if path.is_dir():
        raise EpaperError("cannot write the output: this is a folder", file=path,
                          hint="give a file name")
    if not folder.exists():
        raise EpaperError(f"cannot write the output: the folder {folder} does not exist",
                          file=path, hint="create it first or choose another path")
    if not folder.is_dir():
        raise EpaperError(f"cannot write the output: {folder} is not a folder", file=path,
                          hint="choose another path")


def _write_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all: into a temporary file in the same
    folder, renamed over `path` once complete (an existing file keeps its permissions)."""
    _output_file(path)
    target = path.resolve() if path.is_symlink() else path
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        if target.exists():
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise EpaperError(f"cannot write the output: {exc.strerror or exc}", file=path,
                          hint="choose a folder you can write to; nothing was written"
                          ) from None


# Output folders a build replaces whole (see build._publish).
_REPLACED = ("pages", "screen", "web")


def _out_dir_apart(edition_dir: Path, out_dir: Path) -> None:
    """Usage error for an output folder that would mix with the edition: outputs inside it
    would sit among (and could be read back as) its files, and a build replaces pages/ and
    screen/ of OUT whole."""
    edition, out = edition_dir.resolve(), out_dir.resolve()
    if out == edition or edition in out.parents:
        where = "is the edition folder" if out == edition else "is inside the edition folder"
        raise click.BadParameter(
            f"{out_dir} {where} {edition_dir}: the outputs would be mixed with the edition's "
            "files. Choose a folder outside it, e.g. -o out", param_hint="'-o' / '--out'")
    if out in edition.parents and edition.relative_to(out).parts[0] in _REPLACED:
        replaced = out_dir / edition.relative_to(out).parts[0]
        raise click.BadParameter(
            f"a build replaces {replaced}, which holds the edition folder {edition_dir}. "
            "Choose another output folder", param_hint="'-o' / '--out'")


def _out_dir_writable(out_dir: Path) -> None:
    """Refuse an output folder that cannot be made or written, naming it and why."""
    out = out_dir.resolve()
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        what = ("exists and is not a folder" if existing == out
                else f"cannot be made: {existing} is not a folder")
        raise EpaperError(f"the output folder {what}", file=out_dir,
                          hint="choose another output folder")
    # Try what the build will do: make folders next to OUT (staging) or above it.
    for folder in sorted({existing, out.parent} if out.exists() else {existing}):
        try:
            shutil.rmtree(tempfile.mkdtemp(prefix=".epaper-probe-", dir=folder))
        except OSError as exc:
            raise EpaperError(f"cannot write in {folder}: {exc.strerror or exc}",
                              file=out_dir, hint="choose an output folder you can write to"
                              ) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="epaper")
def main() -> None:
    """Turn a newspaper edition folder into print-ready PDF pages."""


@main.command()
@click.argument("edition_dir", type=_Path(file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=_Path(file_okay=False, path_type=Path),
              default=Path("out"), show_default=True, help="Output folder (outside the "
              "edition folder).")
@click.option("--strict", is_flag=True, help="Treat every warning (overset, low-resolution "
              "photo, …) as an error: exit 1 and write nothing.")
@click.option("--proof", is_flag=True, help="Desk proof: frame overset stories in magenta "
              "on the page, with the number of words that did not fit.")
@click.option("--variant", type=click.Choice(["print", "screen", "both"]), default="print",
              show_default=True, help="print: CMYK with bleed, marks and an OutputIntent "
              "(edition.pdf, pages/), checked by preflight; screen: light RGB pages for the "
              "e-paper (screen/).")
@click.option("--epaper", is_flag=True, help="Also the e-paper in OUT/web/: page images and "
              "IIIF tiles, article map, ALTO, IIIF manifest and a static viewer (implies the "
              "screen variant).")
@click.option("--epaper-url", default="", metavar="URL", help="Where OUT/web/ will be "
              "published (e.g. https://example.com/2026-12-07/): IIIF ids become absolute.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def build(edition_dir: Path, out_dir: Path, strict: bool, proof: bool, variant: str,
          epaper: bool, epaper_url: str, quiet: bool) -> None:
    """Build EDITION_DIR into OUT: edition.pdf, pages/NN.pdf, layout.json, report.json."""
    from epaper.build import build_edition

    def progress(step: str) -> None:
        if not quiet:
            click.echo(f"  {step}", err=True)

    variants = ("print", "screen") if variant == "both" else (variant,)
    _out_dir_apart(edition_dir, out_dir)
    _run(lambda: _out_dir_writable(out_dir))
    if epaper_url and not epaper_url.startswith(("http://", "https://")):
        raise click.BadParameter(f"{epaper_url!r} is not a web address: give the http:// or "
                                 "https:// URL where OUT/web/ will be published",
                                 param_hint="'--epaper-url'")
    if epaper_url and not epaper_url.endswith("/"):
        epaper_url += "/"
    result = _run(lambda: build_edition(edition_dir, out_dir, strict=strict,
                                        proof=proof, variants=variants, progress=progress,
                                        epaper=epaper or bool(epaper_url),
                                        epaper_url=epaper_url))
    if quiet:
        return
    s = result.report["summary"]
    click.echo(f"built {s['pages']} pages, {s['stories']} stories into {out_dir}/")
    click.echo(f"  words: {s['words_placed']} of {s['words']} placed")
    for story, words in result.overset.items():
        click.echo(f"  OVERSET {story}: {len(words)} words did not fit "
                   f"(see report.json) — ends: …{' '.join(words[-6:])}")
    for w in result.warnings:
        if "OVERSET" not in w:
            click.echo(f"  warning: {w}")
    cleaned = sum(len(v["cleanup"]) for v in result.report["stories"].values())
    if cleaned:
        click.echo(f"  cleaned: {cleaned} change(s) to the copy (report.json, epaper check)")
    if epaper or epaper_url:
        click.echo(f"  e-paper: {out_dir / 'web' / 'index.html'}"
                   + ("" if epaper_url else " (IIIF ids are relative: give --epaper-url for "
                      "IIIF viewers such as Mirador)"))
    pf = result.report.get("preflight")
    if pf is not None:
        click.echo(f"  preflight: passed with {pf['warnings']} warning(s) "
                   f"(see {out_dir}/preflight.json)")


@main.command()
@click.argument("edition_dir", type=_Path(file_okay=False, path_type=Path))
def check(edition_dir: Path) -> None:
    """Validate EDITION_DIR (files, fields, templates, slots, fonts, layout) without
    rendering."""
    from epaper.build import check_and_layout

    loaded, log = _run(lambda: check_and_layout(edition_dir))
    ed = loaded.edition
    click.echo(f"ok: {len(ed.pages)} pages, {len(ed.stories)} stories, "
               f"layout {loaded.templates.name}")
    for warning in log.warnings:  # what a build would warn of, before rendering
        click.echo(f"  warning: {warning}", err=True)
    _echo_cleanups(ed)


def _echo_cleanups(ed, limit: int | None = None) -> None:  # type: ignore[no-untyped-def]
    """What input cleanup changed, by file and line: the desk sees every change."""
    from epaper.content.clean import describe

    lines = [f"  {s.path.relative_to(ed.root).as_posix()}:{c.line}: {describe(c)}"
             for s in ed.stories for c in s.cleanups]
    if not lines:
        return
    click.echo(f"cleaned: {len(lines)} change(s) to the copy")
    for line in lines[:limit]:
        click.echo(line)
    if limit is not None and len(lines) > limit:
        click.echo(f"  … and {len(lines) - limit} more (epaper check lists them all)")


@main.command("convert-bijoy")
@click.argument("files", nargs=-1, required=True,
                type=_Path(dir_okay=False, exists=True, path_type=Path))
@click.option("-o", "--out", "out", type=_Path(dir_okay=False, path_type=Path),
              help="Write the converted file here (one input file only).")
@click.option("--in-place", is_flag=True, help="Replace each file, keeping the original "
              "as FILE.bijoy.")
def convert_bijoy(files: tuple[Path, ...], out: Path | None, in_place: bool) -> None:
    """Convert story FILES typed in legacy Bijoy (SutonnyMJ) to Unicode.

    Only text the desk typed is converted (front matter text fields, body lines); keys,
    quoting and Markdown stay. Without -o or --in-place the result goes to stdout.
    Output is UTF-8 without a byte order mark. A file with no Bijoy text is left as
    it is."""
    from epaper.content.convert import convert_story, read_story

    if out is not None and len(files) != 1:
        raise click.UsageError("-o takes one input file")
    if out is not None and in_place:
        raise click.UsageError("use either -o or --in-place")

    def convert_all() -> list[tuple[Path, str, int]]:
        """Every file read, checked and converted before anything is written."""
        done = [(path, *convert_story(read_story(path), path)) for path in files]
        if out is not None:
            _output_file(out)
        return done

    def write(path: Path, converted: str, changed: int) -> None:
        if out is not None:
            _write_file(out, converted.encode("utf-8"))
        elif in_place and changed:
            _write_file(path.with_name(path.name + ".bijoy"), path.read_bytes())
            _write_file(path, converted.encode("utf-8"))
        elif not in_place:
            click.echo(converted, nl=False)
        if changed:
            click.echo(f"{path}: {changed} line(s) converted", err=True)
        else:
            click.echo(f"{path}: no Bijoy text found, nothing to convert"
                       + ("; the file was left as it is" if in_place else ""), err=True)

    for done in _run(convert_all):
        _run(functools.partial(write, *done))


@main.command()
@click.argument("pdf", type=_Path(dir_okay=False, path_type=Path))
@click.option("--ink-limit", type=_Number(100, 400), default=240.0, show_default=True,
              help="Highest total ink coverage allowed, percent (100-400).")
@click.option("--min-text", type=_Number(0, min_open=True), default=5.0, show_default=True,
              help="Smallest text size allowed, pt (above 0).")
@click.option("--hairline", type=_Number(0, min_open=True), default=0.25, show_default=True,
              help="Thinnest stroke allowed, pt (above 0).")
@click.option("--min-ppi", type=_Number(0, min_open=True), default=150.0, show_default=True,
              help="Images below this effective resolution get a warning.")
@click.option("--floor-ppi", type=_Number(0, min_open=True), default=50.0, show_default=True,
              help="Images below this effective resolution are an error (at most --min-ppi).")
@click.option("--json", "json_out", type=_Path(dir_okay=False, path_type=Path),
              help="Also write the full report as JSON here.")
def preflight(pdf: Path, ink_limit: float, min_text: float, hairline: float, min_ppi: float,
              floor_ppi: float, json_out: Path | None) -> None:
    """Check PDF against a newsprint press's rules (PDF/X-1a, CMYK, ink, fonts, boxes).

    Exit 0 when it passes, 1 on any error."""
    import json

    from epaper.model.template import PrintSpec
    from epaper.preflight import preflight_file

    if floor_ppi > min_ppi:
        raise click.BadParameter(f"{floor_ppi:g} is above --min-ppi {min_ppi:g}: the floor "
                                 "(error) must not be above the minimum (warning)",
                                 param_hint="'--floor-ppi'")
    if not pdf.is_file():
        click.echo(f"error: {pdf}: no such file", err=True)
        sys.exit(1)
    if json_out is not None:
        _run(lambda: _output_file(json_out))
    spec = PrintSpec(ink_limit=ink_limit, min_text=min_text, hairline=hairline)
    result = _run(lambda: preflight_file(pdf, spec, min_ppi=min_ppi, floor_ppi=floor_ppi))
    click.echo(result.summary())
    if json_out is not None:
        data = json.dumps(result.to_json(), indent=1, ensure_ascii=False) + "\n"
        _run(lambda: _write_file(json_out, data.encode("utf-8")))
    sys.exit(1 if result.errors else 0)


@main.command()
@click.argument("out_root", type=_Path(file_okay=False, exists=True, path_type=Path))
@click.option("--url", default="", metavar="URL", help="Where OUT_ROOT will be published: "
              "the IIIF Collection's ids become absolute.")
@click.option("--title", default="", help="The archive's title (default: the paper's name).")
def site(out_root: Path, url: str, title: str) -> None:
    """Write OUT_ROOT/index.html (every e-paper built under OUT_ROOT, newest first) and
    OUT_ROOT/collection.json (a IIIF Collection of their manifests)."""
    from epaper.web.site import find_editions, write_site

    if url and not url.startswith(("http://", "https://")):
        raise click.BadParameter(f"{url!r} is not a web address: give the http:// or "
                                 "https:// URL where OUT_ROOT will be published",
                                 param_hint="'--url'")
    if url and not url.endswith("/"):
        url += "/"
    page, coll = _run(lambda: write_site(out_root, base_url=url, title=title))
    _run(lambda: _write_file(out_root / "index.html", page.encode("utf-8")))
    _run(lambda: _write_file(out_root / "collection.json", coll.encode("utf-8")))
    found = find_editions(out_root)
    click.echo(f"archive of {len(found)} edition(s), newest {found[0].edmap['date']}: "
               f"{out_root / 'index.html'}, {out_root / 'collection.json'}")


if __name__ == "__main__":
    main()
