"""A host application's rules, exposed the way an installed package would expose them."""

from __future__ import annotations

from collections.abc import Iterator

from tipframe import Programme
from tipframe.checks import Context, Report, Severity, rule


@rule(
    "HOST201",
    "names-a-sponsor",
    summary="A programme has no x-sponsor.",
    severity=Severity.INFO,
    kinds=[Programme],
    rationale="The host records who sponsors each programme.",
    citation="Host application policy",
)
def names_a_sponsor(programme: Programme, context: Context) -> Iterator[Report]:
    if "x-sponsor" not in programme.extensions:
        yield Report(message="no x-sponsor")


RULES = [names_a_sponsor]
