"""The statistics charts (server-rendered SVG) can be read without seeing them and without telling colours apart.

Every chart on every dashboard: role="img" with an accessible name, a one-sentence summary that is
also on the page as text, a data table right after it; every series told apart by more than colour
(marker shape, line pattern, its name written at its end; bars carry their figure as text); and every
text in the chart at least 4.5:1 against the white background, faded series included.
"""

import datetime
import html
import re

import pytest
from django.urls import reverse
from lxml import etree
from lxml import html as lxml_html

SVG = "{http://www.w3.org/2000/svg}"
MARKER_TAGS = {f"{SVG}circle", f"{SVG}rect", f"{SVG}polygon", f"{SVG}path"}


@pytest.fixture
def demo(municipalities):
    from intro_sodertorn.demo import demo_load

    demo_load()


def _dashboard_pages():
    from natverk.models import Municipality
    from statistik.models import Indicator

    botkyrka = Municipality.objects.get(code="0127")
    yield reverse("statistik:dashboard")
    last_year = datetime.date.today().year - 1  # the demo's years end last year
    yield reverse("statistik:dashboard") + f"?fran={last_year - 3}&till={last_year}&kon=K"
    yield reverse("statistik:dashboard_municipality", args=[botkyrka.pk])
    for indicator in Indicator.objects.filter(is_key=True).order_by("pk"):
        yield reverse("statistik:dashboard_indicator", args=[indicator.code])


def _charts(page):
    """(svg element, the page's HTML after the chart) for every chart on the page."""
    for match in re.finditer(r'<svg class="kis-chart".*?</svg>', page, flags=re.S):
        yield etree.fromstring(match.group(0)), page[match.end() :]


def _luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _on_white(colour, opacity):
    """The colour a text of ``colour`` drawn at ``opacity`` gets on white."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    blended = [round(c * opacity + 255 * (1 - opacity)) for c in channels]
    return "#" + "".join(f"{c:02x}" for c in blended)


def _contrast_on_white(colour):
    return 1.05 / (_luminance(colour) + 0.05)


def _opacity(element):
    opacity = 1.0
    while element is not None:
        opacity *= float(element.get("opacity", "1"))
        element = element.getparent()
    return opacity


def _shape(marker):
    """What a marker looks like without its colour: its kind of shape, open or filled."""
    kind = marker.tag.removeprefix(SVG)
    if kind == "polygon":
        kind += str(len(marker.get("points").split()))  # triangle or diamond
    elif kind == "path":
        kind = "plus" if "H" in marker.get("d") else "x"
    return kind, marker.get("fill") == "white"


def _text_without_charts(page):
    return html.unescape(re.sub(r"<svg.*?</svg>", " ", page, flags=re.S))


def test_every_chart_has_a_name_a_one_sentence_summary_a_table_and_more_than_colour(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="introchef-botkyrka"))
    problems, seen = [], 0
    for url in _dashboard_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        visible_text = _text_without_charts(page)
        for svg, after in _charts(page):
            seen += 1
            where = f"{url} chart {svg.get('aria-labelledby')}"
            if svg.get("role") != "img":
                problems.append(f"{where}: role is not img")
            ids = (svg.get("aria-labelledby") or "").split()
            title = svg.find(f"{SVG}title")
            desc = svg.find(f"{SVG}desc")
            if title is None or not (title.text or "").strip() or title.get("id") not in ids:
                problems.append(f"{where}: no accessible name from a <title>")
            summary = (desc.text or "").strip() if desc is not None else ""
            if not summary or desc.get("id") not in ids:
                problems.append(f"{where}: no summary in <desc>")
            elif len(re.findall(r"[.!?](\s|$)", summary)) != 1:
                problems.append(f"{where}: the summary is not one sentence: {summary!r}")
            elif summary not in visible_text:
                problems.append(f"{where}: the summary is not written on the page for sighted readers")

            # A data table follows the chart, before the next chart.
            following = after.split('<svg class="kis-chart"', 1)[0]
            table_match = re.search(r"<table.*?</table>", following, flags=re.S)
            if not table_match:
                problems.append(f"{where}: no data table after the chart")
            else:
                table = lxml_html.fragment_fromstring(table_match.group(0))
                named = table.find("caption") is not None or table.get("aria-label")
                if not named or not table.xpath(".//th[@scope='col']"):
                    problems.append(f"{where}: the data table has no caption or column headers")

            # More than colour: every line series has its own marker and line pattern and its name as text.
            groups = [group for group in svg.iter(f"{SVG}g") if group.find(f"{SVG}path") is not None]
            signatures = []
            for group in groups:
                line = group.find(f"{SVG}path")
                markers = [child for child in group if child.tag in MARKER_TAGS and child is not line]
                marker = _shape(markers[0]) if markers else None
                signatures.append((marker, line.get("stroke-dasharray", "")))
                label = group.find(f"{SVG}text")
                if label is None and (group.getnext() is None or group.getnext().tag != f"{SVG}text"):
                    problems.append(f"{where}: a series without its name written out")
            if len(set(signatures)) != len(signatures):
                problems.append(f"{where}: two series differ only in colour: {signatures}")
            # Bars: every bar has its figure beside it as text.
            bars = [rect for rect in svg.iter(f"{SVG}rect") if rect.get("height") and not rect.get("stroke")]
            texts = list(svg.iter(f"{SVG}text"))
            if bars and len(texts) < 2 * len(bars):
                problems.append(f"{where}: bars without their figure as text")

            for text in texts:
                colour = text.get("fill", "#000000")
                if not colour.startswith("#") or len(colour) != 7:
                    continue
                ratio = _contrast_on_white(_on_white(colour, _opacity(text)))
                if ratio < 4.5:
                    problems.append(f"{where}: text {text.text!r} has contrast {ratio:.2f}:1")
    assert seen >= 5, "the dashboards showed fewer charts than expected"
    assert not problems, "\n".join(problems)


def test_the_names_of_faded_series_keep_their_contrast_when_one_series_is_highlighted(db):
    from statistik.charts import line_chart

    series = [(f"Kommun {number}", [float(number), float(number + 1)]) for number in range(10)]
    svg = etree.fromstring(str(line_chart("t", "Titel", "En mening.", ["2011", "2012"], series, highlight="Kommun 3")))
    low = []
    for text in svg.iter(f"{SVG}text"):
        colour = text.get("fill", "#000000")
        if colour.startswith("#") and len(colour) == 7:
            ratio = _contrast_on_white(_on_white(colour, _opacity(text)))
            if ratio < 4.5:
                low.append(f"{text.text}: {ratio:.2f}:1")
    assert not low, low
