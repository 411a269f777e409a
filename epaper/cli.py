"""The `epaper` command: build and check editions, with clear errors and exit codes.

Exit codes: 0 built (warnings reported), 1 the edition cannot be built (nothing written),
2 usage error.
"""

from __future__ import annotations

import sys
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="epaper")
def main() -> None:
    """Turn a newspaper edition folder into print-ready PDF pages."""


@main.command()
@click.argument("edition_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out"), show_default=True, help="Output folder.")
@click.option("--strict", is_flag=True, help="Treat every warning (overset, low-resolution "
              "photo, …) as an error: exit 1 and write nothing.")
@click.option("--proof", is_flag=True, help="Desk proof: frame overset stories in magenta "
              "on the page, with the number of words that did not fit.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def build(edition_dir: Path, out_dir: Path, strict: bool, proof: bool, quiet: bool) -> None:
    """Build EDITION_DIR into OUT: edition.pdf, pages/NN.pdf, layout.json, report.json."""
    from epaper.build import build_edition

    def progress(step: str) -> None:
        if not quiet:
            click.echo(f"  {step}", err=True)

    result = _run(lambda: build_edition(edition_dir, out_dir, strict=strict,
                                        proof=proof, progress=progress))
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


@main.command()
@click.argument("edition_dir", type=click.Path(file_okay=False, path_type=Path))
def check(edition_dir: Path) -> None:
    """Validate EDITION_DIR (files, fields, templates, slots, fonts) without rendering."""
    from epaper.build import check_edition

    loaded = _run(lambda: check_edition(edition_dir))
    ed = loaded.edition
    click.echo(f"ok: {len(ed.pages)} pages, {len(ed.stories)} stories, "
               f"layout {loaded.templates.name}")


if __name__ == "__main__":
    main()
