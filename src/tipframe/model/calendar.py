"""Periods on the calendar: whole periods a duration takes, and the dates periods end on.

A plan's period is either a fixed number of days (``P1D``, ``P1W``, ``P10D``) or a whole number
of calendar months (``P1M``, ``P3M``, ``P1Y``). Period t (from 1) runs from boundary t - 1 up to
the day before boundary t, where boundary k is ``start`` plus k periods: k times the days, or
k times the months with the day clamped to the month's length (from 2026-01-31 one month on is
2026-02-28, two months on 2026-03-31). Pure functions of dates: no numpy, nothing stored.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from fractions import Fraction
from typing import Final

from tipframe.model.values import Duration, IsoDate

#: days in the average Gregorian month, 365.2425 / 12 (30.436875), exactly
AVERAGE_MONTH_DAYS: Final = Fraction(3652425, 120000)
_DAY_SECONDS: Final = 86400
#: how periods of one day, one week, one month, three months and one year are named without a start
_UNITS: Final = {("days", 1): "day", ("days", 7): "week", ("months", 1): "month", ("months", 3): "quarter"}


def period_problem(period: Duration) -> str | None:
    """Why ``period`` cannot be a plan's period, or None when it can.

    Parameters
    ----------
    period
        Whole days or weeks (``P1D``, ``P1W``, ``P2W``), or whole months or years (``P1M``,
        ``P3M``, ``P1Y``).

    Returns
    -------
    str or None
    """
    if period.hours or period.minutes or period.seconds:
        return (
            f"a period is whole days or weeks (P1D, P1W) or whole months or years (P1M, P3M, P1Y), "
            f"not hours, minutes or seconds: {period}"
        )
    if period.is_calendar and (period.weeks or period.days):
        return (
            f"a period is whole months or years (P1M, P3M, P1Y) or whole days or weeks (P1D, P1W), "
            f"not a mix of the two: {period}"
        )
    if not (period.is_calendar or period.weeks or period.days):
        return "a period cannot be empty"
    return None


def months_in(period: Duration) -> int:
    """Calendar months in a period written in months and years; 0 for a period of days or weeks."""
    return period.years * 12 + period.months


def days_in(period: Duration) -> int:
    """Days in a period written in days and weeks; 0 for a period of months or years."""
    return period.weeks * 7 + period.days


def periods_in(duration: Duration, period: Duration) -> int:
    """Whole periods ``duration`` takes, rounded up (see `CascadePlan.periods` for the rule).

    Parameters
    ----------
    duration
        Any duration.
    period
        A valid period (see `period_problem`).

    Returns
    -------
    int
    """
    months = months_in(period)
    if not months:
        return math.ceil(duration.to_timedelta(average_months=True) / period.to_timedelta())
    fixed_seconds = ((days_in(duration) * 24 + duration.hours) * 60 + duration.minutes) * 60 + duration.seconds
    taken = months_in(duration) + Fraction(fixed_seconds, _DAY_SECONDS) / AVERAGE_MONTH_DAYS
    return math.ceil(taken / months)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, the day clamped to the month's length.

    Parameters
    ----------
    day
        Any date.
    months
        Months to add (negative to go back).

    Returns
    -------
    datetime.date

    Raises
    ------
    ValueError
        When the result is outside the years 1 to 9999.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise ValueError(f"{day} plus {months} months is outside the calendar (years 1 to 9999)")
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def boundary(start: dt.date, period: Duration, k: int) -> dt.date:
    """The first day of period k + 1: ``start`` plus k periods (months clamped, see the module).

    Raises
    ------
    ValueError
        When the date is outside the years 1 to 9999.
    """
    months = months_in(period)
    if months:
        return add_months(start, k * months)
    try:
        return start + dt.timedelta(days=k * days_in(period))
    except OverflowError:
        raise ValueError(f"{start} plus {k} periods of {period} is outside the calendar (years 1 to 9999)") from None


def period_end(start: dt.date, period: Duration, t: int) -> dt.date:
    """The last day of period ``t`` (period 1 starts on ``start``; period 0 ends the day before).

    Raises
    ------
    ValueError
        When ``t`` is negative or the date is outside the calendar.
    """
    if t < 0:
        raise ValueError(f"periods are counted from 1, not {t}")
    end = boundary(start, period, t)
    if end == dt.date.min:
        raise ValueError(f"period {t} ends before the calendar begins")
    return end - dt.timedelta(days=1)


def period_label(start: dt.date | None, period: Duration, t: int) -> str:
    """Period ``t`` for a summary: its end at the period's precision, or its number and unit.

    With a start: ``2027-03`` for months and quarters, ``2027`` for years (a whole number of
    them), ``2026-04-07`` for days and weeks. Without one: ``week 12``, ``day 12``,
    ``month 12``, ``quarter 12`` or ``year 12``, and ``period 12`` for other lengths.

    Raises
    ------
    ValueError
        As `period_end` does, when the plan has a start.
    """
    months, days = months_in(period), days_in(period)
    if start is None:
        unit = "year" if months == 12 else _UNITS.get(("months", months) if months else ("days", days), "period")
        return f"{unit} {t}"
    end = period_end(start, period, t)
    if not months:
        return end.isoformat()
    return f"{end.year:04d}" if months % 12 == 0 else f"{end.year:04d}-{end.month:02d}"


def period_at(start: dt.date, period: Duration, deadline: IsoDate) -> int:
    """The last period that ends on or before ``deadline`` (its last day: a month's, a year's).

    0 when period 1 ends after the deadline; it may be beyond a plan's horizon.
    """
    last = deadline.end()
    months = months_in(period)
    if not months:
        return max(0, ((last - start).days + 1) // days_in(period))
    # No period ends later in the calendar than its boundary's month allows: start from the
    # largest t the months permit and step back (at most twice) past periods that end too late.
    gap = (last.year - start.year) * 12 + last.month - start.month
    t = max(0, gap // months + 1)
    while t > 0 and _ends_after(start, months * t, last):
        t -= 1
    return t


def _ends_after(start: dt.date, months: int, last: dt.date) -> bool:
    try:
        return add_months(start, months) - dt.timedelta(days=1) > last
    except ValueError:  # beyond the year 9999: later than any date
        return True
