"""libyaml reads YAML for speed; what it reads must be exactly what PyYAML reads."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import ROOT

from epaper import yamlio
from epaper.errors import EpaperError

pytestmark = pytest.mark.skipif(yamlio.CParser is None, reason="PyYAML without libyaml")


def _read(text: str, strict: bool, fast: bool, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setattr(yamlio, "CParser", yamlio.CParser if fast else None)
    try:
        got = yamlio.load_yaml(text, Path("x.yaml"), EpaperError, strict=strict)
    except EpaperError as exc:
        return ("error", str(exc))
    spans = lambda d: sorted(((k, (int(v), v.col, v.end)) for k, v in d.items()), key=repr)  # noqa: E731
    return (repr(got.data), spans(got.lines), spans(got.keys), sorted(got.written.items(),
                                                                      key=repr))


def _both(text: str, strict: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    fast = _read(text, strict, True, monkeypatch)
    return fast, _read(text, strict, False, monkeypatch)


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT).as_posix() for p in
                                        [*ROOT.glob("layouts/*.yaml"),
                                         *ROOT.glob("fonts/*.yaml"),
                                         *ROOT.glob("samples/*.yaml")]))
def test_shipped_files_read_alike(path, monkeypatch):
    text = (ROOT / path).read_text(encoding="utf-8")
    fast, slow = _both(text, path.startswith("samples"), monkeypatch)
    assert fast == slow
    assert fast[0] != "error"


# Each of these was seen to differ between the two readers, or is an error a desk meets.
TRICKY = [
    "a:\tb\n", "f: |#\n  x\n", "[a\n...?]\n", "- \n", "a: b", "x:\n  - 1\n  - 2",
    "a: &x 1\nb: *x\n", "a: !!str 5\n", "<<: {a: 1}\n", "a: 1\na: 2\n", "a: b: c\n",
    "date: 2026-13-45\n", "k: 'unclosed\n", "k: [1, 2\n", "ক: খ  # মন্তব্য\n",
    "volume: 08\nlang: bn\n", "? complex\n: v\n", "%YAML 1.1\n---\na: 1\n", "a: \x00\n",
]


@pytest.mark.parametrize("text", TRICKY)
@pytest.mark.parametrize("strict", [False, True])
def test_tricky_texts_read_alike(text, strict, monkeypatch):
    fast, slow = _both(text, strict, monkeypatch)
    assert fast == slow


def test_random_texts_read_alike(monkeypatch):
    rng = random.Random(5)
    toks = ["a", ":", ": ", " ", "\n", "  ", "- ", "[", "]", "{", "}", ",", "'", '"', "#",
            "&x ", "*x", "!!str ", "?", "|", ">", "ক", "1", "---", "...", "\\", "%",
            "\n  - ", "\nk: ", "\t", "<<: "]
    for _ in range(3000):
        text = "".join(rng.choice(toks) for _ in range(rng.randint(1, 14)))
        text += "\n" if rng.random() < 0.7 else ""
        strict = rng.random() < 0.5
        fast, slow = _both(text, strict, monkeypatch)
        assert fast == slow, repr(text)
