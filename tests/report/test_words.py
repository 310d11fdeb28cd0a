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


def test_people_s_own_words_are_left_as_written() -> None:
    from tipframe.report.words import plain_row

    said = "Staff attend 2 of 3 days; the P1M review; beta(2, 3) is text."
    assert plain_row("Description", said) == said
    assert plain_row("Aims", said) == said
    assert plain_row("Periods", "104 of 1 week (P1W)") == "104 weeks"
    assert plain_row("", "1: cohorts of 12; delay P8W") == "1: cohorts of 12; delay 8 weeks"


@pytest.mark.parametrize(("period", "one", "two"), [("P1W", 52, 104), ("P2W", 26, 52), ("P1M", 12, 24),
                                                    ("P5M", 2, 4), ("P2Y", 0, 1), ("P4W", 13, 26)])  # fmt: skip
def test_a_year_on_is_the_last_period_that_ends_within_it(period: str, one: int, two: int) -> None:
    import tipframe
    from tipframe.report.layout import _years_on

    text = tipframe.dumps(tipframe.load("builtin:help-the-helpers-rollout", tipframe.CascadePlan), "yaml")
    plan = tipframe.loads(text.replace("period: P1W", f"period: {period}"), tipframe.CascadePlan)
    assert (_years_on(plan, 1), _years_on(plan, 2)) == (one, two)


def test_a_progress_callback_serves_a_second_run() -> None:
    import io

    from tipframe import terminal_progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = terminal_progress("runs", screen)
    for _ in range(2):
        for done in (1, 2, 3):
            bar(done, 3)
    assert screen.getvalue().count("3/3") == 2
