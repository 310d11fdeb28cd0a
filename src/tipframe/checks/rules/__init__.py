"""tipframe's own rules, by family: TIP1 principles, TIP2 facilitation and levels, TIP3 schedule and
group, TIP4 cascade and references, TIP5 privacy, TIP6 staff wellbeing, TIP7 referral networks."""

from typing import Final

from tipframe.checks.rule import Rule
from tipframe.checks.rules import facilitation, network, principles, privacy, references, schedule, wellbeing

FAMILIES: Final = {
    "TIP1": ("Principles", principles),
    "TIP2": ("Facilitation and practice levels", facilitation),
    "TIP3": ("Schedule and group", schedule),
    "TIP4": ("Cascade and references", references),
    "TIP5": ("Privacy", privacy),
    "TIP6": ("Staff wellbeing", wellbeing),
    "TIP7": ("Referral networks", network),
}

#: every built-in rule, in code order (an immutable tuple: registries copy it)
BUILTIN_RULES: Final[tuple[Rule, ...]] = tuple(
    sorted(
        (value for _, module in FAMILIES.values() for value in vars(module).values() if isinstance(value, Rule)),
        key=lambda r: r.code,
    )
)
