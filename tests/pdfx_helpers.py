"""Test helpers: make a foreign print PDF claim PDF/X-1a, as a press file would.

The build writes its own files (epaper/render/writer.py); preflight tests make files with
a plain ReportLab canvas or pikepdf and finish them here, so that only the fault a test
adds is wrong.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pikepdf
from reportlab.pdfbase import pdfmetrics

from epaper.render.pdf import OVERPRINT_GS

PDFX_VERSION = "PDF/X-1a:2003"


class _NoInitialFont:
    """A placeholder 'dynamic' font: with it the canvas writes no initial Helvetica."""

    fontName = "epaper-no-initial-font"
    _dynamicFont = 1
    _multiByte = 0

    class face:  # noqa: N801 - the attribute ReportLab's registry reads
        name = b"epaper-no-initial-font"


def no_initial_font() -> str:
    try:
        pdfmetrics.getFont(_NoInitialFont.fontName)
    except KeyError:
        pdfmetrics.registerFont(_NoInitialFont())
    return _NoInitialFont.fontName


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


