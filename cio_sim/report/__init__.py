"""The report of a batch, sweep or comparison: ``report.md`` and a self-contained
``report.html`` that opens with what the results say and how sure, then the tables, the
figures that apply and where every number comes from::

    from cio_sim import comparison
    from cio_sim.report import format_summary_table, write_report
    print(format_summary_table(comparison.summary_table(result.runs)))
    write_report(result, "results/quickstart")      # -> results/quickstart/report.html

Sections are added with :func:`add_section` (see :mod:`cio_sim.report.document`)."""

from .document import SECTIONS, ReportContext, Section, add_section, write_report
from .html import markdown_to_html, write_html
from .readings import readings_section, readings_verdict
from .tables import (
    REPORT_METRICS,
    compliance_caveat,
    difference_side,
    difference_word,
    format_cell,
    format_number,
    format_paired_cell,
    format_paired_table,
    format_summary_table,
    headline_markdown,
)

add_section("readings", readings_section, after="material")
add_section("readings_verdict", readings_verdict, after="verdict")

__all__ = [
    "REPORT_METRICS", "SECTIONS", "ReportContext", "Section", "add_section",
    "compliance_caveat", "difference_side", "difference_word", "format_cell", "format_number",
    "format_paired_cell", "format_paired_table", "format_summary_table", "headline_markdown",
    "markdown_to_html", "write_html", "write_report",
]
