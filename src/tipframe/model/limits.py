"""Upper bounds on the numbers documents give: one table, so that fields counting alike are bounded alike.

docs/documents.md ("Bounds on counts") lists each bound with the fields it applies to. Larger
numbers are mistakes (no employer has more staff, no group more people), and some would
overflow the engines' arrays.
"""

from __future__ import annotations

from typing import Final

#: people in a workforce, and counts of people or events: headcounts, observed counts, service
#: capacities and referral volumes per period
MAX_PEOPLE: Final = 100_000_000
#: people (or cases) in one group or cohort
MAX_GROUP: Final = 100_000
#: facilitators of one group or cohort
MAX_FACILITATORS: Final = 100
#: sessions of a programme, cohorts a trainer runs, trainers an organisation starts with, retakes
MAX_COUNT: Final = 1_000_000
#: cohorts a trainer runs at once
MAX_CONCURRENT: Final = 1_000
#: periods a plan simulates
MAX_PERIODS: Final = 10_000
