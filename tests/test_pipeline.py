"""The build as tasks: content keys, the cache, incremental rebuilds, workers, faults."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import ROOT, leftovers, write_edition

from epaper.build import build_edition
from epaper.errors import EpaperError
from epaper.pipeline import keys
from epaper.pipeline.cache import HEADER, Cache

# Three pages, one story each beside the mini edition's two on page 1; page 1's lead
# jumps to page 3, so page 3 depends on page 1 and nothing depends on page 2.
THREE_PAGES = textwrap.dedent("""\
    date: 2026-12-07
    layout: broadsheet
    lang: bn
    pages:
      - template: inside
        section: "দেশ"
        stories:
          - {file: stories/first.md, slot: top, continue: {page: 3, slot: jumps}}
          - stories/second.md
      - template: inside
        section: "নগর"
        stories:
          - stories/third.md
      - template: inside
        section: "খেলা"
        stories:
          - stories/fourth.md
    """)

STORY = textwrap.dedent("""\
    ---
    headline: "{headline}"
    lang: en
    ---
    {body}
    """)


def _long(words: int, seed: str) -> str:
    base = (f"The {seed} committee met on Sunday to discuss the plan for the coming season, "
            "and members said the work would begin after the rains. ").split()
    return " ".join(base[k % len(base)] for k in range(words))


@pytest.fixture
def three(tmp_path: Path, _photo_bytes: bytes) -> Path:
    root = write_edition(tmp_path / "edition", _photo_bytes)
    (root / "edition.yaml").write_text(THREE_PAGES, encoding="utf-8")
    first = root / "stories" / "first.md"
    # Long enough for the top slot to send the rest on to page 3.
    first.write_text(first.read_text(encoding="utf-8") + "\n" + "\n\n".join(
        "এই প্রকল্পের কাজ চলবে আগামী বছর পর্যন্ত, জানিয়েছেন স্থানীয় প্রকৌশলী। " * 12
        for _ in range(14)) + "\n", encoding="utf-8")
    for name, seed in (("third", "river"), ("fourth", "cricket")):
        (root / "stories" / f"{name}.md").write_text(
            STORY.format(headline=f"The {seed} plan", body=_long(180, seed)),
            encoding="utf-8")
    return root


def outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file()}


def run_cli(*args: str | Path, env: dict[str, str] | None = None,
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "epaper.cli", *map(str, args)],
                          capture_output=True, text=True, env={**SHORT, **(env or {})},
                          timeout=600)


# One line per diagnostic: file:line:col: severity: message (hint) [code].
SHORT = {**os.environ, "EPAPER_DIAGNOSTIC_FORMAT": "short"}


# -- keys -----------------------------------------------------------------------------

def test_digest_is_canonical_and_stable_across_processes(three):
    from epaper.content.edition import load_edition

    ed = load_edition(three)
    here = keys.digest(ed)
    code = ("import sys; from pathlib import Path; from epaper.pipeline import keys; "
            "from epaper.content.edition import load_edition; "
            "print(keys.digest(load_edition(Path(sys.argv[1]))))")
    other = subprocess.run([sys.executable, "-c", code, str(three)], capture_output=True,
                           text=True, env={**os.environ, "PYTHONHASHSEED": "123"}, check=True)
    assert other.stdout.strip() == here
    assert keys.digest({"a": 1, "b": 2}) == keys.digest({"b": 2, "a": 1})
    assert keys.digest((1, 2)) != keys.digest((2, 1))
    assert keys.digest(1) != keys.digest(1.0) != keys.digest("1")


def test_digest_changes_with_one_word_of_one_story(three):
    from epaper.content.edition import load_edition

    before = keys.digest(load_edition(three))
    story = three / "stories" / "third.md"
    story.write_text(story.read_text(encoding="utf-8").replace("Sunday", "Monday"),
                     encoding="utf-8")
    assert keys.digest(load_edition(three)) != before


def test_digest_refuses_what_it_cannot_key():
    with pytest.raises(TypeError):
        keys.digest(object())


# -- the cache ------------------------------------------------------------------------

def test_cache_round_trip_and_corruption(tmp_path):
    cache = Cache(tmp_path / "c")
    cache.put("k", "ab12", b"payload")
    assert cache.get("k", "ab12") == b"payload"
    entry = tmp_path / "c" / "v1" / "k" / "ab" / "ab12"
    data = bytearray(entry.read_bytes())
    data[-1] ^= 0xFF  # one flipped bit in the payload
    entry.write_bytes(bytes(data))
    assert cache.get("k", "ab12") is None
    assert not entry.exists(), "a corrupt entry is removed, not kept"
    cache.put("k", "ab12", b"payload")
    entry.write_bytes(entry.read_bytes()[:HEADER.size + 3])  # cut short
    assert cache.get("k", "ab12") is None
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_bytes(b"not an entry at all")
    assert cache.get("k", "ab12") is None
    assert cache.stats.corrupt == 3


def test_cache_is_bounded_oldest_first(tmp_path):
    cache = Cache(tmp_path / "c", max_bytes=3 * (HEADER.size + 1000))
    for k in range(5):
        cache.put("k", f"{k:04d}", bytes(1000))
        path = tmp_path / "c" / "v1" / "k" / "00" / f"{k:04d}"
        os.utime(path, (1000 + k, 1000 + k))
    cache.get("k", "0000")  # used again: now the newest
    stale = tmp_path / "c" / "v1" / "k" / "00" / ".0009.1.ff.tmp"
    stale.write_bytes(b"half")
    os.utime(stale, (1, 1))
    (tmp_path / "c" / "v0" / "x").mkdir(parents=True)  # another cache format
    cache.trim()
    left = sorted(p.name for p in (tmp_path / "c" / "v1" / "k" / "00").iterdir())
    assert left == ["0000", "0003", "0004"]
    assert not (tmp_path / "c" / "v0").exists()
    # A build trims only when no trim ran for a while: walking a big cache costs time.
    for k in range(5, 8):
        cache.put("k", f"{k:04d}", bytes(1000))
    assert cache.trim(every=600) == 0
    assert len(list((tmp_path / "c" / "v1" / "k" / "00").iterdir())) == 6
    os.utime(tmp_path / "c" / "v1" / ".trimmed", (1, 1))
    assert cache.trim(every=600) == 3 * (HEADER.size + 1000)
    assert len(list((tmp_path / "c" / "v1" / "k" / "00").iterdir())) == 3


# -- incremental rebuilds ---------------------------------------------------------------

def test_second_build_reuses_every_page(three, tmp_path):
    out = tmp_path / "out"
    first = build_edition(three, out, variants=("print", "screen"))
    assert first.run["pages_laid_out"] == [1, 2, 3]
    before = outputs(out)
    again = build_edition(three, out, variants=("print", "screen"))
    assert again.run["pages_laid_out"] == [] and again.run["pages_reused"] == [1, 2, 3]
    assert outputs(out) == before


def test_editing_one_story_lays_out_only_its_page(three, tmp_path):
    out = tmp_path / "out"
    build_edition(three, out)
    story = three / "stories" / "fourth.md"
    story.write_text(story.read_text(encoding="utf-8").replace("Sunday", "Saturday"),
                     encoding="utf-8")
    again = build_edition(three, out)
    assert again.run["pages_laid_out"] == [3]
    assert again.run["pages_reused"] == [1, 2]
    # The edit is in the files, and they are what a build without the cache makes.
    fresh = tmp_path / "fresh"
    build_edition(three, fresh, cache=False)
    assert outputs(out) == outputs(fresh)


def test_a_rebuild_reads_only_the_story_file_that_changed(three, tmp_path, monkeypatch):
    from epaper.content import story as reader
    read: list[str] = []
    real = reader._read

    def counting(path, *args):  # type: ignore[no-untyped-def]
        read.append(Path(path).name)
        return real(path, *args)

    monkeypatch.setattr(reader, "_read", counting)
    out = tmp_path / "out"
    fourth = three / "stories" / "fourth.md"
    # A warning a kept story must still give on every build, not only the first.
    fourth.write_text(fourth.read_text(encoding="utf-8").replace("Sunday", "Sunday \u09be"),
                      encoding="utf-8")
    first = build_edition(three, out)
    assert sorted(read) == ["first.md", "fourth.md", "second.md", "third.md"]
    marks = [d.line for d in first.diagnostics if d.code == "W-lone-mark"]
    assert marks
    read.clear()
    third = three / "stories" / "third.md"
    third.write_text(third.read_text(encoding="utf-8").replace("rains", "monsoon"),
                     encoding="utf-8")
    again = build_edition(three, out)
    assert read == ["third.md"]
    assert [d.line for d in again.diagnostics if d.code == "W-lone-mark"] == marks
    fresh = tmp_path / "fresh"
    build_edition(three, fresh, cache=False)
    assert outputs(out) == outputs(fresh)


def test_a_photo_replaced_under_a_kept_story_is_read_again(three, tmp_path):
    from PIL import Image
    out = tmp_path / "out"
    build_edition(three, out)
    photo = next((three / "photos").iterdir())
    Image.new("RGB", (900, 300), (200, 30, 30)).save(photo, "JPEG", quality=90)
    again = build_edition(three, out)
    fresh = tmp_path / "fresh"
    build_edition(three, fresh, cache=False)
    assert outputs(out) == outputs(fresh)
    assert again.run["pages_laid_out"]  # the new photo's shape is laid out anew


def test_a_rebuild_takes_the_fonts_measurements_from_the_cache(three, tmp_path,
                                                               monkeypatch):
    """A new process need not open a font with fontTools to lay out and draw an edited
    page: what the last build measured of the fonts comes from the cache."""
    from epaper.render import embed, pdf
    from epaper.text import fonts, metrics
    out = tmp_path / "out"
    build_edition(three, out, variants=("print", "screen"))
    third = three / "stories" / "third.md"
    third.write_text(third.read_text(encoding="utf-8").replace("rains", "monsoon"),
                     encoding="utf-8")
    pdf._metrics.cache_clear()  # as in a new process

    def no_fonttools(*_a, **_k):  # type: ignore[no-untyped-def]
        raise AssertionError("a font was opened with fontTools")

    for module in (fonts, metrics):
        monkeypatch.setattr(module, "TTFont", no_fonttools)
    monkeypatch.setattr(embed, "ftsubset", None)  # no subset made: the glyphs are known
    again = build_edition(three, out, variants=("print", "screen"))
    assert again.run["pages_laid_out"] == [2]
    monkeypatch.undo()
    fresh = tmp_path / "fresh"
    build_edition(three, fresh, cache=False, variants=("print", "screen"))
    assert outputs(out) == outputs(fresh)


def test_a_changed_font_is_measured_again(tmp_path):
    from epaper.pipeline.memo import FileFacts
    facts = FileFacts(Cache(tmp_path / "c"))
    font = tmp_path / "f.ttf"
    font.write_bytes(b"one font")
    facts.keep("face", font, "measured")
    assert facts.recall("face", font) == "measured"
    font.write_bytes(b"another font")
    assert facts.recall("face", font) is None


def test_an_epaper_rebuild_rasterises_only_the_pages_that_changed(three, tmp_path,
                                                                 monkeypatch):
    from epaper.web import images
    out = tmp_path / "out"
    build_edition(three, out, preflight=False, epaper=True)
    third = three / "stories" / "third.md"
    third.write_text(third.read_text(encoding="utf-8").replace("rains", "monsoon"),
                     encoding="utf-8")
    drawn: list[str] = []
    real = images.page_images

    def counting(pdf, *args, **kwargs):  # type: ignore[no-untyped-def]
        drawn.append(Path(pdf).name)
        return real(pdf, *args, **kwargs)

    monkeypatch.setattr(images, "page_images", counting)
    again = build_edition(three, out, preflight=False, epaper=True)
    assert again.run["pages_laid_out"] == [2] and drawn == ["02.pdf"]
    fresh = tmp_path / "fresh"
    build_edition(three, fresh, preflight=False, epaper=True, cache=False)
    assert outputs(out / "web") == outputs(fresh / "web")


def test_editing_a_jumping_story_lays_out_the_page_it_jumps_to(three, tmp_path):
    out = tmp_path / "out"
    build_edition(three, out)
    story = three / "stories" / "first.md"
    story.write_text(story.read_text(encoding="utf-8").replace("স্থানীয় প্রকৌশলী",
                                                                "জেলা প্রকৌশলী"),
                     encoding="utf-8")
    again = build_edition(three, out)
    assert again.run["pages_laid_out"] == [1, 3]


def test_json_summary_counts_pages_reused(three, tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", three, "-o", out, "-q").returncode == 0
    story = three / "stories" / "third.md"
    story.write_text(story.read_text(encoding="utf-8").replace("rains", "monsoon"),
                     encoding="utf-8")
    proc = run_cli("build", three, "-o", out, "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)["build"]
    assert summary["pages_laid_out"] == [2] and summary["pages_reused"] == [1, 3]
    assert set(summary["seconds"]) >= {"load", "layout", "files", "total"}


def test_pages_option_lays_out_only_those_pages(three, tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", three, "-o", out, "-q").returncode == 0
    before = outputs(out)
    for name, old, new in (("third", "rains", "monsoon"), ("fourth", "Sunday", "Friday")):
        story = three / "stories" / f"{name}.md"
        story.write_text(story.read_text(encoding="utf-8").replace(old, new),
                         encoding="utf-8")
    proc = run_cli("build", three, "-o", out, "--pages", "2", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    summary = result["build"]
    assert summary["pages_laid_out"] == [2]
    assert summary["pages_kept"] == [3]
    assert any("page 3 is kept as the last build made it" in d["message"]
               and d["code"] == "W-kept-page" for d in result["diagnostics"])
    after = outputs(out)
    assert after["pages/03.pdf"] == before["pages/03.pdf"]  # kept as it was
    assert after["pages/02.pdf"] != before["pages/02.pdf"]  # rebuilt with the edit
    proc = run_cli("build", three, "-o", out, "--pages", "2-x")
    assert proc.returncode == 2 and "page list" in proc.stderr
    proc = run_cli("build", three, "-o", out, "--pages", "9")
    assert proc.returncode == 1 and "no page 9" in proc.stderr


def test_corrupt_cache_entries_are_rebuilt_not_trusted(three, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    build_edition(three, out, cache=cache)
    before = outputs(out)
    for entry in (cache / "v1").rglob("*"):
        if entry.is_file() and entry.name != ".trimmed":  # every entry; not the stamp
            data = bytearray(entry.read_bytes())
            data[len(data) // 2] ^= 0x55
            entry.write_bytes(bytes(data))
    again = build_edition(three, out, cache=cache)
    assert again.run["pages_laid_out"] == [1, 2, 3]
    assert outputs(out) == before


def test_cache_of_another_engine_version_is_not_used(three, tmp_path, monkeypatch):
    out, cache = tmp_path / "out", tmp_path / "cache"
    build_edition(three, out, cache=cache)
    before = outputs(out)
    monkeypatch.setattr(keys, "engine", lambda: "another-engine")
    again = build_edition(three, out, cache=cache)
    assert again.run["pages_laid_out"] == [1, 2, 3]
    assert outputs(out) == before


def test_no_cache_leaves_no_cache_behind(three, tmp_path):
    out = tmp_path / "out"
    build_edition(three, out, cache=False)
    assert not (tmp_path / ".epaper-cache").exists()
    assert not leftovers(tmp_path)


def test_cache_env_variable(three, tmp_path):
    out = tmp_path / "out"
    proc = run_cli("build", three, "-o", out, "-q", env={"EPAPER_CACHE": str(tmp_path / "e")})
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "e" / "v1" / "page").is_dir()
    assert not (tmp_path / ".epaper-cache").exists()


# -- workers --------------------------------------------------------------------------

def test_one_job_and_two_jobs_give_identical_files(three, tmp_path):
    for jobs in ("1", "2"):
        proc = run_cli("build", three, "-o", tmp_path / f"j{jobs}", "-q", "--no-cache",
                       "--variant", "both", "--jobs", jobs)
        assert proc.returncode == 0, proc.stderr
    assert outputs(tmp_path / "j1") == outputs(tmp_path / "j2")


def test_a_worker_that_dies_is_reported_plainly(three, tmp_path):
    proc = run_cli("build", three, "-o", tmp_path / "out", "--jobs", "2",
                   env={"EPAPER_FAULT": "write:01.pdf:die"})
    assert proc.returncode == 1
    assert "a worker process stopped" in proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()
    assert not leftovers(tmp_path)


def test_a_content_error_in_a_worker_is_reported_like_any_other(three, tmp_path):
    # A photo under the hard floor is refused by layout, which runs in a worker.
    from PIL import Image

    Image.new("RGB", (40, 30), (90, 90, 90)).save(three / "photos" / "river.jpg")
    proc = run_cli("build", three, "-o", tmp_path / "out", "--jobs", "2")
    assert proc.returncode == 1
    assert "first.md" in proc.stderr and "below the hard floor" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


# -- faults ---------------------------------------------------------------------------

@pytest.fixture
def built(three, tmp_path) -> tuple[Path, Path, dict[str, bytes]]:
    """The edition built once; then a story changed, so a second build would differ."""
    out = tmp_path / "out"
    assert run_cli("build", three, "-o", out, "-q").returncode == 0
    story = three / "stories" / "third.md"
    story.write_text(story.read_text(encoding="utf-8").replace("rains", "floods"),
                     encoding="utf-8")
    return three, out, outputs(out)


@pytest.mark.parametrize("fault", [
    "phase:load", "phase:layout", "phase:files", "phase:preflight", "phase:publish",
    "publish:edition.pdf", "publish:layout.json", "publish:pages", "publish:report.json",
])
def test_interrupt_at_any_point_keeps_the_old_edition(built, fault):
    edition, out, before = built
    proc = run_cli("build", edition, "-o", out, env={"EPAPER_FAULT": fault + ":interrupt"})
    assert proc.returncode == 128 + signal.SIGTERM, proc.stderr
    assert "interrupted; nothing was written" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert outputs(out) == before
    assert not leftovers(out.parent)
    assert run_cli("build", edition, "-o", out, "-q").returncode == 0  # the next one works
    assert outputs(out) != before


@pytest.mark.parametrize("fault", ["write:03.pdf", "write:layout.json", "publish:pages",
                                   "publish:report.json"])
def test_full_disk_is_said_plainly_and_keeps_the_old_edition(built, fault):
    edition, out, before = built
    proc = run_cli("build", edition, "-o", out, env={"EPAPER_FAULT": fault})
    assert proc.returncode == 1
    line = proc.stderr.strip().splitlines()[-1]
    assert "the disk is full" in line and "previous edition" in line, line
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    assert outputs(out) == before
    assert not leftovers(out.parent)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_real_signal_mid_build_cleans_up(built, sig):
    """The build is stopped by a signal while its workers are laying out pages."""
    edition, out, before = built
    env = {**SHORT, "EPAPER_FAULT": "write:01.pdf:slow"}
    proc = subprocess.Popen([sys.executable, "-m", "epaper.cli", "build", str(edition), "-o",
                             str(out), "--jobs", "2", "--no-cache"], stderr=subprocess.PIPE,
                            text=True, env=env, start_new_session=True)
    deadline = time.time() + 120
    while not list(out.parent.glob(".epaper-build-*/out")) and time.time() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, err
    assert "Traceback" not in err
    assert outputs(out) == before
    assert not leftovers(out.parent)
    time.sleep(0.2)
    children = subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True, text=True)
    assert not children.stdout.strip(), "worker processes outlived the build"


def test_a_stop_signal_whose_exception_is_lost_still_stops_the_build(capfd):
    """CI saw a SIGHUP land in logging's at-fork hook as a worker started: Python drops
    an exception raised there, and the build went on to publish. A stop is kept and acted
    on at the next checkpoint, and the dropped exception prints no traceback."""
    from epaper.pipeline import publish

    class Dropped:
        def __del__(self):  # where a raised exception is dropped, as in an at-fork hook
            os.kill(os.getpid(), signal.SIGHUP)
            for _ in range(1000):  # the handler runs here, inside
                pass

    with publish.stop_on_signals():
        publish.raise_if_stopped()  # nothing yet
        Dropped()
        with pytest.raises(publish.Interrupted) as stopped:
            publish.raise_if_stopped()
    assert stopped.value.signum == signal.SIGHUP
    assert "Traceback" not in capfd.readouterr().err
    assert signal.getsignal(signal.SIGHUP) is not publish._raise  # put back


def _handlers(queue) -> None:
    queue.put([str(signal.getsignal(s)) for s in (signal.SIGINT, signal.SIGTERM,
                                                   signal.SIGHUP)])


def test_a_worker_forked_mid_build_does_not_keep_the_builds_handler():
    """CI's next run saw a worker, forked as the build was stopped, get the build's SIGTERM
    before its own set-up ran: the build's handler raised in its start-up and printed a
    traceback. A forked process starts with the defaults (Ctrl-C is the build's)."""
    import multiprocessing

    from epaper.pipeline import publish

    ctx = multiprocessing.get_context("fork")
    queue = ctx.SimpleQueue()
    with publish.stop_on_signals():
        child = ctx.Process(target=_handlers, args=(queue,))
        child.start()
        child.join(60)
        assert signal.getsignal(signal.SIGTERM) is publish._raise  # the build's own
    assert child.exitcode == 0
    assert queue.get() == [str(signal.SIG_IGN), str(signal.SIG_DFL), str(signal.SIG_DFL)]


def test_a_build_stopped_by_a_lost_signal_writes_nothing(built, monkeypatch):
    from epaper.pipeline import publish

    edition, out, before = built
    real = publish.fault_point

    def lose_a_stop(stage, name):
        if (stage, name) == ("phase", "files"):
            class Dropped:
                def __del__(self):
                    os.kill(os.getpid(), signal.SIGTERM)
                    for _ in range(1000):
                        pass
            Dropped()
        real(stage, name)

    monkeypatch.setattr(publish, "fault_point", lose_a_stop)
    with pytest.raises(publish.Interrupted):
        build_edition(edition, out, jobs=1, cache=False)
    assert outputs(out) == before
    assert not leftovers(out.parent)


def test_stale_staging_and_a_half_done_publish_are_cleaned_up(built):
    edition, out, before = built
    parent = out.parent
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale = parent / ".epaper-build-killed"
    (stale / "out").mkdir(parents=True)
    (stale / "pid").write_text(dead)
    (stale / "out" / "edition.pdf").write_bytes(b"half")
    # A publish killed after moving the old layout.json aside, before the new one went in.
    trash = parent / ".epaper-old-killed"
    trash.mkdir()
    (trash / "pid").write_text(dead)
    os.replace(out / "layout.json", trash / "layout.json")
    (trash / "journal.json").write_text(json.dumps({"out": str(out.resolve()), "moves": [
        {"name": "edition.pdf", "had": True, "new": True, "step": "planned"},
        {"name": "layout.json", "had": True, "new": True, "step": "set aside"}]}))
    # The next build's first step puts the old edition back whole, then builds.
    proc = run_cli("build", edition, "-o", out, "-q", env={"EPAPER_FAULT": "phase:load"})
    assert proc.returncode == 1
    assert outputs(out) == before
    assert not leftovers(parent)


def test_two_builds_at_once_never_mix(three, tmp_path):
    other = tmp_path / "other"
    import shutil

    shutil.copytree(three, other)
    story = other / "stories" / "third.md"
    story.write_text(story.read_text(encoding="utf-8").replace("river", "harbour"),
                     encoding="utf-8")
    refs = {}
    for name, ed in (("a", three), ("b", other)):
        assert run_cli("build", ed, "-o", tmp_path / f"ref-{name}", "-q").returncode == 0
        refs[name] = outputs(tmp_path / f"ref-{name}")
    out = tmp_path / "out"
    procs = [subprocess.Popen([sys.executable, "-m", "epaper.cli", "build", str(ed), "-o",
                               str(out), "--no-cache"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=SHORT)
             for ed in (three, other)]
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert any("waiting for another build" in err for _out, err in results)
    final = outputs(out)
    assert final in (refs["a"], refs["b"])


def test_api_refuses_unknown_options(three, tmp_path):
    with pytest.raises(EpaperError, match="unknown variant"):
        build_edition(three, tmp_path / "out", variants=("proof",))
    with pytest.raises(EpaperError, match="preflight"):
        build_edition(three, tmp_path / "out", preflight="thorough")
    assert ROOT.is_dir()


# -- the desk's loop --------------------------------------------------------------------

def _lines(proc: subprocess.Popen[str]):  # type: ignore[no-untyped-def]
    """The watcher's output lines, read in the background."""
    import queue
    import threading

    lines: queue.Queue[str] = queue.Queue()

    def read(stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            lines.put(line.rstrip("\n"))

    readers = [threading.Thread(target=read, args=(stream,), daemon=True)
               for stream in (proc.stdout, proc.stderr)]
    for reader in readers:
        reader.start()
    lines.readers = readers  # type: ignore[attr-defined]
    return lines


def _until(lines, text: str, seen: list[str], timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
    import queue

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return
    raise AssertionError(f"no {text!r} in:\n" + "\n".join(seen))


def test_watch_rebuilds_on_save_and_survives_a_bad_edit(three, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "epaper.cli", "watch", str(three), "-o",
                             str(out), "--jobs", "1"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=SHORT)
    lines, seen = _lines(proc), []
    try:
        _until(lines, "watching", seen)
        time.sleep(1.5)  # the watcher starts just after it says so
        assert (out / "edition.pdf").is_file()
        good = outputs(out)
        story = three / "stories" / "third.md"
        text = story.read_text(encoding="utf-8")
        story.write_text(text.replace("rains", "floods"), encoding="utf-8")
        _until(lines, "laid out 2;", seen)
        assert any("changed: stories/third.md" in line for line in seen)
        edited = outputs(out)
        assert edited != good
        story.write_text("---\nheadline: [unclosed\n---\nbody\n", encoding="utf-8")
        _until(lines, "[E-yaml]", seen)  # the error, naming the file and line
        assert any(": error: " in line and "third.md:2:" in line for line in seen), seen
        time.sleep(0.5)
        assert outputs(out) == edited  # the last good edition stays
        (three / "stories" / ".third.md.swp").write_text("editor scratch")
        story.write_text(text, encoding="utf-8")
        _until(lines, "built in", seen)
        assert proc.poll() is None, "the watcher stopped"
        assert outputs(out) == good
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        for reader in lines.readers:
            reader.join(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 0
    assert not any(".swp" in line for line in seen)


# -- many editions ----------------------------------------------------------------------

def _three_more(three: Path, tmp_path: Path) -> list[Path]:
    import shutil

    other = tmp_path / "edition-b"
    shutil.copytree(three, other)
    story = other / "stories" / "fourth.md"
    story.write_text(story.read_text(encoding="utf-8").replace("cricket", "football"),
                     encoding="utf-8")
    broken = tmp_path / "edition-c"
    shutil.copytree(three, broken)
    (broken / "stories" / "second.md").unlink()
    return [three, other, broken]


def test_build_many_builds_each_and_a_failing_edition_fails_alone(three, tmp_path):
    editions = _three_more(three, tmp_path)
    root = tmp_path / "root"
    proc = run_cli("build-many", *editions, "-o", root, "--jobs", "2")
    assert proc.returncode == 1
    assert "edition-c" in proc.stderr and "second.md" in proc.stderr
    assert "1 of 3 edition(s) failed" in proc.stderr
    for ed in editions[:2]:
        assert (root / ed.name / "edition.pdf").is_file()
    assert not (root / "edition-c").exists()
    assert (root / ".epaper-cache" / "v1").is_dir()  # one cache for all
    for ed in editions[:2]:
        single = tmp_path / f"single-{ed.name}"
        assert run_cli("build", ed, "-o", single, "-q", "--no-cache").returncode == 0
        assert outputs(root / ed.name) == outputs(single)


def test_build_many_on_a_dask_cluster_gives_the_same_files(three, tmp_path):
    """The same tasks on a Dask LocalCluster (its own processes, loading the editions
    themselves) make the same files as a build here. Run in a process of its own: a
    cluster's event loop and another test's leftovers (a browser's) do not mix."""
    pytest.importorskip("distributed")
    editions = _three_more(three, tmp_path)
    script = textwrap.dedent("""
        import json, sys
        from pathlib import Path
        import distributed
        from epaper.many import build_many

        if __name__ == "__main__":
            editions, root = [Path(p) for p in sys.argv[2:]], Path(sys.argv[1])
            with distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                          processes=True, dashboard_address=None) as cluster, \\
                    distributed.Client(cluster) as client:
                outcomes = build_many(editions, root, client=client,
                                      variants=("print", "screen"))
            print(json.dumps([[o.ok, o.error] for o in outcomes]))
        """)
    (tmp_path / "cluster.py").write_text(script, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(tmp_path / "cluster.py"), str(tmp_path / "dask"),
                           *map(str, editions)], capture_output=True, text=True, timeout=600,
                          env=SHORT, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    outcomes = json.loads(proc.stdout.strip().splitlines()[-1])
    assert [ok for ok, _e in outcomes] == [True, True, False]
    assert "second.md" in outcomes[2][1]
    for ed in editions[:2]:
        local = tmp_path / f"local-{ed.name}"
        build_edition(ed, local, variants=("print", "screen"), cache=False)
        assert outputs(tmp_path / "dask" / ed.name) == outputs(local)
