"""The regional KIS dashboard with 15 years of approved reports versus with 1 year: goal ≤ 1.5.

    .venv/bin/python bench/kis_dashboard_ratio.py

GET /statistik/dashboard/ (the region's key figures, no filters: the whole range of years) as the strategist,
through Django's test client with production settings, median of several requests after two warm-ups, in a
database seeded by ``seed_large --years 15`` and one seeded by ``seed_large --years 1`` (10 municipalities,
every report approved with full breakdowns). The indicator page (/statistik/dashboard/indikator/…/), whose
chart and table run over every year in range, is measured the same way and shown below it for information.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import LARGE, SMALL, Table, main_for, run_worker  # noqa: E402

RUNS = 15
# The page of the goal, then a page shown beside it for information: the indicator page draws a point and a table
# row per year, so it is expected to grow with the years shown.
PAGES = {
    "/statistik/dashboard/": ("KIS regional dashboard", "≤ 1.5"),
    "/statistik/dashboard/indikator/AVS_ANDEL/": ("KIS indicator page, every year drawn", None),
}


def measure(services):
    figures = {}
    for spec in (SMALL, LARGE):
        url = services.database(spec)
        facts, _peak = run_worker(url, "facts")
        answer, _peak = run_worker(url, "pages", "strateg", RUNS, *PAGES)
        figures[spec[0]] = (len(facts["years"]), answer)
    (small_years, small), (large_years, large) = figures[SMALL[0]], figures[LARGE[0]]
    table = Table()
    for page, (name, goal) in PAGES.items():
        table.add(
            f"{name}, {large_years} years vs {small_years}",
            goal,
            large[page]["median"] / small[page]["median"],
            f"{large[page]['median'] * 1000:.0f} ms ({large[page]['queries']} queries) vs "
            f"{small[page]['median'] * 1000:.0f} ms ({small[page]['queries']} queries), median of {RUNS}",
        )
    return table


if __name__ == "__main__":
    sys.exit(main_for(measure))
