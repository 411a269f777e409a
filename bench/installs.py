"""Install epaper every way a desk or an integrator would, each into a fresh place, and
build the sample with it (slow: minutes, and it downloads the dependencies once).

    python bench/installs.py [wheel] [target] [user] [editable] [sdist-tests]

- wheel: a fresh venv, `pip install epaper-*.whl`, then the console script.
- target: `pip install --target DIR .`, then `PYTHONPATH=DIR python -m epaper`.
- user: `pip install --user .` into a fresh PYTHONUSERBASE, then `python -m epaper`.
- editable: a copy of the checkout, `pip install -e`, run from another folder.
- sdist-tests: the sdist unpacked, `pip install ".[test]"` in a fresh venv, the whole
  test suite run there (`python -m pytest -q -n 2`).
Each builds the sample (print and screen), prints `python -m epaper --version`, runs
`epaper init` and `epaper check` on what it made, and says where epaper was imported
from, so that a checkout on the path cannot pass for an install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("wheel", "target", "user", "editable", "sdist-tests")


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    print("  $", " ".join(map(str, args)), flush=True)
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(map(str, args))}")
    return proc.stdout


def venv(where: Path) -> Path:
    run(sys.executable, "-m", "venv", where, cwd=where.parent)
    return where / "bin" / "python"


def dists(tmp: Path) -> tuple[Path, Path]:
    """The sdist and the wheel, built from the checkout by `python -m build`."""
    tool = venv(tmp / "build-venv")
    run(tool, "-m", "pip", "install", "-q", "build", cwd=tmp)
    run(tool, "-m", "build", "--outdir", tmp / "dist", ROOT, cwd=tmp)
    return next((tmp / "dist").glob("*.tar.gz")), next((tmp / "dist").glob("*.whl"))


def use(python: Path | str, tmp: Path, env: dict[str, str] | None = None,
        expect_under: Path | None = None) -> None:
    """Build the sample, report the version, init and check a new edition."""
    work = tmp / "work"
    work.mkdir(exist_ok=True)
    where = run(python, "-c", "import epaper, sys; print(epaper.__file__)", cwd=work,
                env=env).strip()
    print("  epaper from", where)
    if expect_under is not None and not Path(where).is_relative_to(expect_under):
        raise SystemExit(f"epaper was imported from {where}, not from {expect_under}")
    print("  " + run(python, "-m", "epaper", "--version", cwd=work, env=env).strip())
    out = run(python, "-m", "epaper", "build", ROOT / "samples", "-o", work / "out",
              "--variant", "both", "-q", cwd=work, env=env)
    assert (work / "out" / "edition.pdf").is_file() and (work / "out" / "screen").is_dir(), out
    run(python, "-m", "epaper", "init", work / "new", cwd=work, env=env)
    print("  " + run(python, "-m", "epaper", "check", work / "new", cwd=work,
                     env=env).splitlines()[0])


def wheel(tmp: Path) -> None:
    _sdist, whl = dists(tmp)
    python = venv(tmp / "venv")
    run(python, "-m", "pip", "install", "-q", whl, cwd=tmp)
    use(python, tmp, expect_under=tmp / "venv")
    print("  " + run(tmp / "venv" / "bin" / "epaper", "-V", cwd=tmp).strip())


def target(tmp: Path) -> None:
    python = venv(tmp / "venv")  # a bare interpreter: everything comes from DIR
    run(python, "-m", "pip", "install", "-q", "--target", tmp / "dir", ROOT, cwd=tmp)
    use(python, tmp, env={"PYTHONPATH": str(tmp / "dir")}, expect_under=tmp / "dir")


def user(tmp: Path) -> None:
    env = {"PYTHONUSERBASE": str(tmp / "userbase")}  # not the real ~/.local
    run(sys.executable, "-m", "pip", "install", "-q", "--user", ROOT, cwd=tmp, env=env)
    use(sys.executable, tmp, env=env, expect_under=tmp / "userbase")


def editable(tmp: Path) -> None:
    checkout = tmp / "checkout"
    shutil.copytree(ROOT, checkout, ignore=shutil.ignore_patterns(
        ".git", "__pycache__", "*.egg-info", "build", "dist", ".venv", "out"))
    python = venv(tmp / "venv")
    run(python, "-m", "pip", "install", "-q", "-e", checkout, cwd=tmp)
    use(python, tmp, expect_under=checkout)


def sdist_tests(tmp: Path) -> None:
    sdist, _whl = dists(tmp)
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp / "src", filter="data")
    (src,) = (tmp / "src").iterdir()
    python = venv(tmp / "venv")
    run(python, "-m", "pip", "install", "-q", f"{src}[test]", cwd=src)
    print(run(python, "-m", "pytest", "-q", "-n", "2", "-p", "no:randomly", cwd=src)
          .strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    chosen = argv or list(SCENARIOS)
    for name in chosen:
        if name not in SCENARIOS:
            raise SystemExit(f"unknown scenario {name!r}; scenarios: {', '.join(SCENARIOS)}")
    for name in chosen:
        start = time.monotonic()
        print(f"{name}:", flush=True)
        with tempfile.TemporaryDirectory(prefix=f"epaper-install-{name}-") as tmp:
            globals()[name.replace("-", "_")](Path(tmp))
        print(f"  ok ({time.monotonic() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
