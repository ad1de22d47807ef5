"""The insats search page (a free-text query and two filters) at 20,000 versus at 200 insatser: goal ≤ 1.5.

    .venv/bin/python bench/search_ratio.py

GET /insatser/?q=…&status=published&target_group=… through Django's test client as a logged-in reader
(``lasare``), production settings, median of several requests after two warm-ups, in a database seeded with
``seed_large`` at each size. The query and filters are broad enough to fill the first page (25 rows) at both
sizes, so the ratio shows how the page grows with the catalogue, not with the number of rows drawn.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import LARGE, SMALL, Table, main_for, run_worker  # noqa: E402

QUERY = "svenska"
RUNS = 15


def search_url(facts):
    return f"/insatser/?q={QUERY}&status=published&target_group={facts['target_group']}"


def measure(services):
    figures = {}
    for spec in (SMALL, LARGE):
        url = services.database(spec)
        facts, _peak = run_worker(url, "facts")
        page = search_url(facts)
        answer, _peak = run_worker(url, "pages", "lasare", RUNS, page)
        figures[spec] = (facts["insatser"], answer[page])
    (small_n, small), (large_n, large) = figures[SMALL], figures[LARGE]
    table = Table()
    table.add(
        f"search page, {large_n:,} vs {small_n:,} insatser",
        "≤ 1.5",
        large["median"] / small["median"],
        f"{large['median'] * 1000:.0f} ms ({large['queries']} queries) vs {small['median'] * 1000:.0f} ms "
        f"({small['queries']} queries), median of {RUNS}; q={QUERY!r}, status and target group",
    )
    return table


if __name__ == "__main__":
    sys.exit(main_for(measure))
