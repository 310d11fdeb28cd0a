"""Small value types: ISO 8601 durations and dates, ranges of whole numbers, a word for "no value"."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from tipframe.model.fields import Check, ModelError, Path, Range, check_problems, field
from tipframe.model.limits import MAX_GROUP

DURATION_PATTERN: Final = (
    r"^P(?!$)(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)W)?(?:([0-9]+)D)?"
    r"(?:T(?=[0-9])(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)S)?)?$"
)
DATE_PATTERN: Final = r"^[0-9]{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?)?$"
#: a duration with a part above zero: DURATION_PATTERN with a digit 1-9 somewhere
NONZERO_DURATION_PATTERN: Final = r"^(?=.*[1-9])" + DURATION_PATTERN[1:]
_DURATION_RE: Final = re.compile(DURATION_PATTERN)
#: each part of a duration is at most this, so that every duration converts to a timedelta
MAX_DURATION_PART: Final = 1_000_000
_PART: Final = Range(0, MAX_DURATION_PART)
_DATE_RE: Final = re.compile(DATE_PATTERN)

_WORDS: Final = (
    ("years", "year"),
    ("months", "month"),
    ("weeks", "week"),
    ("days", "day"),
    ("hours", "hour"),
    ("minutes", "minute"),
    ("seconds", "second"),
)


@attrs.frozen(kw_only=True)
class Duration:
    """An ISO 8601 duration such as ``PT2H`` or ``P1W``, kept as written (``PT90M`` stays ``PT90M``).

    Years and months have no fixed length: `to_timedelta` refuses them unless asked to use the
    average Gregorian month (30.436875 days).
    """

    years: int = field(doc="Years.", default=0, checks=[_PART])
    months: int = field(doc="Months.", default=0, checks=[_PART])
    weeks: int = field(doc="Weeks.", default=0, checks=[_PART])
    days: int = field(doc="Days.", default=0, checks=[_PART])
    hours: int = field(doc="Hours.", default=0, checks=[_PART])
    minutes: int = field(doc="Minutes.", default=0, checks=[_PART])
    seconds: int = field(doc="Seconds.", default=0, checks=[_PART])

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Read an ISO 8601 duration, ``PnYnMnWnDTnHnMnS``.

        Parameters
        ----------
        text
            Such as ``PT2H``, ``P1W`` or ``PT90M``; every part a whole number.

        Returns
        -------
        Duration
            Kept as written.

        Raises
        ------
        ValueError
            When ``text`` is not such a duration (fractions included), or a part is too large.
        """
        match = _DURATION_RE.fullmatch(text)
        if match is None:
            hint = ""
            if re.fullmatch(r"P.*[0-9][.,][0-9].*", text):
                hint = " (fractions are not supported: write PT90M rather than PT1.5H)"
            raise ValueError(f"{text!r} is not an ISO 8601 duration such as PT2H, P1W or P10W{hint}")
        parts = [int(g) if g else 0 for g in match.groups()]
        return cls(
            years=parts[0],
            months=parts[1],
            weeks=parts[2],
            days=parts[3],
            hours=parts[4],
            minutes=parts[5],
            seconds=parts[6],
        )

    @classmethod
    def of(cls, delta: dt.timedelta) -> Duration:
        """The duration of a timedelta, in days, hours, minutes and seconds.

        Parameters
        ----------
        delta
            A non-negative whole number of seconds.

        Returns
        -------
        Duration

        Raises
        ------
        ValueError
            When ``delta`` is negative, holds a fraction of a second, or is too large.
        """
        total = int(delta.total_seconds())
        if total < 0 or total != delta.total_seconds():
            raise ValueError("a duration must be a non-negative whole number of seconds")
        days, rest = divmod(total, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, seconds = divmod(rest, 60)
        return cls(days=days, hours=hours, minutes=minutes, seconds=seconds)

    def __str__(self) -> str:
        date = "".join(
            f"{v}{u}" for v, u in ((self.years, "Y"), (self.months, "M"), (self.weeks, "W"), (self.days, "D")) if v
        )
        time = "".join(f"{v}{u}" for v, u in ((self.hours, "H"), (self.minutes, "M"), (self.seconds, "S")) if v)
        if not date and not time:
            return "PT0S"
        return "P" + date + ("T" + time if time else "")

    @property
    def is_calendar(self) -> bool:
        """True when the duration has years or months, whose length depends on the calendar."""
        return bool(self.years or self.months)

    def to_timedelta(self, *, average_months: bool = False) -> dt.timedelta:
        """The length as a timedelta.

        Parameters
        ----------
        average_months
            Count a month as the average Gregorian month (30.436875 days) and a year as twelve.

        Returns
        -------
        datetime.timedelta

        Raises
        ------
        ValueError
            When the duration has years or months and ``average_months`` is False.
        """
        days = self.weeks * 7 + self.days
        if self.is_calendar:
            if not average_months:
                raise ValueError(
                    f"{self} has years or months, which have no fixed length; "
                    "pass average_months=True to count a month as 30.436875 days"
                )
            days_f = days + (self.years * 12 + self.months) * 30.436875
            return dt.timedelta(days=days_f, hours=self.hours, minutes=self.minutes, seconds=self.seconds)
        return dt.timedelta(days=days, hours=self.hours, minutes=self.minutes, seconds=self.seconds)

    def hours_total(self) -> float:
        """Length in hours.

        Returns
        -------
        float

        Raises
        ------
        ValueError
            When the duration has years or months, which have no fixed length.
        """
        return self.to_timedelta().total_seconds() / 3600

    def describe(self) -> str:
        """The duration in plain English.

        Returns
        -------
        str
            ``2 hours``, ``1 week``, ``1 hour 30 minutes``; ``no time`` when empty.
        """
        values = (self.years, self.months, self.weeks, self.days, self.hours, self.minutes, self.seconds)
        words = [f"{v} {many if v != 1 else one}" for v, (many, one) in zip(values, _WORDS, strict=True) if v]
        return " ".join(words) if words else "no time"

    def cadence_word(self) -> str:
        """How often something recurs at this interval.

        Returns
        -------
        str
            ``daily``, ``weekly``, ``fortnightly``, ``monthly``, ``yearly``, else ``every`` and
            the duration (``every 3 weeks``).
        """
        single = {
            Duration(days=1): "daily",
            Duration(weeks=1): "weekly",
            Duration(weeks=2): "fortnightly",
            Duration(months=1): "monthly",
            Duration(years=1): "yearly",
        }
        return single.get(self, f"every {self.describe()}")


def describe_hours(hours: float) -> str:
    """Hours as people read them: ``2 h``, ``1.5 h``, ``20 h``.

    Parameters
    ----------
    hours
        A number of hours.

    Returns
    -------
    str
    """
    if math.isclose(hours, round(hours)):
        return f"{round(hours)} h"
    return f"{hours:.2f}".rstrip("0").rstrip(".") + " h"


@attrs.frozen(kw_only=True)
class IsoDate:
    """An ISO 8601 calendar date at the precision the source gives: ``2019``, ``2019-09`` or ``2019-09-01``.

    Case studies often date an event only to a month ("launched in September 2019"): keeping the
    precision avoids inventing a day.
    """

    year: int = field(doc="Year.", checks=[Range(1, 9999)])
    month: int | None = field(doc="Month, when known.", default=None, checks=[Range(1, 12)])
    day: int | None = field(doc="Day, when known.", default=None, checks=[Range(1, 31)])

    def __attrs_post_init__(self) -> None:
        problems: list[tuple[Path, str]] = []
        if self.day is not None and self.month is None:
            problems.append((("day",), "a day needs a month"))
        elif self.day is not None and self.month is not None:
            try:
                dt.date(self.year, self.month, self.day)
            except ValueError:
                problems.append((("day",), f"{self} is not a date in the calendar"))
        check_problems(problems)

    @classmethod
    def parse(cls, text: str) -> IsoDate:
        """Read an ISO date at the precision written.

        Parameters
        ----------
        text
            ``2019``, ``2019-09`` or ``2019-09-01``.

        Returns
        -------
        IsoDate

        Raises
        ------
        ValueError
            When ``text`` is not such a date, or not a day of the calendar.
        """
        if not _DATE_RE.fullmatch(text):
            raise ValueError(f"{text!r} is not an ISO date such as 2019-09-01, 2019-09 or 2019")
        parts = [int(p) for p in text.split("-")]
        try:
            return cls(
                year=parts[0],
                month=parts[1] if len(parts) > 1 else None,
                day=parts[2] if len(parts) > 2 else None,
            )
        except ModelError as error:
            raise ValueError(f"{text!r} is not a date in the calendar") from error

    @classmethod
    def of(cls, value: dt.date) -> IsoDate:
        """The date of a `datetime.date`, to the day.

        Parameters
        ----------
        value
            Any date.

        Returns
        -------
        IsoDate
        """
        return cls(year=value.year, month=value.month, day=value.day)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    @property
    def precision(self) -> str:
        """``year``, ``month`` or ``day``."""
        return "day" if self.day is not None else "month" if self.month is not None else "year"

    def start(self) -> dt.date:
        """The first day the date can mean (1 January for a year, the 1st for a month).

        Returns
        -------
        datetime.date
        """
        return dt.date(self.year, self.month or 1, self.day or 1)

    def end(self) -> dt.date:
        """The last day the date can mean (31 December for a year, the month's last day for a month).

        Returns
        -------
        datetime.date
        """
        if self.day is not None:
            return self.start()
        if self.month is None:
            return dt.date(self.year, 12, 31)
        first_next = dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
        return first_next - dt.timedelta(days=1)


@attrs.frozen(kw_only=True)
class IntRange:
    """A range of counts in one group (participants, cases); either end may be open."""

    min: int | None = field(doc="Smallest allowed value.", default=None, checks=[Range(0, MAX_GROUP)])
    max: int | None = field(
        doc="Largest allowed value; at least 1, since a group of none makes no sense.",
        default=None,
        checks=[Range(1, MAX_GROUP)],
    )

    def __attrs_post_init__(self) -> None:
        problems: list[tuple[Path, str]] = []
        if self.min is not None and self.max is not None and self.min > self.max:
            problems.append((("min",), f"min ({self.min}) is larger than max ({self.max})"))
        check_problems(problems)

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, int):
            return False
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def __str__(self) -> str:
        if self.min is not None and self.max is not None:
            return str(self.min) if self.min == self.max else f"{self.min} to {self.max}"
        if self.min is not None:
            return f"at least {self.min}"
        if self.max is not None:
            return f"up to {self.max}"
        return "any number"


