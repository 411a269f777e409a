"""Renderers: PageFrames into PDF (ReportLab) and images; they never reach back into layout."""
