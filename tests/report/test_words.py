"""Plain words in the report: durations, periods and distributions as a reader says them."""

from __future__ import annotations

import pytest

from tipframe.report.words import distribution_words, plain


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("10 sessions, weekly (P1W), 2 hours each (PT2H), spanning 10 weeks",
         "10 sessions, weekly, 2 hours each, spanning 10 weeks"),
        ("delay P8W; completion beta(83.7, 16.3)", "delay 8 weeks; completion about 84% (between 77% and 89%)"),
        ("104 of 1 week (P1W)", "104 weeks"),
        ("26 of 4 weeks (P4W)", "26 periods of 4 weeks"),
        ("uptake uniform(0.2, 0.4)", "uptake between 20% and 40%"),
        ("builtin:help-the-helpers-rollout", "builtin:help-the-helpers-rollout"),  # ids are left alone
    ],
)  # fmt: skip
def test_what_a_reader_sees(written: str, said: str) -> None:
    assert plain(written) == said


def test_a_distribution_s_range_holds_90_percent_of_it() -> None:
    import numpy as np

    draws = np.random.default_rng(7).beta(83.7, 16.3, 400_000)
    low, high = np.percentile(draws, [5, 95])
    assert distribution_words("beta", 83.7, 16.3) == f"about {draws.mean():.0%} (between {low:.0%} and {high:.0%})"
    assert distribution_words("beta", 1, 299) == "about 0.3% (between 0.0% and 1.0%)"
    assert distribution_words("gamma", 2, 3).startswith("about 6")
