"""What an install needs is in the package: the fonts, template sets and profile as
package data, every shipped file matched by a package-data pattern; the README's
commands are the ones CI runs; the public API types check. (Installing every way and
building the sample with each: bench/installs.py, slow.)"""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
import sys
import tomllib

import pytest
from conftest import ROOT

from epaper import __version__
from epaper.resources import DATA, data_dir

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_data_folders_are_found_in_a_checkout():
    for name in DATA:
        assert data_dir(name) == ROOT / name


@pytest.mark.parametrize("name", DATA)
def test_every_shipped_data_file_is_package_data(name):
    """A file in fonts/, layouts/ or profiles/ that no pattern matches would be left out
    of the wheel, and an installed epaper would miss it."""
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"][f"epaper.data.{name}"]
    files = [p.name for p in (ROOT / name).iterdir() if p.is_file()]
    assert files
    missing = [f for f in files if not any(fnmatch.fnmatch(f, pat) for pat in patterns)]
    assert not missing


def test_package_data_inside_epaper_is_declared():
    declared = PYPROJECT["tool"]["setuptools"]["package-data"]
    for folder, package in (("schemas", "epaper.schemas"), ("starter", "epaper.starter"),
                            ("starter/stories", "epaper.starter.stories")):
        files = [p.name for p in (ROOT / "epaper" / folder).iterdir() if p.is_file()]
        assert files and all(any(fnmatch.fnmatch(f, pat) for pat in declared[package])
                             for f in files), folder
    assert (ROOT / "epaper" / "py.typed").is_file() and "py.typed" in declared["epaper"]


def test_licence_and_version():
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    assert "Apache License" in (ROOT / "LICENSE").read_text(encoding="utf-8")[:200]
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_ci_runs_the_readme_test_command_exactly():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The two commands"):readme.index("### Installing")]
    commands = re.findall(r"```sh\n(.+?)\n```", section)
    assert len(commands) == 2
    assert commands[0].startswith("python3 -m venv .venv && ")  # a PEP 668 Python is fine
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip().splitlines()
    assert ci[-1] == commands[1]


def test_sdist_holds_what_the_tests_need():
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8").split("\n")
    for needed in ("graft tests", "graft samples", "include LICENSE README.md setup.py "
                   "pyproject.toml"):
        assert needed in manifest


def test_mypy_passes_on_the_public_api():
    pytest.importorskip("mypy")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental",
                           "--cache-dir", os.devnull], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout
