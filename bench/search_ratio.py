"""The insats search page (a free-text query and two filters) at 20,000 versus at 200 insatser: goal ≤ 1.5.

    .venv/bin/python bench/search_ratio.py

GET /insatser/?q=föräldrar&language=ar&status=published through Django's test client as a logged-in reader
(``lasare``), production settings, median of several requests after two warm-ups, in a database seeded with
``seed_large`` at each size. The query matches a few per cent of the catalogue, as a real search does (about 15
hits at 200 insatser, about 600 at 20,000), so the first page is nearly full at both sizes and the ratio shows how
the page grows with the catalogue rather than with the number of rows drawn. A query matching half the catalogue
(``svenska``) ranks ten thousand rows at 20,000 and is slower; the table says what this run matched.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import LARGE, SMALL, Table, main_for, run_worker  # noqa: E402

QUERY = "föräldrar"
FILTERS = "language=ar&status=published"
RUNS = 15


def search_url():
    return f"/insatser/?q={QUERY}&{FILTERS}"


def page_of(figures):
    return f"{figures['shown']} of {figures['hits']} hits shown"


def measure(services):
    figures = {}
    for spec in (SMALL, LARGE):
        url = services.database(spec)
        facts, _peak = run_worker(url, "facts")
        page = search_url()
        answer, _peak = run_worker(url, "pages", "lasare", RUNS, page)
        hits, _peak = run_worker(url, "hits", "lasare", page)
        figures[spec[0]] = (facts["insatser"], answer[page] | hits)
    (small_n, small), (large_n, large) = figures[SMALL[0]], figures[LARGE[0]]
    table = Table()
    table.add(
        f"search page, {large_n:,} vs {small_n:,} insatser",
        "≤ 1.5",
        large["median"] / small["median"],
        f"{large['median'] * 1000:.0f} ms ({large['queries']} queries) vs {small['median'] * 1000:.0f} ms "
        f"({small['queries']} queries), median of {RUNS}; {page_of(large)} vs {page_of(small)}",
    )
    return table


if __name__ == "__main__":
    sys.exit(main_for(measure))
