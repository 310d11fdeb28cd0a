"""What every plan that runs over periods shares: how durations count in periods, and which days a period covers."""

from __future__ import annotations

import datetime as dt

from tipframe.model import calendar
from tipframe.model.values import Duration, IsoDate


class PeriodsMixin:
    """Period arithmetic for a plan with a ``period``, an optional ``start`` and an ``id`` (no fields of its own)."""

    id: str
    period: Duration
    start: IsoDate | None

    def periods(self, duration: Duration) -> int:
        """Whole periods a duration takes, rounded up.

        With a period of days or weeks, months and years in ``duration`` count as average
        Gregorian months (365.2425 / 12 days). With a period of months or years, months and
        years count exactly (``P3M`` is 3 periods of ``P1M``; ``P1M`` is 1 of ``P3M``) and
        weeks, days and hours as average months (``P4W`` is 1 period of ``P1M``, ``P5W`` 2).

        Parameters
        ----------
        duration
            Any duration (a delay, a programme's length).

        Returns
        -------
        int
        """
        return calendar.periods_in(duration, self.period)

    def _start(self) -> dt.date:
        if self.start is None:
            raise ValueError(f"plan {self.id!r} has no start date: give start (such as 2026-04-01) to date its periods")
        return self.start.start()

    def period_end(self, t: int) -> dt.date:
        """The last day of period ``t``; period 1 begins on the plan's ``start``.

        Periods of months or years end the day before ``start`` plus t periods, the day clamped
        to the month's length (from 2026-01-31 with ``P1M``, period 1 ends 2026-02-27).

        Parameters
        ----------
        t
            A period, from 1 (0 gives the day before ``start``).

        Returns
        -------
        datetime.date

        Raises
        ------
        ValueError
            When the plan has no ``start``, ``t`` is negative or the day is past the year 9999.
        """
        return calendar.period_end(self._start(), self.period, t)

    def period_date(self, t: int) -> str:
        """Period ``t`` as a table's ``date`` column gives it: its last day (ISO), or the plan's start as written
        for period 0.

        Parameters
        ----------
        t
            A period, from 0.

        Returns
        -------
        str

        Raises
        ------
        ValueError
            When the plan has no ``start``.
        """
        if t > 0:
            return self.period_end(t).isoformat()
        self._start()  # says so when there is no start
        return str(self.start)

    def period_label(self, t: int) -> str:
        """Period ``t`` as a summary names it.

        Its last day at the period's precision (``2027-03`` for months and quarters, ``2027`` for
        years, ``2026-04-07`` for days and weeks); with no ``start``, its number and unit
        (``week 12``, ``month 12``, ``quarter 12``, ``period 12`` for other lengths).

        Parameters
        ----------
        t
            A period, from 1.

        Returns
        -------
        str
        """
        return calendar.period_label(None if self.start is None else self._start(), self.period, t)

    def period_at(self, deadline: IsoDate) -> int:
        """The last period that ends on or before ``deadline``.

        Parameters
        ----------
        deadline
            A day, or a month or a year, which means its last day.

        Returns
        -------
        int
            0 when period 1 ends after the deadline; it may be beyond the horizon.

        Raises
        ------
        ValueError
            When the plan has no ``start``.
        """
        return calendar.period_at(self._start(), self.period, deadline)
