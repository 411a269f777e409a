"""The `epaper` command: build and check editions, with clear errors and exit codes.

Exit codes, the same for every command:
  0  done (warnings, if any, are printed on stderr)
  1  the input is wrong: every error found is printed, each with file:line:col, the
     source line, a caret and a hint; nothing is written (also: --strict and a warning,
     a preflight failure, an output that cannot be written, an internal error)
  2  usage: the command line itself is wrong (an unknown option, a missing argument,
     a value out of range, an output folder inside the edition folder)
"""

from __future__ import annotations

import functools
import json
import math
import os
import secrets
import shutil
import stat
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from epaper import __version__
from epaper.diagnostics import FORMATS, Diagnostic, Format, render, tally, to_json
from epaper.errors import EpaperError, UsageError

T = TypeVar("T")


def _emit(records: Sequence[Diagnostic], fmt: Format) -> None:
    """Diagnostics on stderr, in the form asked for."""
    if records:
        click.echo(render(records, fmt), err=True, nl=False)


def _echo_json(records: Sequence[Diagnostic], **extra: Any) -> None:
    click.echo(json.dumps(to_json(records, **extra), ensure_ascii=False, indent=1))


def _fail(records: Sequence[Diagnostic], fmt: Format, as_json: bool = False) -> None:
    """Every error, then a count; exit 1."""
    if as_json:
        _echo_json(records)
    else:
        _emit(records, fmt)
        if len(records) > 1:
            click.echo(f"epaper: {tally(records)}", err=True)
    sys.exit(1)


def _internal(code: str, message: str, hint: str | None = None) -> list[Diagnostic]:
    return [Diagnostic("error", code, message, hint=hint)]


def _run(fn: Callable[[], T], fmt: Format = "full", as_json: bool = False,
         before_exit: Callable[[], None] | None = None) -> T:
    """Turn every failure into diagnostics and exit 1; never a traceback for input.
    `before_exit` runs first (a progress display finishes its lines above the errors)."""
    try:
        return fn()
    except (Exception, KeyboardInterrupt) as exc:
        if before_exit is not None:
            before_exit()
        if isinstance(exc, UsageError):
            raise click.UsageError(f"{exc.message} ({exc.hint})" if exc.hint
                                   else exc.message) from None
        if isinstance(exc, EpaperError):
            _fail(exc.diagnostics, fmt, as_json)
        if isinstance(exc, KeyboardInterrupt):
            _interrupted(exc, fmt, as_json)
        # A bug in epaper, not in the edition: say so plainly.
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        _fail(_internal("E-internal", f"internal error ({detail}); nothing was written",
                        "please report this with the edition folder"), fmt, as_json)
    raise AssertionError("unreachable")


def _interrupted(exc: KeyboardInterrupt, fmt: Format, as_json: bool) -> None:
    """Stopped by a signal: exit 128 + its number, as shells report it (130 for Ctrl-C)."""
    signum = getattr(exc, "signum", 2)
    if getattr(exc, "published", False):
        records = _internal("E-interrupted", "interrupted just after the new edition was "
                            "put in place (it is complete)")
    else:
        records = _internal("E-interrupted", "interrupted; nothing was written (the output "
                            "folder keeps the previous edition)")
    if as_json:
        _echo_json(records)
    else:
        _emit(records, fmt)
    sys.exit(128 + signum)


