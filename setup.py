"""Which packages a build of epaper holds (the rest of its metadata is in pyproject.toml).

fonts/, layouts/ and profiles/ stay at the top of the repository, where the README and
a desk look for them, and are installed as the package data epaper/data/fonts, …: each
folder is mapped onto a package of its own (package_dir), so a wheel copies the files
into place — one copy in the repository, no symlinks, nothing under <prefix>/share.
epaper.resources finds them there, or at the top of a source checkout.

Packages are found, not listed, so a new package under epaper/ is never left out; data
folders inside it (schemas/, starter/) count as packages too (namespace packages), which
is how setuptools wants package data.
"""

from setuptools import find_namespace_packages, setup

DATA = {f"epaper.data.{name}": name for name in ("fonts", "layouts", "profiles")}
CODE = find_namespace_packages(include=["epaper", "epaper.*"], exclude=["*.__pycache__"])

setup(packages=CODE + list(DATA), package_dir=DATA)
