"""Regenerate the golden shaping files: `python tests/shaping/regen.py`.

Shapes every case of bengali.txt with every shipped Bengali face and writes
tests/shaping/<font-stem>.golden. Run it after adding a case, or after a deliberate
HarfBuzz or font upgrade, and read the diff: every changed line is a change in what
readers see.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder is on sys.path but the project root may not be.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from golden import (  # noqa: E402
    bengali_faces,
    format_line,
    glyph_order,
    golden_path,
    header,
    load_cases,
    shaper_for,
)


def main() -> int:
    cases = load_cases()
    faces = bengali_faces()
    shaper = shaper_for(faces)
    for face in faces:
        names = glyph_order(face)
        lines = [format_line(c, shaper.shape(face.key, c.text), names) for c in cases]
        path = golden_path(face)
        path.write_text(header(face) + "\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {path}: {len(lines)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
