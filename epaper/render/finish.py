"""Finish a print PDF for the press: OutputIntent, PDF/X-1a keys, overprint states.

ReportLab has no API for output intents; pikepdf (qpdf) edits the finished file. Saving
with deterministic IDs keeps rebuilds byte-identical.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pikepdf

from epaper.render.pdf import OVERPRINT_GS

PDFX_VERSION = "PDF/X-1a:2003"


def _pdf_date(day: dt.date) -> str:
    return f"D:{day:%Y%m%d}000000Z"


def finish_print(data: bytes, *, profile: Path | None, profile_name: str, day: dt.date
                 ) -> bytes:
    """The print file the press gets: every claim here is checked again by preflight."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        op = pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, OP=True, op=True, OPM=1)
        knockout = pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, OP=False, op=False)
        for page in pdf.pages:
            if pikepdf.Name.Resources not in page.obj:
                page.obj[pikepdf.Name.Resources] = pikepdf.Dictionary()
            res = page.obj[pikepdf.Name.Resources]
            if pikepdf.Name.ExtGState not in res:
                res[pikepdf.Name.ExtGState] = pikepdf.Dictionary()
            states = res[pikepdf.Name.ExtGState]
            states[pikepdf.Name("/" + OVERPRINT_GS)] = op
            states[pikepdf.Name.EPknockout] = knockout
        if profile is not None:
            icc = pikepdf.Stream(pdf, profile.read_bytes())
            icc[pikepdf.Name.N] = 4
            intent = pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
                OutputConditionIdentifier=profile_name, OutputCondition=profile_name,
                Info=profile_name, RegistryName="http://www.color.org",
                DestOutputProfile=pdf.make_indirect(icc))
            pdf.Root.OutputIntents = pikepdf.Array([intent])
            pdf.docinfo[pikepdf.Name.GTS_PDFXVersion] = PDFX_VERSION
            pdf.docinfo[pikepdf.Name.GTS_PDFXConformance] = PDFX_VERSION
        pdf.docinfo[pikepdf.Name.Trapped] = pikepdf.Name("/False")
        pdf.docinfo[pikepdf.Name.CreationDate] = _pdf_date(day)
        pdf.docinfo[pikepdf.Name.ModDate] = _pdf_date(day)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable,
                 min_version="1.4", force_version="1.4")
        return out.getvalue()


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
