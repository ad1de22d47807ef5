"""Every walked page at seed_large size versus at the small size, interleaved: goal ≤ 1.5 for every page.

    .venv/bin/python bench/page_walk.py            # BENCH_WALK_PAIRS=7 by default
    BENCH_WALK_ONLY=natverk:,uppdrag:report_detail .venv/bin/python bench/page_walk.py   # pages whose name starts so

The pages are those of tests/performance/test_query_budgets.py's BUDGETS, the walk of the URL patterns that must
name every list, detail, dashboard and home page (or say why a page is not one), each as the role that uses it and
with its arguments; detail pages open the busiest object of their kind in each database. Two children
(``harness.PageServer``), one on the small database (200 insatser, 1 year) and one on the seed_large database
(20,000 insatser, 15 years, 5,000 action points, 10,000 contacts), run the portal with production settings; each
page is asked of both in turn (one warm-up pair, then PAIRS pairs, alternating which side goes first; each side's
time in a pair is the least of three requests in a row, as load from other processes only adds time), and the
page's figure is the median of its per-pair ratios, large ÷ small, with min–max. Timed by CPU time of the portal
and its PostgreSQL backend (``BENCH_CLOCK=wall`` for elapsed time; see harness.CLOCK). The worst ten by that ratio are
printed with both sides' medians and query counts; the table row is the worst page.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import CLOCK_NAME, LARGE, SMALL, PageServer, Table, load_average, log, main_for, paired  # noqa: E402

PAIRS = int(os.environ.get("BENCH_WALK_PAIRS", "7"))
ONLY = [name for name in os.environ.get("BENCH_WALK_ONLY", "").split(",") if name]  # e.g. natverk:,uppdrag:report
REPEAT = 3  # each side's figure in a pair: the least of three requests in a row (harness.paired)
GOAL = 1.5
WORST = 10


def label(case):
    return f"{case['name']}{case['query']} as {case['user'] or 'anonymous'}"


def walk(small_server, large_server, pairs=PAIRS):
    """Each walked page measured interleaved at both sizes: a list of dicts, worst ratio first."""
    small_walk, large_walk = small_server.call("walk"), large_server.call("walk")
    if small_walk["unwalked"]:
        log(f"pages with neither a budget case nor a reason (not walked): {', '.join(small_walk['unwalked'])}")
    results = []
    for small_case, large_case in zip(small_walk["cases"], large_walk["cases"], strict=True):
        if ONLY and not any(label(small_case).startswith(name) for name in ONLY):
            continue
        user = small_case["user"]
        small_first = small_server.get(user, small_case["path"])
        large_first = large_server.get(user, large_case["path"])
        for side, answer, case in (("small", small_first, small_case), ("large", large_first, large_case)):
            if answer["status"] != 200:
                raise RuntimeError(f"{label(case)} ({case['path']}) answered {answer['status']} at the {side} size")
        result = paired(
            small_server.seconds(user, small_case["path"]),
            large_server.seconds(user, large_case["path"]),
            pairs=pairs,
            warmup=1,
            repeat=REPEAT,
        )
        queries = (small_server.last["queries"], large_server.last["queries"])  # warm: not the first request's
        results.append(
            {
                "page": label(small_case),
                "paired": result,
                "queries": queries,
                "paths": (small_case["path"], large_case["path"]),
            }
        )
        log(
            f"{label(small_case)}: {result.ratio:.2f} ({result.spread()}), {result.sides()}, "
            f"{queries[0]} → {queries[1]} queries"
        )
    return sorted(results, key=lambda result: result["paired"].ratio, reverse=True)


def report(results, file=sys.stderr):
    print(
        f"\nWalked pages, worst {WORST} of {len(results)} by large ÷ small, {CLOCK_NAME} ({load_average()}):",
        file=file,
    )
    width = max(len(result["page"]) for result in results[:WORST])
    for result in results[:WORST]:
        figure = result["paired"]
        small_queries, large_queries = result["queries"]
        print(
            f"  {result['page'].ljust(width)}  {figure.ratio:.2f} ({figure.spread()})  {figure.sides()}  "
            f"queries {large_queries} vs {small_queries}",
            file=file,
        )
    file.flush()


def measure(services):
    small_url, large_url = services.database(SMALL), services.database(LARGE)
    with PageServer(small_url) as small_server, PageServer(large_url) as large_server:
        results = walk(small_server, large_server)
    report(results)
    worst = results[0]
    over = [result for result in results if result["paired"].ratio > GOAL]
    figure = worst["paired"]
    table = Table()
    table.add_paired(
        f"every walked page ≤ {GOAL} ({len(results)} pages), worst: {worst['page']}",
        f"≤ {GOAL}",
        figure,
        f"{figure.sides()} (queries {worst['queries'][1]} vs {worst['queries'][0]}), "
        f"{CLOCK_NAME}, median of {PAIRS} pairs (least of {REPEAT}); "
        f"{len(over)} page(s) over {GOAL}" + (f": {', '.join(result['page'] for result in over)}" if over else ""),
    )
    return table


if __name__ == "__main__":
    sys.exit(main_for(measure))
