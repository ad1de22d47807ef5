"""bench/harness.py's interleaved measurement: the sides alternate, each pair's ratio is large ÷ small, and the
answer is the median of the per-pair ratios with their min and max (the benches' figures rest on it)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from harness import Table, paired  # noqa: E402


def test_pairs_alternate_which_side_goes_first_and_the_ratio_is_the_median_of_per_pair_ratios():
    calls = []
    small_figures = iter([99, 99, 10, 10, 10, 10, 10])  # two warm-up calls, then one a pair
    large_figures = iter([99, 99, 15, 30, 12, 20, 16])

    def small():
        calls.append("s")
        return next(small_figures)

    def large():
        calls.append("l")
        return next(large_figures)

    result = paired(small, large, pairs=5, warmup=2)
    assert calls == ["s", "l", "s", "l"] + ["s", "l", "l", "s", "s", "l", "l", "s", "s", "l"]
    # Per-pair ratios 1.5, 3.0, 1.2, 2.0, 1.6: the median, not the ratio of the medians (16 / 10).
    assert result.ratio == 1.6 and (result.low, result.high) == (1.2, 3.0)
    assert (result.small, result.large, result.pairs) == (10, 16, 5)


def test_each_side_of_a_pair_is_the_least_of_its_repeats():
    small_figures = iter([5, 4, 6, 5, 5, 5])
    large_figures = iter([9, 8, 12, 10, 11, 10])
    result = paired(lambda: next(small_figures), lambda: next(large_figures), pairs=2, warmup=0, repeat=3)
    # Pair one: small min(5, 4, 6) = 4, large min(9, 8, 12) = 8; pair two (large first): 10 and 5.
    assert (result.low, result.high) == (2.0, 2.0)


def test_a_table_row_shows_the_median_and_the_range_and_is_judged_on_the_median():
    table = Table()
    # Small then large, large then small, small then large: ratios 1.4, 1.6 and 2.0.
    figures = iter([10, 14, 16, 10, 10, 20])
    table.add_paired("page", "≤ 1.5", paired(lambda: next(figures), lambda: next(figures), pairs=3, warmup=0), "")
    table.add_paired("list", "≥ 1.0", paired(lambda: 10, lambda: 12, pairs=3, warmup=0), "")
    page, listing = table.rows
    assert page.figure == "1.60 (1.40–2.00)" and page.result == "MISS"
    assert listing.figure == "1.20 (1.20–1.20)" and listing.result == "PASS"
