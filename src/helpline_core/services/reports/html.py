"""The report as one self-contained, printable HTML page: the protected table, charts drawn by
pygal into inline SVG (no script, font or image from elsewhere), and a short method note.
Charts use only published margins of the same protected table, so they hide what it hides."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pygal
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pygal.style import Style

from helpline_core.services.reports.render import pivot, value_label
from helpline_core.services.reports.service import Report
from helpline_core.services.reports.suppression import ProtectedTable
from helpline_core.services.reports.tables import DIMENSIONS, PERIOD, TOTAL

_TEMPLATES = Path(__file__).parent / "templates"
_STYLE = Style(
    font_family="sans-serif",
    background="white",
    plot_background="white",
    colors=("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#404040"),
)


def _margin(table: ProtectedTable, wanted: dict[str, str]) -> int | None:
    """A published margin: the given dimensions at the given values, the others at the total."""
    key = tuple(wanted.get(name, TOTAL) for name in table.table.dims)
    return table.published(key)


def _values(table: ProtectedTable, dimension: str) -> tuple[str, ...]:
    return table.table.values[table.table.dims.index(dimension)]


def _svg(chart: pygal.graph.graph.Graph) -> Markup:
    """The chart as inline SVG without pygal's configuration script: the page runs no script."""
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if str(child.tag).rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    text = ElementTree.tostring(tree, encoding="unicode")
    return Markup(text)  # noqa: S704  serialised by ElementTree, which escapes every label


def _chart(kind: type[pygal.graph.graph.Graph], title: str) -> pygal.graph.graph.Graph:
    return kind(
        title=title,
        style=_STYLE,
        js=[],  # pygal links a tooltip script from the web by default: never here
        disable_xml_declaration=True,
        width=800,
        height=360,
        legend_at_bottom=True,
        print_values=False,
        show_y_guides=True,
    )


def charts(report: Report, language: str) -> list[tuple[str, Markup]]:
    """The charts the table's dimensions allow: per period by channel, forms of violence, age
    groups. A suppressed margin is left out of its chart (a gap), never estimated."""
    tables = (report.table, *report.companions)
    found: list[tuple[str, Markup]] = []
    main = report.table
    if PERIOD in main.table.dims and "channel" in main.table.dims:
        chart = _chart(pygal.StackedBar, DIMENSIONS["channel"].label(language))
        periods = _values(main, PERIOD)
        chart.x_labels = list(periods)
        for channel in _values(main, "channel"):
            series = [_margin(main, {PERIOD: p, "channel": channel}) for p in periods]
            if any(series):
                chart.add(value_label(report, "channel", channel, language), series)
        found.append(("channel", _svg(chart)))
    for dimension in ("form", "subform", "age"):
        table = next((t for t in tables if dimension in t.table.dims), None)
        if table is None:
            continue
        chart = _chart(pygal.HorizontalBar, DIMENSIONS[dimension].label(language))
        for value in reversed(_values(table, dimension)):
            count = _margin(table, {dimension: value})
            if count:
                chart.add(value_label(report, dimension, value, language), count)
        found.append((dimension, _svg(chart)))
    return found


def to_html(report: Report, language: str = "nl") -> str:
    """The whole page as one string; every value from the data is escaped by Jinja2."""
    environment = Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    template = environment.get_template("report.html.j2")
    table = report.table
    drawn = charts(report, language)
    return template.render(
        report=report,
        nl=language == "nl",
        language=language,
        pivot=pivot(report, language),
        charts=drawn,
        missing_charts=[
            DIMENSIONS[name].label(language)
            for name in ("channel", "form", "age")
            if name not in {chart for chart, _svg in drawn}
        ],
        measure=report.request.measure,
        min_cell=table.min_cell,
        percent=table.protection_percent,
        method=table.method.upper(),
        suppressed=table.suppressed(),
        dims=[DIMENSIONS[d].label(language) for d in table.table.dims],
        team_name=lambda code: value_label(report, "team", code, language),
    )