class NoneAs(Check):
    """Documents write ``word`` where an optional field's value is None, and never null.

    ``retakes: unlimited`` reads as None and None is written back as ``unlimited``; ``null`` is
    refused. The JSON Schema accepts what ``value`` (the schema of the field's other values)
    describes, or the word, and not null. A check with nothing to refuse itself: the converter
    reads and writes the word.
    """

    def __init__(self, word: str, value: Mapping[str, Any]) -> None:
        self.word = word
        self.schema = MappingProxyType({"anyOf": [dict(value), {"const": word}]})

    def problem(self, value: Any) -> str | None:
        return None


#: a plan's period: whole years and months, or whole weeks and days, not a mix, not empty, no time part
PERIOD_PATTERN: Final = r"^(?=.*[1-9])P(?:[0-9]+Y(?:[0-9]+M)?|[0-9]+M|[0-9]+W(?:[0-9]+D)?|[0-9]+D)$"


class SchemaOnly(Check):
    """What the JSON Schema can say of a rule the model checks elsewhere, with its own message: nothing to
    refuse here, a schema keyword there (a plan's period, checked by ``calendar.period_problem``)."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = MappingProxyType(dict(schema))

    def problem(self, value: Any) -> str | None:
        return None


PERIOD: Final = SchemaOnly({"pattern": PERIOD_PATTERN})


class NonZero(Check):
    """A duration longer than zero, for lengths and intervals where nothing makes no sense (a cadence)."""

    schema = MappingProxyType({"pattern": NONZERO_DURATION_PATTERN})

    def problem(self, value: Any) -> str | None:
        if isinstance(value, Duration) and value == Duration():
            return "must be longer than zero"
        return None


LONGER_THAN_ZERO: Final = NonZero()
