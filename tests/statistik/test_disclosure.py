"""The aggregation and disclosure control of KIS figures (statistik/disclosure.py), on hand-made cases.

Every case asserts what the viewer sees and that no hidden figure can be worked out from what the
viewer sees: the check below is written independently of the function, as a rank test over the
linear relations a reader knows (a breakdown's total is the sum of its parts, a summed indicator is
the sum of its terms, the region is the sum of the municipalities).
"""

import io
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from statistik.disclosure import Coverage, coverage_of, disclose
from statistik.models import Indicator

# A small catalogue: two counts by sex, their sum (a derived count) and a share.
CATALOGUE = [
    Indicator(code="X", unit="persons", kind="typed", breakdown="sex", order=1),
    Indicator(code="Z", unit="persons", kind="typed", breakdown="sex", order=2),
    Indicator(code="S", unit="persons", kind="derived", formula="X + Z", breakdown="sex", order=3),
    Indicator(code="R", unit="percent", kind="derived", formula="X / S * 100", breakdown="sex", order=4),
]
COUNTS = ("X", "Z", "S")
SEX = ("K", "M", "T")


def typed(x, z):
    """Figures of X and Z as (women, men); totals are the sums."""
    values = {}
    for code, (women, men) in (("X", x), ("Z", z)):
        values[(code, "K")] = Decimal(women)
        values[(code, "M")] = Decimal(men)
        values[(code, "T")] = Decimal(women + men)
    return values


def run(municipalities, members=None, sees_all=False, own=(), share=None):
    """``municipalities``: {name: typed figures}; names are the ids. One period, "p"."""
    members = members or list(municipalities)
    coverage = {"p": Coverage(len(municipalities), len(members), share)}
    reports = [(name, "p", 1, values) for name, values in municipalities.items()]
    return disclose(reports, {1: CATALOGUE}, {"p": members}, coverage, sees_all=sees_all, own_ids=frozenset(own))


def view(table):
    """What the viewer sees: {(owner, code, key): Decimal, or None when hidden}; the region is "region"."""
    seen = {}
    for (owner, _period), cells in table.cells.items():
        for (code, key), cell in cells.items():
            seen[(owner, code, key)] = cell.shown
    for cells in table.region.values():
        for (code, key), cell in cells.items():
            seen[("region", code, key)] = cell.shown
    return seen


def relations(owners, region_shown, municipalities):
    """The linear relations any reader knows, written out by hand (not taken from the function)."""
    result = []
    for owner in owners:
        for code in COUNTS:
            result.append(((owner, code, "T"), [(owner, code, "K"), (owner, code, "M")]))
        for key in SEX:
            result.append(((owner, "S", key), [(owner, "X", key), (owner, "Z", key)]))
    if region_shown:
        for code in COUNTS:
            for key in SEX:
                result.append((("region", code, key), [(m, code, key) for m in municipalities]))
    return result


