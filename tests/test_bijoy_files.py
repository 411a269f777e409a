"""`epaper convert-bijoy` on real files: a byte order mark, files that are not text, files
with nothing to convert, outputs that cannot be written. Nothing is half-written or
rewritten for nothing, and the story loader reads what it writes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, write_photo

from epaper.content.story import load_story

needs_proc = pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")

BOM = b"\xef\xbb\xbf"
BIJOY_STORY = '---\nheadline: "Avgvi †mvbvi evsjv"\nlang: en\n---\nAvwg †Zvgvq\n'
UNICODE_STORY = '---\nheadline: "আমার সোনার বাংলা"\nlang: en\n---\nআমি তোমায়\n'


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    # One line per diagnostic, to compare whole.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EPAPER_DIAGNOSTIC_FORMAT": "short"}
    return subprocess.run([sys.executable, "-m", "epaper.cli", "convert-bijoy",
                           *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, env=env)


def no_crash(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "internal error" not in proc.stdout + proc.stderr


def refused(proc: subprocess.CompletedProcess[str]) -> str:
    """Exit 1 with one `error:` line, nothing on stdout; the line."""
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    no_crash(proc)
    assert proc.stdout == ""
    errors = [ln for ln in proc.stderr.splitlines() if ": error: " in ln]
    assert len(errors) == 1, proc.stderr
    return errors[0]


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# -- byte order mark -------------------------------------------------------------------

def test_in_place_with_a_bom_keeps_the_keys(tmp_path):
    story = write(tmp_path / "s.md", BOM + BIJOY_STORY.encode("utf-8"))
    proc = run_cli("--in-place", story)
    assert proc.returncode == 0, proc.stderr
    no_crash(proc)
    assert proc.stderr == f"{story}: 2 line(s) converted\n"
    # Written as UTF-8 without the BOM; the original, BOM and all, kept as s.md.bijoy.
    assert story.read_bytes() == UNICODE_STORY.encode("utf-8")
    assert (tmp_path / "s.md.bijoy").read_bytes() == BOM + BIJOY_STORY.encode("utf-8")
    loaded = load_story(story, tmp_path, "en")
    assert loaded.headline == "আমার সোনার বাংলা"


def test_stdout_with_a_bom(tmp_path):
    story = write(tmp_path / "s.md", BOM + BIJOY_STORY.encode("utf-8"))
    proc = run_cli(story)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == UNICODE_STORY


def test_bom_in_an_ansi_file(tmp_path):
    story = write(tmp_path / "s.md", BOM + BIJOY_STORY.encode("cp1252"))
    proc = run_cli("-o", tmp_path / "out.md", story)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out.md").read_text(encoding="utf-8") == UNICODE_STORY


def test_windows_line_ends_are_kept(tmp_path):
    story = write(tmp_path / "s.md", BIJOY_STORY.replace("\n", "\r\n"))
    proc = run_cli("--in-place", story)
    assert proc.returncode == 0, proc.stderr
    assert story.read_bytes() == UNICODE_STORY.replace("\n", "\r\n").encode("utf-8")


def test_in_place_keeps_the_file_mode(tmp_path):
    story = write(tmp_path / "s.md", BIJOY_STORY)
    story.chmod(0o640)
    assert run_cli("--in-place", story).returncode == 0
    assert stat.S_IMODE(story.stat().st_mode) == 0o640


# -- not text, nothing to convert, front matter not closed -----------------------------

def assert_untouched(folder: Path, before: dict[str, bytes]) -> None:
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_jpeg_is_refused(tmp_path):
    photo = write_photo(tmp_path / "photo.jpg")
    before = {photo.name: photo.read_bytes()}
    line = refused(run_cli(photo, "--in-place"))
    assert line == (f"{photo}: error: not a text file (it holds NUL bytes); nothing was "
                    "converted (convert-bijoy converts story files, which are text; check "
                    "the file name) [E-content]")
    assert_untouched(tmp_path, before)


def test_random_bytes_are_refused(tmp_path):
    data = bytes(b for b in range(1, 256)) * 8  # every byte but NUL
    blob = write(tmp_path / "blob.md", data)
    line = refused(run_cli(blob, "--in-place"))
    assert line.startswith(f"{blob}: error: not a text file (")
    assert "control characters" in line
    assert_untouched(tmp_path, {blob.name: data})


def test_utf16_is_refused(tmp_path):
    data = BIJOY_STORY.encode("utf-16")
    story = write(tmp_path / "s.md", data)
    line = refused(run_cli(story, "--in-place"))
    assert line == (f"{story}: error: the file is UTF-16 text; nothing was converted (save it "
                    "as UTF-8 and run again) [E-content]")
    assert_untouched(tmp_path, {story.name: data})


def test_a_stray_control_character_is_still_text(tmp_path):
    story = write(tmp_path / "s.md", BIJOY_STORY + "\x1a")  # DOS end-of-file mark
    assert run_cli("--in-place", story).returncode == 0


@pytest.mark.parametrize("flag", ["--in-place", None])
def test_nothing_to_convert_leaves_the_file(tmp_path, flag):
    story = write(tmp_path / "s.md", BOM + UNICODE_STORY.encode("utf-8"))
    os.utime(story, (1_000_000_000, 1_000_000_000))
    proc = run_cli(*([flag] if flag else []), story)
    assert proc.returncode == 0, proc.stderr
    no_crash(proc)
    tail = "; the file was left as it is" if flag else ""
    assert proc.stderr == f"{story}: no Bijoy text found, nothing to convert{tail}\n"
    assert proc.stdout == ("" if flag else UNICODE_STORY)
    assert_untouched(tmp_path, {story.name: BOM + UNICODE_STORY.encode("utf-8")})
    assert story.stat().st_mtime == 1_000_000_000


def test_second_run_keeps_the_first_backup(tmp_path):
    story = write(tmp_path / "s.md", BIJOY_STORY)
    assert run_cli("--in-place", story).returncode == 0
    assert run_cli("--in-place", story).returncode == 0
    assert (tmp_path / "s.md.bijoy").read_text(encoding="utf-8") == BIJOY_STORY


def test_one_bad_file_stops_all(tmp_path):
    good = write(tmp_path / "a.md", BIJOY_STORY)
    photo = write_photo(tmp_path / "b.jpg")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    line = refused(run_cli("--in-place", good, photo))
    assert str(photo) in line
    assert_untouched(tmp_path, before)


def test_unclosed_front_matter_is_refused(tmp_path):
    data = BIJOY_STORY.replace("---\nAvwg", "Avwg")
    story = write(tmp_path / "s.md", data)
    line = refused(run_cli("--in-place", story))
    assert line == (f"{story}:1:1: error: the front matter block is not closed with '---'; "
                    "nothing was converted (close it, then convert: the field names must "
                    "stay) [E-content]")
    assert_untouched(tmp_path, {story.name: data.encode("utf-8")})


def test_rule_in_the_body_is_not_front_matter(tmp_path):
    story = write(tmp_path / "s.md", "Avwg †Zvgvq\n\n---\n\nAvwg †Zvgvq\n")
    proc = run_cli(story)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "আমি তোমায়\n\n---\n\nআমি তোমায়\n"


# -- -o --------------------------------------------------------------------------------

def test_out_is_written_whole(tmp_path):
    story = write(tmp_path / "s.md", BIJOY_STORY)
    proc = run_cli(story, "-o", tmp_path / "u.md")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "u.md").read_text(encoding="utf-8") == UNICODE_STORY
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.md", "u.md"]


def test_out_into_missing_folder(tmp_path):
    story = write(tmp_path / "s.md", BIJOY_STORY)
    target = tmp_path / "missing" / "out.md"
    line = refused(run_cli(story, "-o", target))
    assert line == (f"{target}: error: cannot write the output: the folder {target.parent} "
                    "does not exist (create it first or choose another path) [E-output]")
    assert_untouched(tmp_path, {"s.md": BIJOY_STORY.encode("utf-8")})


def test_out_under_a_file(tmp_path):
    story = write(tmp_path / "s.md", BIJOY_STORY)
    line = refused(run_cli(story, "-o", story / "out.md"))
    assert line == (f"{story / 'out.md'}: error: cannot write the output: {story} is not a "
                    "folder (choose another path) [E-output]")


@pytest.mark.parametrize("target", ["", "."])
def test_out_empty_or_a_folder_is_a_usage_error(tmp_path, target):
    story = write(tmp_path / "s.md", BIJOY_STORY)
    proc = run_cli(story, "-o", target)
    assert proc.returncode == 2
    no_crash(proc)
    assert "Invalid value for '-o' / '--out'" in proc.stderr
    assert_untouched(tmp_path, {"s.md": BIJOY_STORY.encode("utf-8")})


@needs_proc
def test_out_where_nothing_can_be_written(tmp_path):
    story = write(tmp_path / "s.md", BIJOY_STORY)
    line = refused(run_cli(story, "-o", "/proc/out.md"))
    assert line.startswith("/proc/out.md: error: cannot write the output: ")
    assert line.endswith("(choose a folder you can write to; nothing was written) [E-output]")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_in_place_in_a_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    story = write(folder / "s.md", BIJOY_STORY)
    folder.chmod(0o555)
    try:
        line = refused(run_cli("--in-place", story))
        assert line.startswith(f"{folder / 's.md.bijoy'}: error: cannot write the output: "
                               "Permission denied")
        assert_untouched(folder, {"s.md": BIJOY_STORY.encode("utf-8")})
    finally:
        folder.chmod(0o755)
