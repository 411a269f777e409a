"""Bad input through the CLI: exit 1, one clear line naming file and line, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, diagnostics, leftovers


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "epaper.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)


def build(edition: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("build", edition, "-o", out, *extra)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def error_line(proc: subprocess.CompletedProcess[str]) -> str:
    """The one error on stderr, its source line, caret and hint included (progress lines
    may precede it)."""
    errors = diagnostics(proc.stderr)
    assert len(errors) == 1, proc.stderr
    return errors[0]


def assert_refused(proc: subprocess.CompletedProcess[str], out: Path, file: Path,
                   line: int | None = None) -> str:
    """Exit 1, no traceback, the error names `file` (and `line`), nothing written."""
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert "internal error" not in proc.stderr
    message = error_line(proc)
    where = str(file.resolve()) + (f":{line}:" if line is not None else "")
    assert where in message, (where, message)
    assert not out.exists()
    assert not leftovers(out.parent), "staging folder left behind"
    assert proc.stdout == ""
    return message


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"


# -- the good mini edition -------------------------------------------------------------

def test_mini_edition_builds(make_edition, out):
    proc = build(make_edition, out, "-q")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert (out / "edition.pdf").read_bytes().startswith(b"%PDF-")
    assert (out / "pages" / "01.pdf").is_file()
    assert (out / "layout.json").is_file()
    assert (out / "report.json").is_file()


def test_build_summary_on_stdout(make_edition, out):
    proc = build(make_edition, out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == f"built 1 pages, 2 stories into {out}/"
    assert "Traceback" not in proc.stderr


def test_check_good_edition(make_edition):
    proc = run_cli("check", make_edition)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok: 1 pages, 2 stories, layout broadsheet"
    # The build's warnings, found by laying the edition out: the mini edition's stories
    # are far shorter than their slots, and its photo is small for its frame. Each is a
    # diagnostic with its code, and nothing else is on stderr.
    warnings = diagnostics(proc.stderr, "warning")
    assert "\n".join(warnings) == proc.stderr.rstrip("\n")
    assert any("empty lines at the foot" in w and "[W-underset]" in w for w in warnings)
    assert any("river.jpg prints at" in w and "[W-low-ppi]" in w for w in warnings)


def test_check_writes_nothing(make_edition):
    before = sorted(p.relative_to(make_edition) for p in make_edition.rglob("*"))
    assert run_cli("check", make_edition).returncode == 0
    assert sorted(p.relative_to(make_edition) for p in make_edition.rglob("*")) == before


def test_check_bad_edition_exits_1(make_edition):
    (make_edition / "stories" / "second.md").unlink()
    proc = run_cli("check", make_edition)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert str((make_edition / "edition.yaml").resolve()) + ":12:" in error_line(proc)


# -- usage -----------------------------------------------------------------------------

def test_no_arguments_is_usage_error():
    proc = run_cli()
    assert proc.returncode == 2
    assert "Usage" in proc.stdout + proc.stderr


def test_build_without_edition_is_usage_error():
    proc = run_cli("build")
    assert proc.returncode == 2
    assert "Usage" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_option_is_usage_error(make_edition, out):
    proc = build(make_edition, out, "--bogus")
    assert proc.returncode == 2
    assert "--bogus" in proc.stderr
    assert not out.exists()


def test_unknown_command_is_usage_error():
    assert run_cli("publish").returncode == 2


@pytest.mark.parametrize("command", ["build", "check"])
def test_help(command):
    proc = run_cli(command, "--help")
    assert proc.returncode == 0
    assert "EDITION_DIR" in proc.stdout
    assert proc.stderr == ""


def test_build_help_lists_options():
    proc = run_cli("build", "--help")
    for option in ("--out", "--strict", "--quiet"):
        assert option in proc.stdout


def test_top_level_help():
    proc = run_cli("--help")
    assert proc.returncode == 0
    assert "build" in proc.stdout and "check" in proc.stdout


# -- bad input: one thing wrong each ---------------------------------------------------

def test_missing_edition_folder(tmp_path, out):
    missing = tmp_path / "nope"
    proc = build(missing, out)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "nope" in error_line(proc)
    assert not out.exists()


def test_missing_edition_yaml(make_edition, out):
    (make_edition / "edition.yaml").unlink()
    assert_refused(build(make_edition, out), out, make_edition / "edition.yaml")


def test_missing_story_file(make_edition, out):
    (make_edition / "stories" / "second.md").unlink()
    msg = assert_refused(build(make_edition, out), out, make_edition / "edition.yaml", 12)
    assert "stories/second.md" in msg
    assert "pages[0].stories[1].file" in msg


def test_unreadable_story_file(make_edition, out):
    story = make_edition / "stories" / "second.md"
    story.chmod(0)
    try:
        if os.access(story, os.R_OK):
            pytest.skip("running as root: chmod 000 does not make the file unreadable")
        assert_refused(build(make_edition, out), out, story)
    finally:
        story.chmod(0o644)


def test_story_not_utf8(make_edition, out):
    story = make_edition / "stories" / "second.md"
    story.write_bytes(story.read_bytes() + b"\nLegacy \xff\xfe text\n")
    # second.md has 8 lines, a blank line is added, the bad bytes are on line 10
    msg = assert_refused(build(make_edition, out), out, story, 10)
    assert "UTF-8" in msg


def test_story_latin1(make_edition, out):
    story = make_edition / "stories" / "second.md"
    replace_in(story, "Temperatures", "Temperatures (caf\u00e9)")
    story.write_bytes(story.read_text(encoding="utf-8").encode("latin-1"))
    assert "UTF-8" in assert_refused(build(make_edition, out), out, story, 8)


def test_story_without_front_matter(make_edition, out):
    story = make_edition / "stories" / "second.md"
    story.write_text("Just a body, no front matter.\n", encoding="utf-8")
    assert "---" in assert_refused(build(make_edition, out), out, story, 1)


def test_unknown_template(make_edition, out):
    yaml_path = make_edition / "edition.yaml"
    replace_in(yaml_path, "template: inside", "template: insde")
    msg = assert_refused(build(make_edition, out), out, yaml_path, 8)
    assert "'insde'" in msg
    assert "inside" in msg.split("'insde'", 1)[1]  # the hint lists the real templates


def test_unknown_layout(make_edition, out):
    yaml_path = make_edition / "edition.yaml"
    replace_in(yaml_path, "layout: broadsheet", "layout: no-such-layout")
    msg = assert_refused(build(make_edition, out), out, yaml_path, 2)
    assert "'no-such-layout'" in msg and "broadsheet" in msg


def test_more_stories_than_slots(make_edition, out):
    yaml_path = make_edition / "edition.yaml"
    extra = "".join(f"      - stories/s{k}.md\n" for k in range(5))
    replace_in(yaml_path, "      - stories/second.md\n", "      - stories/second.md\n" + extra)
    for k in range(5):
        (make_edition / "stories" / f"s{k}.md").write_text(f"---\nheadline: S{k}\n---\nBody.\n")
    assert_refused(build(make_edition, out), out, yaml_path)


def test_path_outside_edition_folder(make_edition, out):
    yaml_path = make_edition / "edition.yaml"
    # the file exists, so only the "outside" rule can refuse it
    (make_edition.parent / "x.md").write_text("---\nheadline: X\n---\nBody.\n")
    replace_in(yaml_path, "stories/second.md", "../x.md")
    msg = assert_refused(build(make_edition, out), out, yaml_path, 12)
    assert "outside the edition folder" in msg


def test_absolute_path_outside_edition_folder(make_edition, out, tmp_path):
    outside = tmp_path / "abs.md"
    outside.write_text("---\nheadline: X\n---\nBody.\n")
    yaml_path = make_edition / "edition.yaml"
    replace_in(yaml_path, "stories/second.md", str(outside))
    assert "outside" in assert_refused(build(make_edition, out), out, yaml_path, 12)


def test_photo_path_outside_edition_folder(make_edition, out):
    story = make_edition / "stories" / "first.md"
    (make_edition.parent / "x.jpg").write_bytes((make_edition / "photos" / "river.jpg")
                                                .read_bytes())
    replace_in(story, "../photos/river.jpg", "../../x.jpg")
    assert "outside" in assert_refused(build(make_edition, out), out, story, 7)


def test_missing_photo(make_edition, out):
    (make_edition / "photos" / "river.jpg").unlink()
    story = make_edition / "stories" / "first.md"
    msg = assert_refused(build(make_edition, out), out, story, 7)
    assert "river.jpg" in msg
    assert "photos[0].file" in msg


def test_corrupt_photo(make_edition, out):
    photo = make_edition / "photos" / "river.jpg"
    photo.write_bytes(os.urandom(4096))
    story = make_edition / "stories" / "first.md"
    msg = assert_refused(build(make_edition, out), out, story, 7)
    assert "river.jpg is not an image" in msg
    assert "BytesIO" not in msg and " at 0x" not in msg  # no Python internals


def test_truncated_photo(make_edition, out):
    photo = make_edition / "photos" / "river.jpg"
    photo.write_bytes(photo.read_bytes()[:3000])
    story = make_edition / "stories" / "first.md"
    assert "river.jpg" in assert_refused(build(make_edition, out), out, story, 7)


def test_stories_given_as_a_string(make_edition, out):
    yaml_path = make_edition / "edition.yaml"
    replace_in(yaml_path, "    stories:\n      - {file: stories/first.md, slot: top}\n"
               "      - stories/second.md\n", "    stories: stories/second.md\n")
    msg = assert_refused(build(make_edition, out), out, yaml_path, 10)
    assert "not found: s\n" not in msg + "\n"
    assert "list" in msg


def test_strict_refuses_warnings(make_edition, out):
    # The 800x600 photo in a 5-column slot prints well under 150 ppi: a warning, which
    # --strict makes an error, its code kept; the underset stories' warnings too.
    proc = build(make_edition, out, "--strict")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    errors = diagnostics(proc.stderr)
    first = str((make_edition / "stories" / "first.md").resolve())
    assert any(e.startswith(f"{first}:7:") and "[W-low-ppi]" in e for e in errors), errors
    assert sum("[W-underset]" in e for e in errors) == 2, errors
    assert not diagnostics(proc.stderr, "warning")
    assert not out.exists()


# -- one edit, one refusal: the file and line named, and what is wrong -------------------

ED, SECOND, FIRST = "edition.yaml", "stories/second.md", "stories/first.md"


BAD_EDITS = [
    pytest.param(ED, '    section: "দেশ"\n', '     section: "দেশ"\n', 9, ["YAML"],
                 id="yaml-syntax-error-in-edition"),
    pytest.param(ED, '    section: "দেশ"\n', '\tsection: "দেশ"\n', 9, ["YAML"],
                 id="tab-in-edition-yaml"),
    pytest.param(ED, '    section: "দেশ"\n', '    section: "দেশ\n', 9, [],
                 id="unclosed-quote-in-edition-yaml"),
    pytest.param(SECOND, 'byline: "Staff Correspondent"', "byline: Staff: Correspondent", 3,
                 ["YAML"], id="yaml-error-in-story-front-matter"),
    pytest.param(SECOND, 'byline: "Staff Correspondent"', 'byline: "Staff Correspondent', 3,
                 [], id="unclosed-quote-in-story-front-matter"),
    pytest.param(SECOND, 'headline: "Rain expected over the weekend"\n', "", 2, ["headline"],
                 id="missing-headline"),
    pytest.param(SECOND, '"Rain expected over the weekend"', '"   "', 2, ["headline"],
                 id="empty-headline"),
    pytest.param(SECOND, "lang: en", "lang: en\nauthor: X", 5, ["'author'"],
                 id="unknown-story-field"),
    pytest.param(ED, "slot: top", "slot: bottom", 11, ["'bottom'"], id="unknown-slot"),
    pytest.param(ED, "- stories/second.md", "- {file: stories/second.md, slot: top}", 12,
                 ["'top'"], id="two-stories-in-one-slot"),
    pytest.param(SECOND, "Temperatures may", "Temperatures \u0f00 may", 8,
                 ["U+0F00", "second.md"], id="tibetan-character-not-in-any-font"),
    pytest.param(FIRST, "মানুষ খুশি।", "মানুষ খুশি \U0001F600।", 12, ["U+1F600"],
                 id="emoji-not-in-any-font"),
    pytest.param(FIRST, "নতুন বাঁধ", "নতুন \u0f00 বাঁধ", None, ["U+0F00", "headline"],
                 id="uncovered-character-in-headline"),
    pytest.param(FIRST, "কাজ চলছে", "কাজ \u0f00 চলছে", None, ["U+0F00", "caption"],
                 id="uncovered-character-in-caption"),
    pytest.param(ED, "date: 2026-12-07", "date: 2026-13-45", 1, ["date"],
                 id="impossible-date"),
    pytest.param(ED, 'section: "দেশ"', 'section: "দেশ \U0001F600"', None,
                 ["U+1F600", "pages[0].section"], id="uncovered-character-in-section"),
    pytest.param(SECOND, "lang: en", "lang: en\nsource: \"AP \u0f00\"", None,
                 ["U+0F00", "source"], id="uncovered-character-in-source"),
    pytest.param(ED, "date: 2026-12-07", 'date: "7 December 2026"', 1, ["date"],
                 id="date-not-iso"),
    pytest.param(ED, "lang: bn", "lang: b\x00n", 3, ["U+0000"], id="nul-in-edition-yaml"),
    pytest.param(ED, "lang: bn", "lang: bn\n<<: {hijri_offset: 9}", 4, ["merge keys"],
                 id="yaml-merge-key"),
]


@pytest.mark.parametrize("file, old, new, line, says", BAD_EDITS)
def test_bad_edit_is_refused_naming_file_and_line(make_edition, out, file, old, new, line,
                                                  says):
    path = make_edition / file
    replace_in(path, old, new)
    message = assert_refused(build(make_edition, out), out, path, line)
    for words in says:
        assert words in message


# -- an existing output folder is left alone on failure ---------------------------------

def test_failed_build_keeps_previous_outputs(make_edition, out):
    assert build(make_edition, out, "-q").returncode == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    old = out / "old.txt"
    old.write_text("from yesterday")
    (make_edition / "stories" / "second.md").unlink()
    proc = build(make_edition, out)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert old.read_text() == "from yesterday"
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*")
             if p.is_file() and p != old}
    assert after == before
    assert not leftovers(out.parent)


def test_out_folder_with_unrelated_file_is_untouched(make_edition, out):
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    (make_edition / "photos" / "river.jpg").write_bytes(b"not a jpeg")
    proc = build(make_edition, out)
    assert proc.returncode == 1
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert (out / "notes.txt").read_text() == "keep me"


def test_output_name_taken_by_a_folder_is_refused_and_nothing_changes(make_edition, out):
    assert build(make_edition, out, "-q").returncode == 0
    before = (out / "edition.pdf").read_bytes()
    (out / "layout.json").unlink()
    (out / "layout.json").mkdir()
    replace_in(make_edition / "stories" / "second.md", "Temperatures", "Rain and temperatures")
    proc = build(make_edition, out)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "layout.json is a folder" in error_line(proc)
    assert (out / "edition.pdf").read_bytes() == before
    assert (out / "layout.json").is_dir()


def test_failed_move_puts_every_output_back(make_edition, out, monkeypatch):
    """If the disk fails half-way through publishing, the folder is as it was."""
    from epaper.build import build_edition
    from epaper.errors import EpaperError
    from epaper.pipeline import publish as publish_module

    assert build(make_edition, out, "-q").returncode == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    replace_in(make_edition / "stories" / "second.md", "Temperatures", "Rain and temperatures")
    real, failed = os.replace, []

    def flaky(src, dst):  # type: ignore[no-untyped-def]
        # edition.pdf and layout.json are in place by now; the new pages/ fails once
        if Path(dst) == out / "pages" and not failed:
            failed.append(dst)
            raise OSError(28, "No space left on device", str(dst))
        return real(src, dst)

    monkeypatch.setattr(publish_module.os, "replace", flaky)
    with pytest.raises(EpaperError, match="the disk is full"):
        build_edition(make_edition, out)
    monkeypatch.undo()
    assert failed
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not leftovers(out.parent)


def test_variant_not_built_again_is_removed(make_edition, out):
    assert build(make_edition, out, "-q", "--variant", "both").returncode == 0
    assert (out / "screen" / "edition.pdf").exists()
    (out / "notes.txt").write_text("keep me")
    assert build(make_edition, out, "-q", "--variant", "print").returncode == 0
    assert not (out / "screen").exists()  # it would disagree with the new layout.json
    assert (out / "notes.txt").read_text() == "keep me"
    assert (out / "edition.pdf").exists()


def test_desk_files_in_pages_folder_are_never_replaced(make_edition, out):
    (out / "pages").mkdir(parents=True)
    (out / "pages" / "scan-01.pdf").write_text("the desk's own scan")
    proc = build(make_edition, out)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "pages/scan-01.pdf" in error_line(proc)
    assert (out / "pages" / "scan-01.pdf").read_text() == "the desk's own scan"
    assert sorted(p.name for p in out.iterdir()) == ["pages"]


def test_check_refuses_what_only_layout_finds_as_build_does(make_edition, out):
    """A photo too small for its frame is found when the frame is known: check lays the
    edition out too, so it refuses what the build would."""
    from conftest import write_photo

    write_photo(make_edition / "photos" / "river.jpg", size=(120, 90))
    checked = run_cli("check", make_edition)
    built = build(make_edition, out)
    assert checked.returncode == built.returncode == 1
    assert error_line(checked) == error_line(built)
    assert "ppi" in error_line(checked)


def test_rebuild_replaces_pages(make_edition, out):
    assert build(make_edition, out, "-q").returncode == 0
    (out / "pages" / "09.pdf").write_bytes(b"stale")
    assert build(make_edition, out, "-q").returncode == 0
    assert sorted(p.name for p in (out / "pages").iterdir()) == ["01.pdf"]


# -- print, page and template fields added for the press ------------------------------------

def _custom_layout(edition: Path, old: str, new: str) -> Path:
    """A copy of the broadsheet set inside the edition, with one field broken."""
    text = (ROOT / "layouts" / "broadsheet.yaml").read_text(encoding="utf-8")
    text = text.replace("fonts: ../fonts", f"fonts: {ROOT / 'fonts'}").replace(
        "profile: ../profiles/", f"profile: {ROOT / 'profiles'}/")
    assert old in text
    path = edition / "custom.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    replace_in(edition / "edition.yaml", "layout: broadsheet", "layout: custom.yaml")
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(k for k, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if needle in ln)


@pytest.mark.parametrize("old, new, needle, words", [
    ("hyphenate: [en, bn]", "hyphenate: [en, hi]", "hyphenate", "en, bn"),
    ("rules: [right, bottom, columns]", "rules: [right, middle]", "rules: [right, middle]",
     "top, bottom, left, right, columns"),
    ("fill: [0, 0, 0, 8]", "fill: [0, 0, 0, 180]", "fill:", "CMYK in percent"),
    ("bleed: [top, left, right]", "bleed: [up]", "bleed: [up]", "top, bottom, left, right"),
    ("ink_limit: 240", "ink_limit: 40", "ink_limit", "100-400"),
])
def test_bad_template_fields_name_file_and_line(make_edition, out, old, new, needle, words):
    path = _custom_layout(make_edition, old, new)
    message = assert_refused(build(make_edition, out), out, path, _line_of(path, needle))
    assert words in message


def test_missing_print_profile_in_template(make_edition, out):
    path = _custom_layout(make_edition, "newsprint-tr002.icc", "no-such.icc")
    message = assert_refused(build(make_edition, out), out, path)
    assert "no-such.icc does not exist" in message


def test_edition_profile_that_is_not_cmyk(make_edition, out):
    from PIL import ImageCms

    rgb = make_edition / "rgb.icc"
    rgb.write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    replace_in(make_edition / "edition.yaml", "lang: bn", "lang: bn\nprint:\n  profile: rgb.icc")
    ed = make_edition / "edition.yaml"
    message = assert_refused(build(make_edition, out), out, ed, _line_of(ed, "profile:"))
    assert "RGB profile" in message and "CMYK" in message


def test_edition_profile_outside_the_folder(make_edition, out):
    replace_in(make_edition / "edition.yaml", "lang: bn",
               "lang: bn\nprint:\n  profile: /etc/passwd")
    message = assert_refused(build(make_edition, out), out, make_edition / "edition.yaml")
    assert "outside the edition folder" in message


def test_mono_must_be_true_or_false(make_edition, out):
    replace_in(make_edition / "edition.yaml", "section: \"দেশ\"",
               "section: \"দেশ\"\n    mono: yes please")
    ed = make_edition / "edition.yaml"
    message = assert_refused(build(make_edition, out), out, ed, _line_of(ed, "mono"))
    assert "mono" in message
