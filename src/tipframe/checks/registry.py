"""The Registry: a set of rules by code, tipframe's own and those installed packages expose."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from importlib import metadata
from typing import Final

from tipframe.checks.rule import Rule
from tipframe.checks.rules import BUILTIN_RULES

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP: Final = "tipframe.rules"


def _matches(rule_: Rule, prefixes: Iterable[str]) -> bool:
    return any(rule_.code.startswith(p.upper()) or rule_.name == p for p in prefixes)


class Registry:
    """A set of rules by code. Each registry is its own object: there is no shared, global one."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self._rules: dict[str, Rule] = {}
        self.add(*rules)

    @classmethod
    def builtin(cls) -> Registry:
        """A new registry holding tipframe's own rules."""
        return cls(BUILTIN_RULES)

    @classmethod
    def default(cls) -> Registry:
        """A new registry of the built-in rules plus those installed packages expose in the ``tipframe.rules`` group.

        Raises
        ------
        ValueError
            When an installed rule has the code of one already registered.
        """
        registry = cls.builtin()
        registry.load_entry_points()
        return registry

    def add(self, *rules: Rule, replace: bool = False) -> None:
        """Add rules.

        Parameters
        ----------
        *rules
            Rules made with `rule`.
        replace
            Replace a rule with the same code rather than refuse it.

        Raises
        ------
        TypeError
            When something other than a `Rule` is given.
        ValueError
            When a code is already registered and ``replace`` is False.
        """
        for new in rules:
            if not isinstance(new, Rule):
                raise TypeError(f"expected a Rule (made with tipframe.checks.rule), not {type(new).__name__}")
            if new.code in self._rules and not replace:
                raise ValueError(f"a rule with code {new.code} is already registered ({self._rules[new.code].name})")
            self._rules[new.code] = new

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Add the rules installed packages expose: each entry point names a Rule, or an iterable of them.

        An entry point may also name a function that returns the rules.

        Parameters
        ----------
        group
            The entry-point group.

        Raises
        ------
        TypeError, ValueError
            As for `add`; and whatever loading an entry point raises.
        """
        for entry in metadata.entry_points(group=group):
            loaded = entry.load()
            found = [loaded] if isinstance(loaded, Rule) else list(loaded() if callable(loaded) else loaded)
            log.debug("rules from entry point %s: %s", entry.name, [r.code for r in found])
            self.add(*found)

    def selected(self, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> list[Rule]:
        """Rules whose code starts with a ``select`` prefix (or whose name is given), less those ignored.

        Parameters
        ----------
        select
            Codes, code prefixes (``TIP1``) or rule names; None selects every rule.
        ignore
            Codes, code prefixes or rule names to leave out.

        Returns
        -------
        list of Rule
            In code order.
        """
        chosen = [r for r in self if select is None or _matches(r, list(select))]
        ignored = list(ignore or ())
        return [r for r in chosen if not _matches(r, ignored)]

    def get(self, code: str) -> Rule:
        """The rule with this code.

        Parameters
        ----------
        code
            A rule's code (``TIP101``).

        Returns
        -------
        Rule

        Raises
        ------
        KeyError
            When no rule has this code.
        """
        return self._rules[code]

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=lambda r: r.code))

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, code: object) -> bool:
        return code in self._rules
