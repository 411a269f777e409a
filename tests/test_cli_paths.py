"""Paths and numbers given to the command: an output that cannot be written, an output
folder that would mix with the edition, a limit that is not a number in range. Each gets
a clear message naming the path or option, the right exit code and nothing written."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, leftovers
from test_preflight_robust import GOOD, malformed_pdf

needs_proc = pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")


def run_cli(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    # One line per diagnostic, to compare whole.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EPAPER_DIAGNOSTIC_FORMAT": "short"}
    return subprocess.run([sys.executable, "-m", "epaper.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120, env=env)


def no_crash(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "internal error" not in proc.stdout + proc.stderr


def error_line(proc: subprocess.CompletedProcess[str]) -> str:
    errors = [ln for ln in proc.stderr.splitlines() if ": error: " in ln]
    assert len(errors) == 1, proc.stderr
    return errors[0]


def usage_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    no_crash(proc)
    (line,) = [ln for ln in proc.stderr.splitlines() if ln.startswith("Error:")]
    return line


def listing(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*"))


@pytest.fixture
def ok_pdf(tmp_path: Path) -> Path:
    return malformed_pdf(tmp_path / "ok.pdf", GOOD)


@pytest.fixture
def read_only(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A folder nobody may write in (made writable again afterwards, for cleanup)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)



# -- preflight --json ------------------------------------------------------------------

def test_json_report_is_written_whole(ok_pdf, tmp_path):
    target = tmp_path / "report.json"
    proc = run_cli("preflight", ok_pdf, "--json", target)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["ok"] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.pdf", "report.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_json_into_missing_folder(ok_pdf, tmp_path):
    target = tmp_path / "missing" / "x.json"
    proc = run_cli("preflight", ok_pdf, "--json", target)
    assert proc.returncode == 1
    no_crash(proc)
    assert error_line(proc) == (f"{target}: error: cannot write the output: the folder "
                                f"{target.parent} does not exist (create it first or choose "
                                "another path) [E-output]")
    assert proc.stdout == ""  # refused before the checks ran
    assert not target.parent.exists()


def test_json_under_a_file(ok_pdf, tmp_path):
    target = ok_pdf / "x.json"
    proc = run_cli("preflight", ok_pdf, "--json", target)
    assert proc.returncode == 1
    no_crash(proc)
    assert f"{target}: error: cannot write the output: {ok_pdf} is not a folder" \
        in error_line(proc)


def test_json_onto_a_folder(ok_pdf, tmp_path):
    line = usage_error(run_cli("preflight", ok_pdf, "--json", tmp_path))
    assert "--json" in line and str(tmp_path) in line


@needs_proc
def test_json_where_nothing_can_be_written(ok_pdf):
    proc = run_cli("preflight", ok_pdf, "--json", "/proc/x.json")
    assert proc.returncode == 1
    no_crash(proc)
    assert error_line(proc).startswith("/proc/x.json: error: cannot write the output: ")
    assert not Path("/proc/x.json").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_json_into_read_only_folder(ok_pdf, read_only):
    proc = run_cli("preflight", ok_pdf, "--json", read_only / "x.json")
    assert proc.returncode == 1
    no_crash(proc)
    assert error_line(proc) == (f"{read_only / 'x.json'}: error: cannot write the output: "
                                "Permission denied (choose a folder you can write to; "
                                "nothing was written) [E-output]")
    assert list(read_only.iterdir()) == []


# -- preflight's numbers ---------------------------------------------------------------

BAD_NUMBERS = [
    ("--ink-limit", "nan", "100<=x<=400"), ("--ink-limit", "-10", "100<=x<=400"),
    ("--ink-limit", "50", "100<=x<=400"), ("--ink-limit", "401", "100<=x<=400"),
    ("--ink-limit", "inf", "100<=x<=400"), ("--ink-limit", "lots", "float"),
    ("--min-text", "0", "x>0"), ("--min-text", "-1", "x>0"), ("--min-text", "nan", "x>0"),
    ("--min-text", "inf", "x>0"),
    ("--hairline", "0", "x>0"), ("--hairline", "nan", "x>0"),
    ("--min-ppi", "-150", "x>0"), ("--min-ppi", "nan", "x>0"), ("--min-ppi", "inf", "x>0"),
    ("--floor-ppi", "0", "x>0"), ("--floor-ppi", "nan", "x>0"),
]


@pytest.mark.parametrize(("option", "value", "allowed"), BAD_NUMBERS)
def test_numbers_out_of_range_are_usage_errors(ok_pdf, option, value, allowed):
    line = usage_error(run_cli("preflight", ok_pdf, option, value))
    assert f"Invalid value for '{option}'" in line
    assert allowed in line


def test_floor_above_minimum_is_a_usage_error(ok_pdf):
    line = usage_error(run_cli("preflight", ok_pdf, "--floor-ppi", "200"))
    assert line == ("Error: Invalid value for '--floor-ppi': 200 is above --min-ppi 150: the "
                    "floor (error) must not be above the minimum (warning)")


@pytest.mark.parametrize("args", [("--ink-limit", "100"), ("--ink-limit", "400"),
                                  ("--min-text", "0.5"), ("--hairline", "0.1"),
                                  ("--min-ppi", "300", "--floor-ppi", "300")])
def test_numbers_in_range_are_taken(ok_pdf, args):
    proc = run_cli("preflight", ok_pdf, *args)
    assert proc.returncode == 0, proc.stderr


def test_help_shows_the_ranges():
    proc = run_cli("preflight", "--help")
    assert "100<=x<=400" in proc.stdout


# -- build -o --------------------------------------------------------------------------

def test_empty_output_folder(make_edition, tmp_path):
    line = usage_error(run_cli("build", make_edition, "-o", "", cwd=tmp_path))
    assert line == "Error: Invalid value for '-o' / '--out': the path is empty; name a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edition"]


@pytest.mark.parametrize("command", ["build", "check"])
def test_empty_edition_folder(make_edition, tmp_path, command):
    line = usage_error(run_cli(command, "", cwd=make_edition))
    assert line == "Error: Invalid value for 'EDITION_DIR': the path is empty; name a folder"


@pytest.mark.parametrize(("sub", "where"), [("", "is the edition folder"),
                                            ("stories", "is inside the edition folder"),
                                            ("new/out", "is inside the edition folder")])
def test_output_in_the_edition_folder(make_edition, sub, where):
    before = listing(make_edition)
    out = make_edition / sub
    line = usage_error(run_cli("build", make_edition, "-o", out))
    assert line == (f"Error: Invalid value for '-o' / '--out': {out} {where} "
                    f"{make_edition}: the outputs would be mixed with the edition's files. "
                    "Choose a folder outside it, e.g. -o out")
    assert listing(make_edition) == before


def test_output_in_the_edition_folder_through_a_relative_path(make_edition):
    line = usage_error(run_cli("build", ".", "-o", "out", cwd=make_edition))
    assert "out is inside the edition folder ." in line
    assert not (make_edition / "out").exists()


def test_edition_inside_a_folder_the_build_replaces(make_edition, tmp_path):
    out = tmp_path / "web"
    edition = out / "pages" / "today"
    edition.parent.mkdir(parents=True)
    make_edition.rename(edition)
    before = listing(out)
    line = usage_error(run_cli("build", edition, "-o", out))
    assert line == (f"Error: Invalid value for '-o' / '--out': a build replaces {out}/pages, "
                    f"which holds the edition folder {edition}. Choose another output folder")
    assert listing(out) == before


def test_output_folder_is_a_file(make_edition, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("keep", encoding="utf-8")
    line = usage_error(run_cli("build", make_edition, "-o", afile))  # click's own check
    assert "'-o' / '--out'" in line and str(afile) in line
    assert afile.read_text(encoding="utf-8") == "keep"


def test_output_folder_under_a_file(make_edition, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("keep", encoding="utf-8")
    proc = run_cli("build", make_edition, "-o", afile / "sub")
    assert proc.returncode == 1
    no_crash(proc)
    assert error_line(proc) == (f"{afile / 'sub'}: error: the output folder cannot be made: "
                                f"{afile} is not a folder (choose another output folder) "
                                "[E-output]")
    assert not leftovers(tmp_path)


def test_output_folder_is_a_device(make_edition):
    proc = run_cli("build", make_edition, "-o", os.devnull)
    assert proc.returncode == 1
    no_crash(proc)
    assert error_line(proc).startswith(f"{os.devnull}: error: the output folder exists and is "
                                       "not a folder")


@needs_proc
def test_output_folder_where_nothing_can_be_written(make_edition):
    proc = run_cli("build", make_edition, "-o", "/proc/x")
    assert proc.returncode == 1
    no_crash(proc)
    assert error_line(proc).startswith("/proc/x: error: cannot write in /proc: ")
    assert "choose an output folder you can write to" in error_line(proc)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_output_folder_in_a_read_only_folder(make_edition, read_only):
    proc = run_cli("build", make_edition, "-o", read_only / "out")
    assert proc.returncode == 1
    no_crash(proc)
    assert error_line(proc) == (f"{read_only / 'out'}: error: cannot write in {read_only}: "
                                "Permission denied (choose an output folder you can "
                                "write to) [E-output]")
    assert list(read_only.iterdir()) == []
