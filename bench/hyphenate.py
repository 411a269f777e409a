"""Benchmark: Bengali hyphenation points per word, cold and from the per-word cache.

    python bench/hyphenate.py [EDITION_DIR] [--repeat N]

Reads every story of the edition (default: samples/), takes each distinct Bengali word,
and times hyphenate.points() on all of them with the cache emptied (what an edition's
first layout pays) and again from the cache (what every later width the layout tries
pays). Also counts the points by kind. CPU time, so that other processes on a shared
machine weigh less; still indicative only. Target (issue 12): the cold pass over an
edition's vocabulary costs a small part of its layout (1.7 s for the 16-page sample).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from epaper.text import hyphenate  # noqa: E402

WORD = re.compile("[\u0980-\u09e5\u09f0-\u09ff\u200c\u200d]+")


def vocabulary(edition: Path) -> list[str]:
    words: set[str] = set()
    for story in sorted((edition / "stories").glob("*.md")):
        words |= set(WORD.findall(unicodedata.normalize("NFC", story.read_text("utf-8"))))
    return sorted(words)


def timed(words: list[str], cold: bool) -> float:
    if cold:
        hyphenate._points.cache_clear()
        hyphenate.bengali_breaks.cache_clear()
    start = time.process_time()
    for word in words:
        hyphenate.points(word, ("en", "bn"))
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("edition", nargs="?", type=Path, default=ROOT / "samples")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    words = vocabulary(args.edition)
    cold = [timed(words, cold=True) for _ in range(args.repeat)]
    warm = [timed(words, cold=False) for _ in range(args.repeat)]
    kinds = Counter(kind for w in words for _, kind in hyphenate.bengali_breaks(w))
    broken = sum(1 for w in words if hyphenate.bengali_breaks(w))
    print(f"{len(words)} distinct Bengali words in {args.edition}")
    print(f"cold: {statistics.median(cold) * 1e3:.1f} ms CPU "
          f"({statistics.median(cold) / len(words) * 1e6:.1f} µs a word)")
    print(f"from the cache: {statistics.median(warm) * 1e3:.2f} ms CPU "
          f"({statistics.median(warm) / len(words) * 1e6:.2f} µs a word)")
    print(f"{broken} words may break: {kinds[hyphenate.MORPHEME]} points between morphemes, "
          f"{kinds[hyphenate.SYLLABLE]} between syllables")


if __name__ == "__main__":
    main()
