"""Charts come in a wide and a phone version, each accessible on its own."""

import re

from statistik.calc import Cell
from statistik.charts import bar_chart, line_chart, responsive


def test_a_responsive_chart_has_a_wide_and_a_narrow_svg_with_their_own_ids():
    svg = responsive(line_chart, "series", "Title", "Summary", ["2011", "2012"], [("Botkyrka", [10.0, 12.0])])
    assert svg.count("<svg") == 2
    assert '<div class="kis-chart-wide"><svg class="kis-chart" viewBox="0 0 760 ' in svg
    assert '<svg class="kis-chart-narrow" viewBox="0 0 400 ' in svg
    ids = re.findall(r'id="([^"]+)"', svg)
    assert len(ids) == len(set(ids)) and "series-narrow-title" in ids


def test_many_periods_are_labelled_sparsely_on_a_phone_but_the_last_is_always_labelled():
    labels = [str(year) for year in range(1990, 2015)]
    svg = line_chart("s", "T", "S", labels, [("A", [float(n) for n in range(25)])], width=400)
    shown = [label for label in labels if f">{label}</text>" in svg]
    assert 3 < len(shown) < 12 and shown[-1] == "2014"


def test_the_narrow_bar_chart_still_names_suppressed_and_missing():
    svg = bar_chart("c", "T", "S", [("Botkyrka", Cell(None, True)), ("Salem", Cell(None))], width=400)
    assert "&lt;5 (undertryckt)" in svg and "– (saknas)" in svg
