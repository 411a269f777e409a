"""Benchmark: words composed per second, with and without the shaping cache.

    python bench/compose.py [EDITION_DIR] [--repeat N]

Composes every body paragraph of the edition (default: samples/) at the broadsheet
body measure, the way the layout does (tokenize, shape, hyphenate, total-fit), then the
whole layout of the edition, and prints the numbers. Targets (issue 3): text of a
16-page broadsheet composes in well under a second per page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from epaper.build import layout, load  # noqa: E402
from epaper.layout.typeset import font_for  # noqa: E402
from epaper.text.paragraph import set_words  # noqa: E402
from epaper.text.shape import Shaped, Shaper  # noqa: E402
from epaper.text.words import WordMaker, fragments, tokenize  # noqa: E402

MM = 72 / 25.4


class UncachedShaper(Shaper):
    """Shapes every request afresh: what composing costs without the cache."""

    def shape(self, key: str, text: str, script: str = "") -> Shaped:
        self.misses += 1
        return self._shape(self._fonts[key], text, script)


class UncachedMaker(WordMaker):
    def word(self, pieces, font):  # type: ignore[no-untyped-def]
        return self._make(pieces, font)


def compose_all(loaded, maker: WordMaker, width: float) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    body = loaded.templates.style("body")
    words = 0
    start = time.perf_counter()
    for story in loaded.edition.stories:
        font = font_for(body, story.lang)
        for block in story.blocks:
            tokens = tokenize(block.spans)
            frags, _ = fragments(maker, tokens, font, width, body.indent, body.hyphenate)
            set_words(maker, font, frags, width, align=body.align, indent=body.indent)
            words += len(tokens)
    return words, time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("edition", nargs="?", default=str(ROOT / "samples"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    loaded = load(args.edition)
    page = loaded.templates.pages[0]
    width = page.column_width
    print(f"edition {args.edition}: {len(loaded.edition.pages)} pages, "
          f"{len(loaded.edition.stories)} stories; body measure {width / MM:.1f} mm")
    for name, make in (("no cache", lambda: UncachedMaker(loaded.fonts, UncachedShaper())),
                       ("cold cache", lambda: WordMaker(loaded.fonts)),
                       ("warm cache", None)):
        times = []
        words = 0
        warm = WordMaker(loaded.fonts)
        if make is None:
            compose_all(loaded, warm, width)  # fill the cache once
        for _ in range(args.repeat):
            maker = make() if make is not None else warm
            words, secs = compose_all(loaded, maker, width)
            times.append(secs)
        best = min(times)
        print(f"  {name:10s}: {words} words in {best * 1000:7.1f} ms  "
              f"-> {words / best:10,.0f} words/s (median {statistics.median(times) * 1000:.1f} ms)")
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        frames, _log = layout(loaded)
        times.append(time.perf_counter() - start)
    pages = len(frames)
    print(f"  whole layout (fresh cache): {min(times):.2f} s for {pages} pages "
          f"= {min(times) / pages * 1000:.0f} ms per page")


if __name__ == "__main__":
    main()