def _rank(rows):
    rows = [list(row) for row in rows]
    rank, columns = 0, len(rows[0]) if rows else 0
    for column in range(columns):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][column] != 0:
                factor = rows[r][column] / rows[rank][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def recoverable(seen, known_relations):
    """Hidden cells whose value follows from the visible ones through the relations (exact rank test)."""
    hidden = sorted((cell for cell, value in seen.items() if value is None), key=str)
    if not hidden:
        return set()
    index = {cell: number for number, cell in enumerate(hidden)}
    rows = []
    for total, parts in known_relations:
        if total not in seen or any(part not in seen for part in parts):
            continue
        row = [Fraction(0)] * len(hidden)
        if total in index:
            row[index[total]] += 1
        for part in parts:
            if part in index:
                row[index[part]] -= 1
        if any(row):
            rows.append(row)
    base = _rank(rows) if rows else 0
    found = set()
    for cell, number in index.items():
        unit = [Fraction(int(column == number)) for column in range(len(hidden))]
        if _rank([*rows, unit]) == base:
            found.add(cell)
    return found


def display(table, owner, code, key):
    cells = table.region["p"] if owner == "region" else table.cells[(owner, "p")]
    return cells[(code, key)].display()


CASES = {
    "one small part": (
        {"A": typed((3, 20), (10, 10)), "B": typed((30, 40), (10, 12)), "C": typed((25, 30), (11, 13))},
        {("A", "X", "K"): "<5", ("A", "X", "T"): "23", ("A", "X", "M"): "..", ("region", "X", "K"): "58"},
    ),
    "one small municipality": (
        {"A": typed((1, 2), (0, 1)), "B": typed((30, 40), (10, 12)), "C": typed((25, 30), (11, 13))},
        {("A", "X", "T"): "<5", ("A", "Z", "K"): "0", ("region", "X", "T"): "128", ("A", "R", "T"): ".."},
    ),
    "exactly one suppressed municipality in the region": (
        {"A": typed((10, 12), (2, 8)), "B": typed((30, 40), (10, 12)), "C": typed((25, 30), (11, 13))},
        # A's Z for women is 2: hidden, and with it the smallest other women's Z (B's 10).
        {("A", "Z", "K"): "<5", ("B", "Z", "K"): "..", ("region", "Z", "K"): "23", ("A", "Z", "T"): "10"},
    ),
    "a total of 3": (
        {"A": typed((1, 2), (0, 0)), "B": typed((30, 40), (10, 12)), "C": typed((25, 30), (11, 13))},
        {("A", "X", "T"): "<5", ("A", "X", "K"): "<5", ("A", "S", "T"): "<5", ("region", "X", "T"): "128"},
    ),
    "zeros": (
        {"A": typed((0, 7), (0, 9)), "B": typed((30, 40), (10, 12)), "C": typed((25, 30), (11, 13))},
        {("A", "X", "K"): "0", ("A", "R", "K"): "–", ("A", "R", "M"): "43,8", ("region", "X", "K"): "55"},
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_what_an_outsider_sees_and_that_nothing_hidden_can_be_worked_out(name):
    municipalities, expected = CASES[name]
    table = run(municipalities)
    for (owner, code, key), text in expected.items():
        assert display(table, owner, code, key) == text, (owner, code, key)
    seen = view(table)
    assert not recoverable(seen, relations([*municipalities, "region"], True, list(municipalities)))
    # "<5" only for 1–4, never for a figure of 5 or more; 0 is never hidden as a small count.
    for cells in table.cells.values():
        for cell in cells.values():
            if cell.display() == "<5":
                assert 0 < cell.value < 5
            if cell.value == 0 and cell.count:
                assert cell.display() in ("0", "..")


def test_the_region_is_summed_and_weighted_with_suppressed_figures_included():
    table = run(CASES["one small part"][0])
    region = table.region["p"]
    assert region[("X", "K")].value == 58  # 3 + 30 + 25: A's hidden 3 counts
    assert region[("S", "T")].value == 23 + 70 + 55 + 20 + 22 + 24
    # The share from summed numerators and denominators, 148 / 214, not the mean of the three
    # municipal shares (53.5, 76.1 and 69.6: 66.4).
    assert region[("R", "T")].value == Decimal("69.2")
    assert table.method["R"] == "weighted" and table.method["X"] == "sum"


def test_missing_reports_lower_the_coverage_and_below_the_threshold_the_region_is_not_shown():
    municipalities = {"A": typed((3, 20), (10, 10))}
    table = run(municipalities, members=["A", "B", "C"])
    assert table.region["p"] == {}
    coverage = table.coverage["p"]
    assert not coverage.shown and "1 av 3" in coverage.text()
    # No region, no relation across municipalities: only the breakdown needs protecting.
    assert display(table, "A", "X", "K") == "<5" and display(table, "A", "X", "M") == ".."
    seen = view(table)
    assert not recoverable(seen, relations(["A"], False, ["A"]))


def test_coverage_counts_the_persons_received_with_a_missing_municipalitys_latest_figure():
    basis = {"A": [(0, "p1", Decimal(90)), (1, "p2", Decimal(100))], "B": [(0, "p1", Decimal(10))]}
    result = coverage_of(["p1", "p2"], {"p1": ["A", "B"], "p2": ["A", "B"]}, {"p1": {"A", "B"}, "p2": {"A"}}, basis)
    assert result["p1"].share == 1 and result["p1"].shown
    # p2: B has not reported; its latest figure (10) stands in: A covers 100 of 110.
    assert result["p2"].share == Decimal("0.909") and result["p2"].reported == 1
    assert result["p2"].shown  # 1 of 2 is half the members, and 91 % of those received


def test_the_municipality_itself_and_the_regional_administrator_see_every_figure():
    municipalities = CASES["exactly one suppressed municipality in the region"][0]
    everything = run(municipalities, sees_all=True)
    assert all(not cell.suppressed for cells in everything.cells.values() for cell in cells.values())
    own = run(municipalities, own=["A"])
    assert display(own, "A", "Z", "K") == "2"
    # The others' figures are not protected from A (it knows its own 2): nothing of B or C is hidden.
    assert not any(cell.suppressed for cells in own.cells.values() for cell in cells.values())


def test_a_municipality_that_knows_its_own_figures_cannot_work_out_anothers():
    municipalities = {
        "A": typed((10, 12), (2, 8)),
        "B": typed((30, 40), (3, 12)),
        "C": typed((25, 30), (11, 13)),
    }
    table = run(municipalities, own=["A"])
    assert display(table, "A", "Z", "K") == "2" and display(table, "B", "Z", "K") == "<5"
    # Region − A (known to A) − C would give B: C's women's Z is hidden too.
    assert display(table, "C", "Z", "K") == ".."
    assert not recoverable(view(table), relations([*municipalities, "region"], True, list(municipalities)))


# --- A page that shows a few cells decides them as a page showing all would -------------------

# The catalogue above and a count that no relation ties to it, with small figures of its own.
WITH_UNRELATED = [*CATALOGUE, Indicator(code="Y", unit="persons", kind="typed", breakdown="sex", order=5)]


def test_the_codes_a_shown_cell_depends_on():
    from statistik.disclosure import related_codes

    # A share: its operands, and the sum S ties X and Z together.
    assert related_codes({("R", "T")}, WITH_UNRELATED) == {"R", "X", "S", "Z"}
    # A term of a sum brings the sum and the other terms; nothing else.
    assert related_codes({("Z", "K")}, WITH_UNRELATED) == {"Z", "S", "X"}
    assert related_codes({("Y", "K")}, WITH_UNRELATED) == {"Y"}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("own", [(), ("A",)])
def test_wanted_cells_are_hidden_exactly_as_when_every_cell_is_decided(name, own):
    municipalities = {municipality: dict(values) for municipality, values in CASES[name][0].items()}
    for number, values in enumerate(municipalities.values()):
        values |= {("Y", "K"): Decimal(number + 1), ("Y", "M"): Decimal(9), ("Y", "T"): Decimal(number + 10)}
    members = list(municipalities)
    coverage = {"p": Coverage(len(members), len(members), None)}
    reports = [(name, "p", 1, values) for name, values in municipalities.items()]

    def decide(wanted=None):
        return disclose(reports, {1: WITH_UNRELATED}, {"p": members}, coverage, own_ids=frozenset(own), wanted=wanted)

    everything = decide()
    assert any(cell.suppressed for cells in everything.cells.values() for cell in cells.values())
    for code in ("X", "Z", "S", "R", "Y"):
        for key in SEX:
            # Twice: the second answer is the remembered one.
            for _time in range(2):
                shown = decide({(code, key)})
                for owner in members:
                    assert shown.cells[(owner, "p")] == {(code, key): everything.cells[(owner, "p")][(code, key)]}
                assert shown.region["p"] == {(code, key): everything.region["p"][(code, key)]}
                assert shown.method[code] == everything.method[code]


def test_a_remembered_period_is_decided_anew_when_a_figure_changes():
    municipalities = {name: dict(values) for name, values in CASES["one small part"][0].items()}
    members = list(municipalities)
    coverage = {"p": Coverage(3, 3, None)}

    def decide():
        reports = [(name, "p", 1, values) for name, values in municipalities.items()]
        return disclose(reports, {1: CATALOGUE}, {"p": members}, coverage, wanted={("X", "K")})

    assert decide().cells[("A", "p")][("X", "K")].display() == "<5"
    municipalities["A"][("X", "K")] = Decimal(13)  # the report was reopened and corrected
    assert decide().cells[("A", "p")][("X", "K")].display() == "13"


# --- The same on the pages and in the Excel export -------------------------------------------


def page_cells(html, caption_start):
    """{(row label, column index): text} of the table whose caption starts with ``caption_start``."""
    table = html.split(caption_start, 1)[1].split("</table>")[0]
    result = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        label = re.search(r"<th[^>]*>(.*?)</th>", row, re.S)
        if not label:
            continue
        name = re.sub(r"<[^>]+>", "", label.group(1)).strip()
        for number, cell in enumerate(re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)):
            result[(name, number)] = re.sub(r"<[^>]+>|\s", "", cell).replace("&lt;", "<")
    return result


def _number(text):
    text = str(text).replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return None if text in ("<5", "..", "–", "") else Decimal(text)


@pytest.fixture
def small_region(make_report, municipalities, period):
    """Botkyrka 2 exits to work among women (one small cell), four others larger: 5 of 10 members."""
    figures = {"Botkyrka": (2, 20), "Huddinge": (30, 41), "Haninge": (12, 17), "Salem": (9, 6), "Tyresö": (15, 14)}
    for name, (women, men) in figures.items():
        values = {("AVS_ARB", "K"): women, ("AVS_ARB", "M"): men, ("AVS_ARB", "T"): women + men}
        for code in ("AVS_STU", "AVS_FLY", "AVS_PLAN", "AVS_OVR"):
            values |= {(code, "K"): 5, (code, "M"): 5, (code, "T"): 10}
        make_report(municipalities[name], period, values | {("MOT_TOT", "T"): 50}, status="approved")
    return figures


def test_on_the_page_and_in_the_export_no_suppressed_figure_can_be_worked_out(
    client_as, cast, small_region, period, django_capture_on_commit_callbacks
):
    from intro_sodertorn.models import ExportJob

    client = client_as("strateg")
    names = list(small_region)
    seen = {}
    for sex in ("K", "M", "T"):
        html = client.get(reverse("statistik:dashboard_indicator", args=["AVS_ARB"]) + f"?sex={sex}").content.decode()
        cells = page_cells(html, "<caption>Avslut till arbete")
        for name in names:
            seen[(name, "AVS_ARB", sex)] = _number(cells[(name, 0)])
        region = next(label for label, _n in cells if label.startswith("Regionen"))
        seen[("region", "AVS_ARB", sex)] = _number(cells[(region, 0)])
    assert seen[("Botkyrka", "AVS_ARB", "K")] is None and seen[("Botkyrka", "AVS_ARB", "T")] == 22
    assert seen[("region", "AVS_ARB", "K")] == 68  # 2 + 30 + 12 + 9 + 15: the hidden 2 counts
    known = [(("region", "AVS_ARB", k), [(n, "AVS_ARB", k) for n in names]) for k in ("K", "M", "T")]
    known += [((n, "AVS_ARB", "T"), [(n, "AVS_ARB", "K"), (n, "AVS_ARB", "M")]) for n in [*names, "region"]]
    assert not recoverable(seen, known)
    assert "Sekretesskydd" in html and "<5" in html.replace("&lt;", "<")

    # The Excel export, read back, hides the same cells.
    exported = {}
    for sex in ("K", "M", "T"):
        earlier = set(ExportJob.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("statistik:export", args=["statistik.series"]),
                {"code": "AVS_ARB", "sex": sex, "age": "T", "year_from": period.year, "year_to": period.year},
            )
        job = ExportJob.objects.exclude(pk__in=earlier).get(user=cast["strateg"])
        assert job.status == "done", job.error
        rows = list(load_workbook(io.BytesIO(job.file.read())).active.iter_rows(values_only=True))
        for row in rows:
            if row and row[0] in names:
                exported[(row[0], "AVS_ARB", sex)] = _number(row[1])
            elif row and str(row[0]).startswith("Regionen"):
                exported[("region", "AVS_ARB", sex)] = _number(row[1])
    assert exported == seen
    assert not recoverable(exported, known)


def test_relations_that_only_give_a_hidden_cell_away_together_are_caught_by_elimination():
    """a + b, a + c and b + c shown: each relation hides two cells, yet together they give all three."""
    from statistik.disclosure import _protect

    a, b, c, ab, ac, bc = (("A", name, "T") for name in ("a", "b", "c", "ab", "ac", "bc"))
    values = {a: Decimal(2), b: Decimal(7), c: Decimal(9), ab: Decimal(9), ac: Decimal(11), bc: Decimal(16)}
    known = [(ab, [a, b]), (ac, [a, c]), (bc, [b, c])]
    added = _protect(values, {a}, known, frozenset())
    hidden = {a} | added
    seen = {cell: (None if cell in hidden else value) for cell, value in values.items()}
    assert not recoverable(seen, known)
    assert added >= {b, c} and len(added) == 3  # b and c by the single-relation rule, one total after


def test_a_reporters_explanation_is_a_footnote_of_its_figure_unless_the_figure_is_hidden(
    client_as, small_region, municipalities
):
    from statistik.models import Value

    huddinge = Value.objects.get(report__municipality=municipalities["Huddinge"], indicator__code="AVS_ARB", key="T")
    huddinge.explanation = "Ett nytt arbetsmarknadsprojekt startade."
    huddinge.save()
    botkyrka = Value.objects.get(report__municipality=municipalities["Botkyrka"], indicator__code="AVS_ARB", key="K")
    botkyrka.explanation = "Bara två kvinnor, båda i samma projekt."
    botkyrka.save()
    url = reverse("statistik:dashboard_indicator", args=["AVS_ARB"])
    html = client_as("strateg").get(url).content.decode()
    assert "Huddinge 2012: Ett nytt arbetsmarknadsprojekt startade." in html
    women = client_as("strateg").get(url + "?sex=K").content.decode()
    assert "Bara två kvinnor" not in women  # Botkyrka's 2 is hidden, and so is what is said about it
    own = client_as("introchef-botkyrka").get(url + "?sex=K").content.decode()
    assert "Botkyrka 2012: Bara två kvinnor, båda i samma projekt." in own


def _exits(work, studies, other):
    values = {("AVS_ARB", "T"): work, ("AVS_STU", "T"): studies, ("AVS_FLY", "T"): other}
    return values | {("AVS_PLAN", "T"): 0, ("AVS_OVR", "T"): 0, ("MOT_TOT", "T"): 50}


def test_overview_and_home_open_on_the_latest_period_with_a_regional_figure(client_as, make_report, municipalities):
    """Everyone reported last year; this year only Botkyrka: its figures are not presented as the region's."""
    import datetime

    from statistik.models import Period

    this_year = datetime.date.today().year
    before = Period.objects.create(year=this_year - 2, deadline=datetime.date.today(), status="closed")
    latest = Period.objects.create(year=this_year - 1, deadline=datetime.date.today())
    for name in municipalities:
        if municipalities[name].member_from <= before.end:
            make_report(municipalities[name], before, _exits(10, 10, 20), status="approved")
    make_report(municipalities["Botkyrka"], latest, _exits(30, 16, 0), status="approved")

    html = client_as("introchef-botkyrka").get(reverse("statistik:dashboard")).content.decode()
    text = re.sub(r"<[^>]+>", " ", html)
    assert f"Här visas {before}" in text and "10 av 10 kommuner" in text
    # The later period is offered with its coverage, and no regional figure yet.
    assert re.search(rf"{latest}\s*\(1 av 10 kommuner, [0-9]+ % av de mottagna, inget regionvärde än\)", text)
    # The region's share of that year (40 of 80 to work or studies); Botkyrka's 100 % is not the region's.
    assert re.search(r"\b50\s+procent", text) and not re.search(r"\b100\s+procent", text)
    chosen = client_as("introchef-botkyrka").get(reverse("statistik:dashboard") + f"?period={latest.pk}")
    assert "Regionens värde visas inte: 1 av 10 kommuner" in chosen.content.decode()

    home = re.sub(r"<[^>]+>", " ", client_as("introchef-botkyrka").get("/").content.decode())
    assert f"Andel avslut till arbete eller studier {before}" in home and "regionen 50" in home
    assert f"{latest} är delvis rapporterad: 1 av 10 kommuner" in home
