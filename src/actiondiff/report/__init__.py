"""The comparison for people: HTML sections, a self-contained report, SVG plots and keyframes."""

from actiondiff.report.html import render_report, render_sections, theme_css, write_report
from actiondiff.report.plots import curve_panels, timeline_svg

__all__ = ["curve_panels", "render_report", "render_sections", "theme_css", "timeline_svg", "write_report"]
