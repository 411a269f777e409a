"""Diagnostics like a compiler's: every error of an edition in one pass, each at
file:line:col with its source line, a caret and a hint; warnings in the same form with a
stable code; the same records as JSON; one exit-code rule for every command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, diagnostics

from epaper.diagnostics import Diagnostic, render
from epaper.errors import ContentError, EpaperError, UsageError
from epaper.layout.log import LayoutLog


def run_cli(*args: str | Path, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "epaper", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def five_mistakes(edition: Path) -> list[tuple[Path, str, str]]:
    """Plant five independent mistakes; for each, the file, the text the caret must
    underline and a word the message must say."""
    ed, first = edition / "edition.yaml", edition / "stories" / "first.md"
    edit(ed, "lang: bn\n", "lang: bn\nvolume: 8\n")  # belongs under paper:
    edit(ed, "- stories/second.md", "- stories/secnd.md")
    edit(first, 'kicker: "উপকূল"', 'kicker: "উপকূল"\nauthor: "সমাচার"')
    edit(first, "../photos/river.jpg", "../photos/rivr.jpg")
    edit(first, "স্থানীয় মানুষ খুশি।", "স্থানীয় মানুষ খুশি। ![মানচিত্র](map.png)")
    return [(ed, "volume: 8", "'volume'"), (ed, "stories/secnd.md", "not found"),
            (first, 'author: "সমাচার"', "'author'"), (first, '"../photos/rivr.jpg"', "rivr.jpg"),
            (first, "![", "image")]


def cells(text: str) -> int:
    return sum(unicodedata.category(ch) not in ("Mn", "Me", "Cf") for ch in text)


HEADER = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): error: (?P<rest>.*)$")


def test_five_mistakes_five_diagnostics_in_one_check(make_edition):
    planted = five_mistakes(make_edition)
    proc = run_cli("check", make_edition)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    errors = diagnostics(proc.stderr)
    assert len(errors) == 5, proc.stderr
    assert proc.stderr.rstrip().endswith("epaper: 5 errors, 0 warnings")
    for (file, underlined, says), block in zip(planted, errors, strict=True):
        header, source, caret, hint = block.split("\n")
        m = HEADER.match(header)
        assert m, header
        assert m["file"] == str(file.resolve()) and says in m["rest"], header
        line, col = int(m["line"]), int(m["col"])
        text = file.read_text(encoding="utf-8").split("\n")[line - 1]
        assert source.endswith(f" | {text}"), (source, text)
        # The caret sits under the column (a terminal draws Bengali vowel signs such as
        # ু on their letter: they take no cell), its underline covers what is wrong.
        assert col - 1 == text.index(underlined), (header, text)
        gutter = source.index(" | ") + 3
        start = len(caret) - len(caret[gutter:].lstrip())
        assert caret[start] == "^" and start - gutter == cells(text[:col - 1]), caret
        assert len(caret) - start == cells(underlined), (caret, underlined)
        assert hint.lstrip().startswith("= hint: ")


def test_five_mistakes_as_json_are_the_same_five(make_edition):
    five_mistakes(make_edition)
    human = run_cli("check", make_edition, "--diagnostic-format", "short")
    proc = run_cli("check", make_edition, "--json")
    assert proc.returncode == 1
    assert proc.stderr == ""
    data = json.loads(proc.stdout)
    assert data["ok"] is False and data["errors"] == 5 and data["warnings"] == 0
    records = [Diagnostic.from_json(d) for d in data["diagnostics"]]
    assert all(d.severity == "error" and d.file and d.line and d.col for d in records)
    # The JSON records are what the short form prints, record for record.
    assert [d.short(ROOT) for d in records] == human.stderr.splitlines()[:5]
    assert {d.code for d in records} == {"E-unknown-field", "E-missing-file", "E-markdown"}


def test_an_impossible_date_and_a_bad_template_do_not_hide_the_rest(tmp_path):
    """PyYAML refuses a whole document for one impossible date, and a page that lost a
    story used to stop the template check of every page when a story jumps (the sample
    has one): each mistake is still found, each at its own spot."""
    import shutil

    ed = tmp_path / "ed"
    shutil.copytree(ROOT / "samples", ed)
    edit(ed / "edition.yaml", "date: 2026-12-07", "date: 2026-13-07")
    edit(ed / "edition.yaml", "- stories/rail-eticket.md", "- stories/rail-eticket-x.md")
    edit(ed / "edition.yaml", "- template: inside\n", "- template: insde\n")
    proc = run_cli("check", ed, "--json")
    assert proc.returncode == 1, proc.stderr
    records = json.loads(proc.stdout)["diagnostics"]
    said = [(r["line"], r["field"], r["message"]) for r in records]
    lines = (ed / "edition.yaml").read_text(encoding="utf-8").split("\n")
    assert len(said) == 3, said
    assert lines[said[0][0] - 1] == "date: 2026-13-07" and said[0][1] == "date"
    assert "2026-13-07 is not a day" in said[0][2] and "month" in said[0][2]
    assert "rail-eticket-x.md" in lines[said[1][0] - 1] and "not found" in said[1][2]
    assert "insde" in lines[said[2][0] - 1] and said[2][1].endswith(".template")
    assert lines[said[2][0] - 1][records[2]["col"] - 1:] == "insde"  # the caret's spot
    assert "unknown page template 'insde'" in said[2][2]


def test_short_format_is_one_line_each(make_edition):
    five_mistakes(make_edition)
    proc = run_cli("check", make_edition, "--diagnostic-format", "short")
    lines = proc.stderr.splitlines()
    assert len(lines) == 6 and lines[-1] == "epaper: 5 errors, 0 warnings"
    assert all(HEADER.match(ln) and ln.endswith("]") for ln in lines[:5]), lines


def test_yaml_syntax_error_is_where_pyyaml_found_it(make_edition):
    """PyYAML says line 20 column 15; the desk must read line 20 column 15, not 19."""
    ed = make_edition / "edition.yaml"
    text = ed.read_text(encoding="utf-8") + "".join(f"# filler {k}\n" for k in range(6))
    text += "extra:\n  - [a, b\n  - c: d\n"  # a flow sequence never closed
    ed.write_text(text, encoding="utf-8")
    with pytest.raises(yaml.YAMLError) as info:
        yaml.safe_load(text)
    mark = info.value.problem_mark  # type: ignore[attr-defined]
    proc = run_cli("check", ed.parent, "--diagnostic-format", "short")
    (line,) = [ln for ln in proc.stderr.splitlines() if ": error: " in ln]
    assert line.startswith(f"{ed.resolve()}:{mark.line + 1}:{mark.column + 1}: error: "), line
    assert "flow sequence that starts on line 20, column 5" in line


def test_unclosed_quote_points_at_its_opening(make_edition):
    ed = make_edition / "edition.yaml"
    edit(ed, '    section: "দেশ"\n', '    section: "দেশ\n')
    proc = run_cli("check", make_edition, "--diagnostic-format", "short")
    (line,) = [ln for ln in proc.stderr.splitlines() if ": error: " in ln]
    assert line.startswith(f"{ed.resolve()}:9:14: error: YAML syntax error"), line
    assert "never closed" in line


def test_warnings_on_stderr_with_codes_and_carets(make_edition):
    proc = run_cli("check", make_edition)
    assert proc.returncode == 0
    assert proc.stdout.startswith("ok: 1 pages")
    warnings = diagnostics(proc.stderr, "warning")
    codes = [re.search(r"\[(W-[a-z-]+)\]$", w.split("\n")[0]) for w in warnings]
    assert all(codes) and {c[1] for c in codes if c} == {"W-low-ppi", "W-underset"}
    photo = next(w for w in warnings if "[W-low-ppi]" in w)
    story = (make_edition / "stories" / "first.md").resolve()
    # The caret is under the photo's file name: `  - file: "../photos/river.jpg"`.
    assert photo.startswith(f"{story}:7:11: warning: ")
    assert '|           ^~~~~~~~~~~~~~~~~~~~~\n' in photo


def test_check_strict_makes_warnings_errors(make_edition):
    proc = run_cli("check", make_edition, "--strict", "--diagnostic-format", "short")
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines and all(": error: " in ln for ln in lines[:-1]), lines
    assert "[W-low-ppi]" in proc.stderr  # the warning's code is kept
    assert proc.stdout == ""


def test_check_json_of_a_good_edition(make_edition):
    proc = run_cli("check", make_edition, "--json")
    assert proc.returncode == 0 and proc.stderr == ""
    data = json.loads(proc.stdout)
    assert data["ok"] and data["errors"] == 0 and data["warnings"] >= 3
    assert data["summary"] == {"pages": 1, "stories": 2, "layout": "broadsheet"}
    assert {d["code"] for d in data["diagnostics"]} == {"W-low-ppi", "W-underset"}
    strict = json.loads(run_cli("check", make_edition, "--json", "--strict").stdout)
    assert not strict["ok"] and strict["errors"] == data["warnings"]


def test_build_json_gives_the_records_and_the_summary(make_edition, tmp_path):
    out = tmp_path / "out"
    proc = run_cli("build", make_edition, "-o", out, "--json", "--variant", "screen")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    data = json.loads(proc.stdout)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["ok"] and data["diagnostics"] == report["warnings"]
    assert data["summary"] == report["summary"]
    # A failed build gives its errors the same way, and exit 1.
    (make_edition / "stories" / "second.md").unlink()
    failed = run_cli("build", make_edition, "-o", tmp_path / "out2", "--json")
    assert failed.returncode == 1
    data = json.loads(failed.stdout)
    assert not data["ok"] and data["diagnostics"][0]["code"] == "E-missing-file"


def test_report_warnings_are_records_with_a_code(make_edition, tmp_path):
    from epaper.build import build_edition

    result = build_edition(make_edition, tmp_path / "out", variants=("screen",))
    for w in result.report["warnings"]:
        assert set(w) >= {"code", "message", "file", "line", "story", "page"}
        assert re.fullmatch(r"W-[a-z-]+", w["code"])
        assert w["page"] == 1 and w["story"] in ("first", "second")
    assert result.warnings == [w["message"] for w in result.report["warnings"]]


# -- exit codes: 0 ok, 1 the input, 2 the command line -------------------------------------

@pytest.mark.parametrize("args, code", [
    (["check"], 2),  # a missing argument
    (["check", "--bogus", "x"], 2),
    (["build", "{ed}", "-o", "{ed}/out"], 2),  # outputs inside the edition
    (["check", "{missing}"], 1),  # a missing input is the input's fault
    (["build", "{missing}", "-o", "{tmp}/o"], 1),
    (["convert-bijoy", "{missing}"], 1),
    (["preflight", "{missing}"], 1),
    (["check", "{ed}"], 0),
])
def test_one_exit_code_rule(make_edition, tmp_path, args, code):
    values = {"ed": make_edition, "missing": tmp_path / "nope.md", "tmp": tmp_path}
    proc = run_cli(*(a.format(**values) for a in args))
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    if code == 1:
        (error,) = diagnostics(proc.stderr)
        assert str(tmp_path / "nope.md") in error


def test_version():
    for flag in ("-V", "--version"):
        proc = run_cli(flag)
        assert proc.returncode == 0
        assert re.fullmatch(r"epaper, version \d+\.\d+\.\d+\S*\n", proc.stdout)


# -- the API ---------------------------------------------------------------------------

def test_api_refuses_an_output_folder_inside_the_edition(make_edition):
    from epaper import build_edition

    with pytest.raises(UsageError, match="inside the edition folder"):
        build_edition(make_edition, make_edition / "out")
    assert not (make_edition / "out").exists()


def test_api_error_carries_every_diagnostic(make_edition):
    from epaper.content.edition import load_edition

    five_mistakes(make_edition)
    with pytest.raises(ContentError) as info:
        load_edition(make_edition)
    found = info.value.diagnostics
    assert len(found) == 5  # the image in the body is found when its story is read
    assert str(info.value).count("\n") == 4  # one line each
    assert info.value.line == found[0].line and info.value.file == found[0].file


def test_check_edition_returns_its_warnings(make_edition):
    from epaper import check_edition

    warnings = check_edition(make_edition)
    assert warnings and all(isinstance(w, Diagnostic) for w in warnings)
    assert {w.code for w in warnings} == {"W-low-ppi", "W-underset"}


def test_a_bare_warning_still_works_and_has_a_code():
    log = LayoutLog()
    log.warn("something a new check noticed")
    assert log.warnings[0].code == "W-layout" and log.messages == [
        "something a new check noticed"]


# -- printing --------------------------------------------------------------------------

def test_caret_lands_under_the_column_past_tabs_and_bengali(tmp_path):
    src = tmp_path / "s.md"
    src.write_text("x\n\tশিরোনাম: ভুল\n", encoding="utf-8")
    d = Diagnostic("error", "E-x", "bad", str(src), 2, 11, end_col=14)
    header, source, caret = render([d], cwd=ROOT).splitlines()
    assert header == f"{src}:2:11: error: bad [E-x]"
    assert source == " 2 | \tশিরোনাম: ভুল"
    # The tab is kept, each letter and vowel sign before the spot takes a cell; under
    # ভুল the underline is two cells wide: its ু (U+09C1) is drawn on the ভ.
    assert caret == "   | \t" + " " * 9 + "^~"


def test_an_error_without_a_file_names_epaper():
    d = Diagnostic("error", "E-internal", "something broke", hint="report it")
    assert render([d], cwd=ROOT) == ("epaper: error: something broke [E-internal]\n"
                                     "  = hint: report it\n")


def test_epaper_error_str_is_the_short_form(tmp_path):
    err = EpaperError("bad", file=tmp_path / "a.yaml", line=3, field="x", hint="fix it")
    assert str(err) == f"{tmp_path / 'a.yaml'}:3: error: x: bad (fix it) [E-input]"


def test_a_long_line_is_shown_around_the_spot(tmp_path):
    src = tmp_path / "s.md"
    line = "word " * 60 + "WRONG " + "word " * 60
    src.write_text(line + "\n", encoding="utf-8")
    col = line.index("WRONG") + 1
    d = Diagnostic("warning", "W-x", "here", str(src), 1, col, end_col=col + 5)
    _header, source, caret = render([d], cwd=ROOT).splitlines()
    assert source.startswith(" 1 | …") and source.endswith("…") and len(source) < 120
    assert source[caret.index("^"):].startswith("WRONG")
    assert caret.endswith("^~~~~")
