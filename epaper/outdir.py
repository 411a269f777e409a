"""The output-folder rule, for the API and the CLI alike: a build's outputs stay apart
from the edition it reads."""

from __future__ import annotations

from pathlib import Path

from epaper.errors import UsageError

# Output folders a build replaces whole (see build._publish).
REPLACED = ("pages", "screen", "web")


def check_apart(edition_dir: str | Path, out_dir: str | Path) -> None:
    """Refuse an output folder that would mix with the edition: outputs inside it would
    sit among (and could be read back as) its files, and a build replaces pages/ and
    screen/ of the output folder whole."""
    edition_dir, out_dir = Path(edition_dir), Path(out_dir)
    edition, out = edition_dir.resolve(), out_dir.resolve()
    if out == edition or edition in out.parents:
        where = "is the edition folder" if out == edition else "is inside the edition folder"
        raise UsageError(f"{out_dir} {where} {edition_dir}: the outputs would be mixed with "
                         "the edition's files", file=out_dir, field="out",
                         hint="choose a folder outside it, e.g. -o out")
    if out in edition.parents and edition.relative_to(out).parts[0] in REPLACED:
        replaced = out_dir / edition.relative_to(out).parts[0]
        raise UsageError(f"a build replaces {replaced}, which holds the edition folder "
                         f"{edition_dir}", file=out_dir, field="out",
                         hint="choose another output folder")
