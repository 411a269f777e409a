"""Finish a screen PDF for the e-paper: object streams and the strongest Flate.

pikepdf (qpdf) rewrites the file ReportLab wrote (print files are finished as they are
written, writer.py). Saving with deterministic IDs keeps rebuilds byte-identical.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from epaper.lazy import lazy

if TYPE_CHECKING:
    import pikepdf
else:
    pikepdf = lazy("pikepdf")


def finish_screen(data: bytes) -> bytes:
    """The e-paper file: object streams and the strongest Flate, as PDF/X does not bind
    it. Its words cost the same bytes as in print, so this is where it gets lighter."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pikepdf.settings.set_flate_compression_level(9)
        try:
            pdf.save(out, deterministic_id=True, compress_streams=True, recompress_flate=True,
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)
        finally:
            pikepdf.settings.set_flate_compression_level(-1)
        return out.getvalue()
