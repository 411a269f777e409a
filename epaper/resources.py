"""Where epaper's own data is: the shipped fonts, template sets and output profile.

An installed epaper (a wheel, `pip install --user`, `--target DIR`) has them as package
data, epaper/data/{fonts,layouts,profiles}, read with importlib.resources. A source
checkout (an editable install, or PYTHONPATH pointing at it) keeps them where the
repository shows them, at its top: fonts/, layouts/, profiles/; setup.py maps those
folders into the package when a wheel is built, so there is one copy of each file and
no symlink.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from epaper.errors import EpaperError

DATA = ("fonts", "layouts", "profiles")


def data_dir(name: str) -> Path:
    """The folder of shipped `name` (one of DATA)."""
    assert name in DATA, name
    package = resources.files("epaper")
    if not isinstance(package, Path):  # zipped: fonts must be files HarfBuzz can open
        raise EpaperError("epaper is installed as a zip archive; its fonts cannot be read",
                          hint="install it unzipped: pip install epaper")
    for folder in (package / "data" / name, package.parent / name):
        if folder.is_dir():
            return folder
    raise EpaperError(f"epaper's shipped {name} are missing (looked in "
                      f"{package / 'data' / name} and {package.parent / name})",
                      hint="reinstall epaper: pip install --force-reinstall epaper")