def _diagnostic_format(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The --diagnostic-format option every command that reports input errors has."""
    return click.option(
        "--diagnostic-format", "fmt", type=click.Choice(FORMATS), default="full",
        show_default=True, envvar="EPAPER_DIAGNOSTIC_FORMAT", help="full: each error and "
        "warning with its source line, a caret and a hint; short: one line each "
        "(file:line:col: severity: message (hint) [code]). Also read from "
        "EPAPER_DIAGNOSTIC_FORMAT.")(fn)


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


class _Pages(click.ParamType):
    """A page list as a desk writes it: 1,3-5."""

    name = "pages"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        if isinstance(value, set):
            return value
        pages: set[int] = set()
        for part in str(value).split(","):
            first, _, last = part.strip().partition("-")
            try:
                a, b = int(first), int(last or first)
            except ValueError:
                self.fail(f"{value!r} is not a page list; write e.g. 1,3-5", param, ctx)
            if a < 1 or b < a:
                self.fail(f"{part.strip()!r} is not a page range; write e.g. 3-5", param, ctx)
            pages.update(range(a, b + 1))
        return pages


def _output_file(path: Path) -> None:
    """Refuse, before any work, an output file that cannot be made: say why and what to do."""
    folder = path.parent
    if path.is_dir():
        raise EpaperError("cannot write the output: this is a folder", file=path,
                          hint="give a file name", code="E-output")
    if not folder.exists():
        raise EpaperError(f"cannot write the output: the folder {folder} does not exist",
                          file=path, hint="create it first or choose another path",
                          code="E-output")
    if not folder.is_dir():
        raise EpaperError(f"cannot write the output: {folder} is not a folder", file=path,
                          hint="choose another path", code="E-output")


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
                          hint="choose a folder you can write to; nothing was written",
                          code="E-output") from None


def _out_dir_apart(edition_dir: Path, out_dir: Path) -> None:
    """Usage error (exit 2) for an output folder that would mix with the edition; the API
    refuses it too (outdir.check_apart)."""
    from epaper.outdir import check_apart

    try:
        check_apart(edition_dir, out_dir)
    except UsageError as exc:
        raise click.BadParameter(f"{exc.message}. {(exc.hint or '').capitalize()}",
                                 param_hint="'-o' / '--out'") from None


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
                          hint="choose another output folder", code="E-output")
    # Try what the build will do: make folders next to OUT (staging) or above it.
    for folder in sorted({existing, out.parent} if out.exists() else {existing}):
        try:
            shutil.rmtree(tempfile.mkdtemp(prefix=".epaper-probe-", dir=folder))
        except OSError as exc:
            raise EpaperError(f"cannot write in {folder}: {exc.strerror or exc}",
                              file=out_dir, hint="choose an output folder you can write to",
                              code="E-output") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="epaper")
def main() -> None:
    """Turn a newspaper edition folder into print-ready PDF pages.

    Exit codes: 0 done, 1 the input is wrong (every error is printed, nothing is
    written), 2 the command line is wrong."""


def _build_options(f):  # type: ignore[no-untyped-def]
    """The options every command that builds takes (build, watch, build-many)."""
    options = [
        click.option("--strict", is_flag=True, help="Treat every warning (overset, "
                     "low-resolution photo, …) as an error: exit 1 and write nothing."),
        click.option("--proof", is_flag=True, help="Desk proof: frame overset stories in "
                     "magenta on the page, with the number of words that did not fit."),
        click.option("--variant", type=click.Choice(["print", "screen", "both"]),
                     default="print", show_default=True, help="print: CMYK with bleed, marks "
                     "and an OutputIntent (edition.pdf, pages/), checked by preflight; "
                     "screen: light RGB pages for the e-paper (screen/)."),
        click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
                     help="Worker processes (default: the machine's cores)."),
        click.option("--cache", "cache_dir", type=_Path(file_okay=False, path_type=Path),
                     help="Cache folder (default: $EPAPER_CACHE, else .epaper-cache/ beside "
                     "the output folder)."),
        click.option("--no-cache", is_flag=True, help="Build everything afresh and keep "
                     "nothing."),
        click.option("--preflight", "preflight_mode",
                     type=click.Choice(["fast", "full", "off"]), default="fast",
                     show_default=True, help="fast: check the print file from what was drawn "
                     "(ink from the prepared photos and the colours); full: also read the "
                     "file back and rasterise it with Ghostscript."),
        click.option("--epaper", is_flag=True, help="Also the e-paper in OUT/web/: page "
                     "images and IIIF tiles, article map, ALTO, IIIF manifest and a static "
                     "viewer (implies the screen variant)."),
        click.option("--epaper-url", default="", metavar="URL", help="Where OUT/web/ will be "
                     "published (e.g. https://example.com/2026-12-07/): IIIF ids become "
                     "absolute."),
        click.option("-q", "--quiet", is_flag=True, help="Print only errors."),
        _diagnostic_format,
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _build_kwargs(strict: bool, proof: bool, variant: str, jobs: int | None,
                  cache_dir: Path | None, no_cache: bool, preflight_mode: str,
                  epaper: bool, epaper_url: str) -> dict[str, Any]:
    from epaper.pipeline.run import default_jobs

    if cache_dir is not None and no_cache:
        raise click.UsageError("use either --cache or --no-cache")
    if epaper_url and not epaper_url.startswith(("http://", "https://")):
        raise click.BadParameter(f"{epaper_url!r} is not a web address: give the http:// or "
                                 "https:// URL where OUT/web/ will be published",
                                 param_hint="'--epaper-url'")
    if epaper_url and not epaper_url.endswith("/"):
        epaper_url += "/"
    return {"strict": strict, "proof": proof,
            "variants": ("print", "screen") if variant == "both" else (variant,),
            "jobs": jobs or default_jobs(), "preflight": preflight_mode,
            "cache": False if no_cache else cache_dir,
            "epaper": epaper or bool(epaper_url), "epaper_url": epaper_url}


_OUT = click.option("-o", "--out", "out_dir", type=_Path(file_okay=False, path_type=Path),
                    default=Path("out"), show_default=True,
                    help="Output folder (outside the edition folder).")
_PAGES = click.option("--pages", "only", type=_Pages(), default=None, help="Lay out only "
                      "these pages, e.g. 1,3-5; the others are kept as the last build made "
                      "them.")


@main.command()
@click.argument("edition_dir", type=_Path(file_okay=False, path_type=Path))
@_OUT
@_build_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout "
              "(diagnostics, summary, pages built and reused, time per phase), and nothing "
              "else.")
@click.option("--timings", is_flag=True, help="Print the time each phase took.")
@_PAGES
def build(edition_dir: Path, out_dir: Path, as_json: bool, timings: bool,
          only: set[int] | None, quiet: bool, fmt: Format,
          **options: Any) -> None:
    """Build EDITION_DIR into OUT: edition.pdf, pages/NN.pdf, layout.json, report.json."""
    from epaper.build import build_edition
    from epaper.progress import display

    kwargs = _build_kwargs(**options)
    _out_dir_apart(edition_dir, out_dir)
    _run(lambda: _out_dir_writable(out_dir), fmt, as_json)
    with display(quiet or as_json) as progress:
        result = _run(lambda: build_edition(edition_dir, out_dir, progress=progress,
                                            on_wait=progress.note, pages=only, **kwargs),
                      fmt, as_json, before_exit=progress.close)
    if as_json:
        _echo_json(result.diagnostics, **summary_json(result, out_dir))
        return
    if quiet:
        return
    _emit(result.diagnostics, fmt)
    _echo_summary(result, out_dir)
    if timings:
        _echo_timings(result)


def summary_json(result: Any, out_dir: Path) -> dict[str, Any]:
    """What `build --json` adds to the diagnostics: the build at a glance."""
    report = result.report
    return {"summary": report["summary"], "out": str(out_dir),
            "preflight": report.get("preflight"), "build": result.run}


def _echo_summary(result: Any, out_dir: Path) -> None:
    """What was built, on stdout (warnings, overset included, went to stderr)."""
    report = result.report
    s = report["summary"]
    reused = result.run.get("pages_reused", [])
    click.echo(f"built {s['pages']} pages, {s['stories']} stories into {out_dir}/"
               + (f" ({len(reused)} page(s) unchanged, taken from the cache)" if reused
                  else ""))
    click.echo(f"  words: {s['words_placed']} of {s['words']} placed")
    if s["overset_stories"]:
        click.echo(f"  overset: {', '.join(s['overset_stories'])} (see the warnings and "
                   "report.json)")
    if s["warnings"]:
        click.echo(f"  warnings: {s['warnings']} (on stderr and in report.json)")
    cleaned = sum(len(v["cleanup"]) for v in report["stories"].values())
    if cleaned:
        click.echo(f"  cleaned: {cleaned} change(s) to the copy (report.json, epaper check)")
    if (out_dir / "web" / "edition.json").is_file() and any(
            f.parts[-2:] == ("web", "index.html") for f in result.files):
        click.echo(f"  e-paper: {out_dir / 'web' / 'index.html'}")
    pf = report.get("preflight")
    if pf is not None:
        how = ("checked from the drawing" if pf.get("mode") == "fast" else
               "read back from the file")
        ink = ("" if pf.get("ink_measured") else
               "; INK NOT MEASURED (Ghostscript is not installed)")
        click.echo(f"  preflight: passed with {pf['warnings']} warning(s), {how}{ink} "
                   f"(see {out_dir}/preflight.json)")


def _echo_timings(result: Any) -> None:
    b = result.run
    secs = b.get("seconds", {})
    click.echo("  time: " + ", ".join(f"{k} {v:.2f} s" for k, v in secs.items())
               + f" ({b.get('jobs', 1)} job(s))")


@main.command()
@click.argument("edition_dir", type=_Path(file_okay=False, path_type=Path))
@_OUT
@_build_options
@_PAGES
def watch(edition_dir: Path, out_dir: Path, only: set[int] | None, quiet: bool,
          fmt: Format, **options: Any) -> None:
    """Build EDITION_DIR into OUT, then again on every saved change (Ctrl-C stops).

    Each rebuild lays out only the pages the change touches; a bad edit is reported and
    the last good edition stays in OUT until it is fixed."""
    from epaper.build import build_edition
    from epaper.watch import watch as watch_loop

    kwargs = _build_kwargs(**options)
    _out_dir_apart(edition_dir, out_dir)
    _run(lambda: _out_dir_writable(out_dir), fmt)

    def say(line: str) -> None:
        click.echo(line)

    def problem(exc: Exception) -> None:
        if isinstance(exc, EpaperError):
            _emit(exc.diagnostics, fmt)
        else:
            _emit(_internal("E-internal", f"internal error ({type(exc).__name__}: {exc})",
                            "please report this with the edition folder"), fmt)

    def describe(result: Any) -> list[str]:
        if quiet:
            return []
        _emit(result.diagnostics, fmt)
        b = result.run
        laid = b.get("pages_laid_out", [])
        return [f"built {b.get('pages')} pages into {out_dir}/: laid out "
                + (", ".join(map(str, laid)) if laid else "none")
                + f"; {len(b.get('pages_reused', []))} unchanged"]

    try:
        watch_loop(edition_dir, lambda: build_edition(edition_dir, out_dir, pages=only,
                                                      on_wait=say, **kwargs),
                   say, describe=describe, problem=problem)
    except KeyboardInterrupt:
        pass
    click.echo("stopped watching", err=True)


@main.command("build-many")
@click.argument("editions", nargs=-1, required=True,
                type=_Path(file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_root", type=_Path(file_okay=False, path_type=Path),
              required=True, help="Root folder: each edition goes to OUT/<its folder name>/.")
@_build_options
@click.option("--scheduler", metavar="ADDRESS", help="Run the tasks on this Dask cluster "
              "(e.g. tcp://10.0.0.5:8786; needs the 'distributed' extra).")
@click.option("--json", "as_json", is_flag=True, help="Print one result per edition as "
              "JSON on stdout.")
def build_many_command(editions: tuple[Path, ...], out_root: Path, scheduler: str | None,
                       as_json: bool, quiet: bool, fmt: Format, **options: Any) -> None:
    """Build every EDITION into OUT/<edition folder name>/, sharing one cache.

    Exit 0 when all built, 1 when any failed (the others are built all the same)."""
    from epaper.many import build_many

    kwargs = _build_kwargs(**options)
    for ed in editions:
        _out_dir_apart(ed, out_root / ed.resolve().name)
    _run(lambda: _out_dir_writable(out_root), fmt, as_json)

    def done(outcome: Any) -> None:
        if as_json:
            return
        if outcome.ok:
            if not quiet:
                _emit(outcome.result.diagnostics, fmt)
                b = outcome.result.run
                click.echo(f"{outcome.edition}: built {b.get('pages')} pages into "
                           f"{outcome.out}/ ({len(b.get('pages_reused', []))} unchanged)")
        else:
            _emit(outcome.errors, fmt)
            click.echo(f"{outcome.edition}: not built", err=True)

    outcomes = _run(lambda: build_many(list(editions), out_root, scheduler=scheduler,
                                       on_done=done, **kwargs), fmt, as_json)
    if as_json:
        click.echo(json.dumps([{"edition": str(o.edition), "out": str(o.out), "ok": o.ok,
                                **to_json(o.result.diagnostics if o.ok else o.errors),
                                **(summary_json(o.result, o.out) if o.ok else {})}
                               for o in outcomes], ensure_ascii=False, indent=1))
    failed = [o for o in outcomes if not o.ok]
    if failed:
        click.echo(f"epaper: {len(failed)} of {len(outcomes)} edition(s) failed", err=True)
        sys.exit(1)


@main.command()
@click.argument("edition_dir", type=_Path(file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Treat every warning as an error (exit 1), "
              "as build --strict would.")
@click.option("--json", "as_json", is_flag=True, help="Print every error and warning as "
              "JSON records on stdout, and nothing else.")
@_diagnostic_format
def check(edition_dir: Path, strict: bool, as_json: bool, fmt: Format) -> None:
    """Validate EDITION_DIR (files, fields, templates, slots, fonts, layout) without
    rendering: every error and warning a build would give, in one pass."""
    from epaper.build import check_and_layout

    loaded, log = _run(lambda: check_and_layout(edition_dir), fmt, as_json)
    records = [w.as_error() for w in log.warnings] if strict else list(log.warnings)
    failed = strict and bool(records)
    if as_json:
        ed = loaded.edition
        _echo_json(records, summary={"pages": len(ed.pages), "stories": len(ed.stories),
                                     "layout": loaded.templates.name})
    elif failed:
        _fail(records, fmt)
    else:
        _emit(records, fmt)
        ed = loaded.edition
        click.echo(f"ok: {len(ed.pages)} pages, {len(ed.stories)} stories, "
                   f"layout {loaded.templates.name}")
        _echo_cleanups(ed)
    if failed:
        sys.exit(1)


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
@click.argument("files", nargs=-1, required=True, type=_Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out", type=_Path(dir_okay=False, path_type=Path),
              help="Write the converted file here (one input file only).")
@click.option("--in-place", is_flag=True, help="Replace each file, keeping the original "
              "as FILE.bijoy.")
@_diagnostic_format
def convert_bijoy(files: tuple[Path, ...], out: Path | None, in_place: bool,
                  fmt: Format) -> None:
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

    for done in _run(convert_all, fmt):
        _run(functools.partial(write, *done), fmt)


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
@_diagnostic_format
def preflight(pdf: Path, ink_limit: float, min_text: float, hairline: float, min_ppi: float,
              floor_ppi: float, json_out: Path | None, fmt: Format) -> None:
    """Check PDF against a newsprint press's rules (PDF/X-1a, CMYK, ink, fonts, boxes).

    Exit 0 when it passes, 1 on any error."""
    from epaper.model.template import PrintSpec
    from epaper.preflight import preflight_file

    if floor_ppi > min_ppi:
        raise click.BadParameter(f"{floor_ppi:g} is above --min-ppi {min_ppi:g}: the floor "
                                 "(error) must not be above the minimum (warning)",
                                 param_hint="'--floor-ppi'")
    if not pdf.is_file():
        _fail([Diagnostic("error", "E-missing-file", "no such file" if not pdf.exists()
                          else "not a file", str(pdf), hint="name a PDF file")], fmt)
    if json_out is not None:
        _run(lambda: _output_file(json_out), fmt)
    spec = PrintSpec(ink_limit=ink_limit, min_text=min_text, hairline=hairline)
    result = _run(lambda: preflight_file(pdf, spec, min_ppi=min_ppi, floor_ppi=floor_ppi), fmt)
    click.echo(result.summary())
    if json_out is not None:
        data = json.dumps(result.to_json(), indent=1, ensure_ascii=False) + "\n"
        _run(lambda: _write_file(json_out, data.encode("utf-8")), fmt)
    sys.exit(1 if result.errors else 0)


@main.command()
@click.argument("out_root", type=_Path(file_okay=False, exists=True, path_type=Path))
@click.option("--url", default="", metavar="URL", help="Where OUT_ROOT will be published: "
              "the IIIF Collection's ids become absolute.")
@click.option("--title", default="", help="The archive's title (default: the paper's name).")
@_diagnostic_format
def site(out_root: Path, url: str, title: str, fmt: Format) -> None:
    """Write OUT_ROOT/index.html (every e-paper built under OUT_ROOT, newest first) and
    OUT_ROOT/collection.json (a IIIF Collection of their manifests)."""
    from epaper.web.site import find_editions, write_site

    if url and not url.startswith(("http://", "https://")):
        raise click.BadParameter(f"{url!r} is not a web address: give the http:// or "
                                 "https:// URL where OUT_ROOT will be published",
                                 param_hint="'--url'")
    if url and not url.endswith("/"):
        url += "/"
    page, coll = _run(lambda: write_site(out_root, base_url=url, title=title), fmt)
    _run(lambda: _write_file(out_root / "index.html", page.encode("utf-8")), fmt)
    _run(lambda: _write_file(out_root / "collection.json", coll.encode("utf-8")), fmt)
    found = find_editions(out_root)
    click.echo(f"archive of {len(found)} edition(s), newest {found[0].edmap['date']}: "
               f"{out_root / 'index.html'}, {out_root / 'collection.json'}")


@main.command()
@click.argument("folder", type=_Path(path_type=Path))
@_diagnostic_format
def init(folder: Path, fmt: Format) -> None:
    """Write a small new edition into FOLDER (new or empty): two pages, six stories in
    Bengali and English, one photo. Then: epaper build FOLDER -o out."""
    from epaper.scaffold import init as write

    written = _run(lambda: write(folder), fmt)
    click.echo(f"wrote a new edition: {folder}/ ({len(written)} files)")
    click.echo(f"  next: epaper check {folder}   then: epaper build {folder} -o out")


@main.command()
@click.argument("name", type=click.Choice(["edition", "story", "template"]))
def schema(name: str) -> None:
    """Print the JSON Schema of NAME (edition.yaml, a story's front matter, a template
    set) for an editor: save it and point the YAML language server at it with a first
    line `# yaml-language-server: $schema=edition.schema.json`."""
    from epaper.schema import shipped

    click.echo(shipped(name), nl=False)


if __name__ == "__main__":
    main()
