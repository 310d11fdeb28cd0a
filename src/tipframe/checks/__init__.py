"""Practice checks: rules that review documents against trauma-informed principles and practice levels.

Rules are plain functions turned into `Rule` objects by the `rule` decorator and held in a
`Registry`; `check` runs them and returns `Findings`. Host applications build their own
registry (``Registry.default()`` plus their rules) or expose rules through the
``tipframe.rules`` entry-point group.
"""

from tipframe.checks.context import CheckOptions, Context
from tipframe.checks.engine import RULE_FAILED, check
from tipframe.checks.findings import Finding, Findings, Severity
from tipframe.checks.registry import ENTRY_POINT_GROUP, Registry
from tipframe.checks.rule import Report, Rule, rule

__all__ = [
    "ENTRY_POINT_GROUP",
    "RULE_FAILED",
    "CheckOptions",
    "Context",
    "Finding",
    "Findings",
    "Registry",
    "Report",
    "Rule",
    "Severity",
    "check",
    "rule",
]
