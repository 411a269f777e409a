"""Justification quality: word-space ratios of justified body lines, first-fit against
total-fit, with and without the template's hyphenation, at each shipped template set's
body measure.

    python bench/justify.py [EDITION_DIR]

The ratio is the word space as set over the natural space (1.0 = natural); lines that
end a paragraph are left out, as are lines with no word space to stretch. Issue 3 asks
for p95 <= 1.6 and max <= 2.2.

It also prints what no line breaker can beat with the same break opportunities, when
only word spaces may stretch: per paragraph, the fewest justified lines that must be
looser than 1.6 and the least possible worst line, found by dynamic programming over
every way to break it (any number of hyphens in a row; a word alone on a justified line
is not allowed, as it would only hide the gap at its end).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import epaper.text.paragraph as paragraph  # noqa: E402
from epaper.build import load  # noqa: E402
from epaper.layout.typeset import font_for  # noqa: E402
from epaper.templates.loader import load_template_set  # noqa: E402
from epaper.text.linebreak import SHRINK, Item, _Paragraph, first_fit, total_fit  # noqa: E402
from epaper.text.words import WordMaker, fragments, tokenize  # noqa: E402

MM = 72 / 25.4


def paragraphs(loaded, body, width: float, langs: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """Every body paragraph of the edition as line-breaking pieces at `width`, with the
    WordMaker and font that set them."""
    maker = WordMaker(loaded.fonts)
    for story in loaded.edition.stories:
        font = font_for(body, story.lang)
        for block in story.blocks:
            if block.kind == "para":
                frags, _ = fragments(maker, tokenize(block.spans), font, width, body.indent,
                                     langs)
                yield maker, font, frags


def ratios(loaded, body, width: float, langs: tuple[str, ...]) -> tuple[list[float], int]:  # type: ignore[no-untyped-def]
    """Word-space ratios of the justified lines, and how many lines hold one word alone
    (flush left, a hole after it: no space to measure, so not among the ratios)."""
    out: list[float] = []
    lone = 0
    for maker, font, frags in paragraphs(loaded, body, width, langs):
        for line in paragraph.set_words(maker, font, frags, width, align="justify",
                                        indent=body.indent):
            if line.last:
                continue
            if any(not w.word.joined for w in line.words[:-1]):
                out.append(line.ratio)
            elif not line.hyphenated and not line.words[-1].word.joined:
                lone += 1
    return sorted(out), lone


def bounds(items: list[Item], space: float, width: float, indent: float,
           limit: float) -> tuple[int, float]:
    """The fewest justified lines looser than `limit`, and the least possible ratio of the
    loosest line, over every way to break `items` (shrinking no further than SHRINK)."""
    para = _Paragraph(items, space, lambda k: width - (indent if k == 0 else 0.0))
    n = para.n
    inf = float("inf")
    fewest = [0] + [n + 1] * n
    least = [0.0] + [inf] * n
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            boxes, spaces, _ = para.measure(i, j)
            measure = width - (indent if i == 0 else 0.0)
            if boxes + spaces * space * (1 - SHRINK) > measure + 1e-6 and i < j - 1:
                break
            if j == n:
                ratio = 1.0
            elif spaces == 0:
                ratio = 1.0 if boxes >= measure - 1e-6 else inf
            else:
                ratio = para.ratio(i, j)
            fewest[j] = min(fewest[j], fewest[i] + (ratio > limit))
            least[j] = min(least[j], max(least[i], ratio))
    return fewest[n], least[n]


def limits(loaded, body, width: float, langs: tuple[str, ...]) -> str:  # type: ignore[no-untyped-def]
    must = paras = over = 0
    for maker, font, frags in paragraphs(loaded, body, width, langs):
        fewest, least = bounds([f.item() for f in frags], maker.space(font), width,
                               body.indent, 1.6)
        must += fewest
        paras += 1
        over += least > 2.2
    return (f"at least {must} lines must pass 1.6 whatever the line breaker; "
            f"{over} of {paras} paragraphs cannot keep every line <= 2.2")


def summary(found: tuple[list[float], int]) -> str:
    r, lone = found
    n = len(r)
    return (f"n={n:5d}  p50={r[n // 2]:.2f}  p95={r[int(n * 0.95)]:.2f}  max={r[-1]:.2f}  "
            f">1.6: {sum(x > 1.6 for x in r) / n:5.1%}  >2.2: {sum(x > 2.2 for x in r) / n:5.1%}"
            f"  lone words: {lone}")


def main() -> None:
    edition = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "samples")
    loaded = load(edition)
    for name in ("broadsheet", "tabloid"):
        tset = load_template_set(ROOT / "layouts" / f"{name}.yaml")
        body = tset.style("body")
        width = tset.pages[0].column_width
        print(f"{name}: body {body.size:g}pt in {width / MM:.1f} mm columns "
              f"(hyphenate: {', '.join(body.hyphenate) or 'none'})")
        for label, breaker, langs in (
                ("first-fit", lambda items, space, lw, **_options:
                 first_fit(items, space, lw), ()),
                ("total-fit", total_fit, ()),
                ("total-fit + hyphenation", total_fit, body.hyphenate or ("en",))):
            paragraph.total_fit = breaker  # type: ignore[assignment]
            print(f"  {label:24s} {summary(ratios(loaded, body, width, langs))}")
            if breaker is total_fit:
                print(f"  {'':24s} {limits(loaded, body, width, langs)}")
        paragraph.total_fit = total_fit  # type: ignore[assignment]


if __name__ == "__main__":
    main()
