"""The KIS indicator page, which draws every year, with 15 years of reports versus 1 year: goal ≤ 1.5.

    .venv/bin/python bench/kis_dashboard_ratio.py

GET /statistik/dashboard/indikator/AVS_ANDEL/ (``statistik:dashboard_indicator``: one indicator's chart and table
with a point and a row per year for the region and each municipality) as the strategist, through Django's test
client with production settings, in a database seeded by ``seed_large --years 15`` and one seeded by
``seed_large --years 1`` (10 municipalities, every report approved with full breakdowns). The two databases are
served by two child processes (``harness.PageServer``) asked in turn: PAIRS pairs after a warm-up, alternating
which goes first, each side's figure in a pair the least of three requests in a row; the ratio is the median of
the per-pair ratios (min–max). Timed by CPU time of the portal and its PostgreSQL backend (``BENCH_CLOCK=wall``
for elapsed time; see harness.CLOCK). The regional dashboard (/statistik/dashboard/, the latest period and the one
before, so flat by design) is measured the same way and shown below it for information.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import CLOCK_NAME, LARGE, SMALL, PageServer, Table, main_for, paired  # noqa: E402

PAIRS = 15
REPEAT = 3
USER = "strateg"
# The page of the goal, then a page shown beside it for information.
PAGES = {
    "/statistik/dashboard/indikator/AVS_ANDEL/": ("KIS indicator page, every year drawn", "≤ 1.5"),
    "/statistik/dashboard/": ("KIS regional dashboard, latest two periods", None),
}


def measure(services):
    small_url, large_url = services.database(SMALL), services.database(LARGE)
    table = Table()
    with PageServer(small_url) as small, PageServer(large_url) as large:
        small_years, large_years = len(small.call("years")["years"]), len(large.call("years")["years"])
        for page, (name, goal) in PAGES.items():
            result = paired(small.seconds(USER, page), large.seconds(USER, page), pairs=PAIRS, repeat=REPEAT)
            table.add_paired(
                f"{name}, {large_years} years vs {small_years}",
                goal,
                result,
                f"{result.sides()} ({large.last['queries']} vs {small.last['queries']} queries), "
                f"{CLOCK_NAME}, median of {PAIRS} interleaved pairs (least of {REPEAT}); GET {page} as {USER}",
            )
    return table


if __name__ == "__main__":
    sys.exit(main_for(measure))
