"""Server-rendered, accessible SVG charts: role="img", a <title>, a one-sentence summary.

Colour is never the only signal: every series has its own marker shape and line pattern and is
labelled at its end; bars carry their figure as text; suppressed and missing are written out.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

# Paul Tol's colour-blind safe palette, dark enough for contrast on white.
COLOURS = ["#332288", "#117733", "#882255", "#1f5f8b", "#8a6d00", "#aa4499", "#225555", "#994455", "#555555", "#663333"]
MARKERS = [
    "circle",
    "square",
    "triangle",
    "diamond",
    "cross",
    "circle-open",
    "square-open",
    "triangle-open",
    "plus",
    "x",
]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "", "6 3", "2 3", "8 3 2 3", "", "6 3"]


def _marker(shape, x, y, colour):
    size = 4.5
    fill = "white" if shape.endswith("-open") else colour
    base = shape.removesuffix("-open")
    stroke = f'stroke="{colour}" stroke-width="1.8"'
    if base == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size}" fill="{fill}" {stroke}/>'
    if base == "square":
        return (
            f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size}" height="{2 * size}" '
            f'fill="{fill}" {stroke}/>'
        )
    if base == "triangle":
        points = f"{x:.1f},{y - size - 1:.1f} {x - size:.1f},{y + size:.1f} {x + size:.1f},{y + size:.1f}"
        return f'<polygon points="{points}" fill="{fill}" {stroke}/>'
    if base == "diamond":
        points = (
            f"{x:.1f},{y - size - 1:.1f} {x + size + 1:.1f},{y:.1f} "
            f"{x:.1f},{y + size + 1:.1f} {x - size - 1:.1f},{y:.1f}"
        )
        return f'<polygon points="{points}" fill="{fill}" {stroke}/>'
    if base == "plus":
        return (
            f'<path d="M{x - size:.1f} {y:.1f}H{x + size:.1f}M{x:.1f} {y - size:.1f}V{y + size:.1f}" '
            f'stroke="{colour}" stroke-width="2.5"/>'
        )
    # cross and x
    return (
        f'<path d="M{x - size:.1f} {y - size:.1f}L{x + size:.1f} {y + size:.1f}M{x - size:.1f} {y + size:.1f}'
        f'L{x + size:.1f} {y - size:.1f}" stroke="{colour}" stroke-width="2.5"/>'
    )


def _nice_max(value):
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    # Steps that divide into four nice gridline values.
    for step in (1, 1.2, 1.6, 2, 4, 6, 8, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _fmt(value):
    return f"{value:,.1f}".replace(",", "\u00a0").replace(".", ",").removesuffix(",0")


def _svg(chart_id, title, summary, width, height, body, css_class="kis-chart"):
    return mark_safe(
        f'<svg class="{css_class}" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(summary)}</desc>'
        f"{body}</svg>"
    )


def _spread(wanted, low, high, gap=13):
    """End-label positions near their lines but never overlapping and inside [low, high]."""
    order = sorted(wanted, key=lambda number: wanted[number])
    placed, previous = {}, low - gap
    for number in order:
        previous = placed[number] = max(wanted[number], previous + gap)
    # Labels pushed past the bottom move up again, keeping the gap, from the lowest one.
    following = high + gap
    for number in reversed(order):
        following = placed[number] = min(placed[number], following - gap)
    return placed


def responsive(builder, chart_id, *args, **kwargs):
    """A wide chart for screens from tablet size up and a narrow one for phones, switched by CSS.

    An SVG scales as a whole: the wide one on a phone would have 6-pixel text. The hidden one is
    display:none, so a screen reader meets only one of them.
    """
    # The wide SVG keeps the plain "kis-chart" class (the chart, followed by its data table); the
    # narrow one is the same chart drawn for a phone.
    wide = builder(chart_id, *args, **kwargs)
    narrow = builder(f"{chart_id}-narrow", *args, width=400, css_class="kis-chart-narrow", **kwargs)
    return mark_safe(f'<div class="kis-chart-wide">{wide}</div>{narrow}')


def line_chart(
    chart_id,
    title,
    summary,
    x_labels,
    series,
    highlight=None,
    height=340,
    width=760,
    css_class="kis-chart",
    region=None,
    marks=(),
):
    """``series``: [(name, [float | None per x])]; the series named ``highlight`` and ``region`` stand out.

    ``marks``: [(index, text)]: a vertical line before period ``index`` (a change of definition).
    """
    region = region or _("Region mean")
    narrow = width < 600
    left, right, top, bottom = (38, 150, 14, 34) if narrow else (64, 172, 16, 36)
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _name, points in series for v in points if v is not None]
    if not values:
        empty = _("No figures to show for the chosen periods.")
        body = f'<text x="{width / 2}" y="40" text-anchor="middle" font-size="14" fill="#444">{escape(empty)}</text>'
        return _svg(chart_id, title, summary, width, 70, body, css_class)
    top_value = _nice_max(max(values) if values else 1)
    count = max(len(x_labels), 1)

    def x_at(index):
        return left + (plot_w * (index + 0.5) / count)

    def y_at(value):
        return top + plot_h - plot_h * float(value) / float(top_value)

    parts = []
    for step in range(5):
        value = top_value * step / 4
        y = y_at(value)
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dde1e5"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="#333">{_fmt(value)}</text>'
        )
    # Only every n-th period is labelled when they would crowd each other.
    label_step = max(1, -(-len(x_labels) * 42 // plot_w))
    for index, label in enumerate(x_labels):
        if index % label_step and index != len(x_labels) - 1:
            continue
        parts.append(
            f'<text x="{x_at(index):.1f}" y="{height - 12}" text-anchor="middle" font-size="12" fill="#333">'
            f"{escape(label)}</text>"
        )
    wanted = {}
    for number, (_name, points) in enumerate(series):
        last = next((v for v in reversed(points) if v is not None), None)
        if last is not None:
            wanted[number] = y_at(last)
    label_y = _spread(wanted, top + 4, top + plot_h + bottom - 22)
    for index, text in marks:
        # Between the last period of the old definition and the first of the new one.
        x = x_at(index) - plot_w / count / 2
        parts.append(
            f'<g class="kis-definition-mark"><line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" '
            f'stroke="#8a3b00" stroke-width="2" stroke-dasharray="3 3"/>'
            f'<text x="{x + 4:.1f}" y="{top + 12}" font-size="12" fill="#8a3b00">{escape(text)}</text></g>'
        )
    for number, (name, points) in enumerate(series):
        is_region = name == region
        strong = is_region or name == highlight
        colour = "#000000" if is_region else COLOURS[number % len(COLOURS)]
        dash = "4 4" if is_region else DASHES[number % len(DASHES)]
        width_px = 3.2 if strong else 1.6
        opacity = "1" if strong or not highlight else "0.55"
        segment, segments = [], []
        for index, value in enumerate(points):
            if value is None:
                # A gap for missing or suppressed: the line never bridges what is not there.
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append((x_at(index), y_at(value)))
        if segment:
            segments.append(segment)
        group = [f'<g opacity="{opacity}">']
        for seg in segments:
            path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f} {y:.1f}" for i, (x, y) in enumerate(seg))
            group.append(
                f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{width_px}" stroke-dasharray="{dash}"/>'
            )
            for x, y in seg:
                group.append(_marker(MARKERS[number % len(MARKERS)] if not is_region else "diamond", x, y, colour))
        group.append("</g>")
        if number in label_y:
            # The name stays outside the faded group: text keeps its full contrast (4.5:1) on white.
            y = label_y[number]
            weight, size = ("700" if strong else "400"), (10.5 if narrow else 12)
            group.append(
                f'<text x="{left + plot_w + 6}" y="{y + 4:.1f}" font-size="{size}" font-weight="{weight}" '
                f'fill="{colour}">{escape(name)}</text>'
            )
        parts.append("".join(group))
    parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="#666"/>')
    return _svg(chart_id, title, summary, width, height, "".join(parts), css_class)


def bar_chart(
    chart_id, title, summary, rows, mean=None, unit_label="", width=760, css_class="kis-chart", mean_label=None
):
    """Horizontal bars, one per row (label, cell) already sorted; text beside every bar.

    ``mean``: a reference line (the region's weighted figure), named ``mean_label``.
    """
    row_h, left, right, top = 26, 110 if width < 600 else 120, 90 if width < 600 else 70, 10
    height = top + row_h * max(len(rows), 1) + 30
    plot_w = width - left - right
    values = [float(cell.shown) for _label, cell in rows if cell.shown is not None]
    top_value = _nice_max(max(values + [float(mean or 0)]) if values else 1)
    parts = []
    # The mean line goes first so that bars and their figures are drawn on top of it.
    if mean is not None:
        mean_label = mean_label or _("Region mean")
        x = left + plot_w * float(mean) / float(top_value)
        bottom = top + row_h * len(rows)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{bottom}" stroke="#000" stroke-width="2" '
            f'stroke-dasharray="5 4"/>'
            f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" font-size="12" font-weight="700">'
            f"{escape(mean_label)} {_fmt(float(mean))}{escape(unit_label)}</text>"
        )
    for index, (label, cell) in enumerate(rows):
        y = top + index * row_h
        parts.append(
            f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" font-size="13" fill="#222">{escape(label)}</text>'
        )
        if cell.shown is not None:
            bar = plot_w * float(cell.shown) / float(top_value)
            parts.append(f'<rect x="{left}" y="{y + 4}" width="{bar:.1f}" height="{row_h - 8}" fill="#1f5f8b"/>')
            parts.append(
                f'<text x="{left + bar + 6:.1f}" y="{y + 17}" font-size="13" fill="#222">'
                f"{escape(cell.display())}</text>"
            )
        else:
            # Suppressed and missing get no bar but a hatched placeholder and their sign as text.
            text = cell.display()
            note = _("suppressed") if cell.suppressed else _("missing")
            parts.append(
                f'<rect x="{left}" y="{y + 4}" width="28" height="{row_h - 8}" fill="url(#{chart_id}-hatch)" '
                f'stroke="#888"/><text x="{left + 34}" y="{y + 17}" font-size="13" fill="#444">{escape(text)} '
                f"({escape(note)})</text>"
            )
    defs = (
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#888" stroke-width="2"/>'
        f"</pattern></defs>"
    )
    return _svg(chart_id, title, summary, width, height, defs + "".join(parts), css_class)
