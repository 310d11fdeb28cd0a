"""Field declarations shared by the model: documented fields whose checks also describe the schema.

Every constraint on a single field is a `Check`: it validates a value when an object is built and
contributes the same rule to the JSON Schema, so the code and the schema share one source.
Constraints that involve several fields live in each class's ``_problems`` method and raise
`ModelError`.
"""

from __future__ import annotations

import math
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from types import MappingProxyType
from typing import Any, Final

import attrs

from tipframe.model.characters import REFUSED, refused_characters

ID_PATTERN: Final = r"^[a-z][a-z0-9-]*$"
REF_PATTERN: Final = r"^(builtin:)?[a-z][a-z0-9-]*$"
#: text with something besides white space in it, and no refused character (tab and line feed are fine)
TEXT_PATTERN: Final = rf"^(?=[\s\S]*\S)[^{REFUSED}]*$"

#: a path inside a document: keys and list indices, outermost first
Path = tuple[str | int, ...]


def format_path(path: Sequence[str | int]) -> str:
    """Render a path as people write it: ``sessions[3].duration``.

    Parameters
    ----------
    path
        Keys and list indices, outermost first: ``("sessions", 3, "duration")``.

    Returns
    -------
    str
        Empty for the empty path.
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


class ModelError(ValueError):
    """A model object was given values that contradict each other.

    ``problems`` holds each problem as ``(path, message)``, the path relative to the object.
    """

    def __init__(self, problems: Sequence[tuple[Path, str]]) -> None:
        self.problems: tuple[tuple[Path, str], ...] = tuple(problems)
        super().__init__("; ".join(f"{format_path(p)}: {m}" if p else m for p, m in self.problems))


class Check:
    """One constraint on a field's value, with its JSON Schema counterpart."""

    schema: Mapping[str, Any] = MappingProxyType({})
    #: the layer that reports a broken constraint: "schema" when the JSON Schema says the same
    layer: str = "schema"

    def problem(self, value: Any) -> str | None:
        """A message when ``value`` breaks the constraint, else None (subclasses define it).

        Parameters
        ----------
        value
            The field's value (never None: an absent value is not checked).
        """
        raise NotImplementedError

    def issues(self, value: Any) -> list[tuple[Path, str]]:
        """Each problem with ``value`` as ``(path within the value, message)``.

        Parameters
        ----------
        value
            The field's value.
        """
        message = self.problem(value)
        return [] if message is None else [((), message)]

    def __call__(self, inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        message = self.problem(value)
        if message is not None:
            raise ValueError(f"{attribute.name}: {message}")


class Pattern(Check):
    def __init__(self, pattern: str, meaning: str) -> None:
        self._re = re.compile(pattern)
        self._meaning = meaning
        self.schema = MappingProxyType({"pattern": pattern})

    def problem(self, value: Any) -> str | None:
        if isinstance(value, str) and not self._re.fullmatch(value):
            hidden = refused_characters(value)
            return f"{value!r} is not {self._meaning}" + (f"; it {hidden}" if hidden else "")
        return None


class NonEmpty(Check):
    def __init__(self, *, array: bool = False) -> None:
        self.schema = MappingProxyType({"minItems": 1} if array else {"minLength": 1})

    def problem(self, value: Any) -> str | None:
        if isinstance(value, str) and not value.strip():
            return "must not be empty"
        if isinstance(value, tuple) and not value:
            return "must list at least one item"
        return None


class Text(NonEmpty):
    """Text with something to read, and none of the characters `tipframe.model.characters` refuses."""

    def __init__(self) -> None:
        self.schema = MappingProxyType({"minLength": 1, "pattern": TEXT_PATTERN})

    def problem(self, value: Any) -> str | None:
        return super().problem(value) or (refused_characters(value) if isinstance(value, str) else None)


class Range(Check):
    """A number between ``low`` and ``high`` inclusive (either may be open); never NaN or infinite."""

    def __init__(self, low: float | None = None, high: float | None = None) -> None:
        self.low, self.high = low, high
        schema: dict[str, Any] = {}
        if low is not None:
            schema["minimum"] = low
        if high is not None:
            schema["maximum"] = high
        self.schema = MappingProxyType(schema)

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if isinstance(value, float) and not math.isfinite(value):
            return f"must be a finite number, not {value}"
        if self.low is not None and value < self.low:
            return f"must be at least {_num(self.low)}, not {_num(value)}"
        if self.high is not None and value > self.high:
            return f"must be at most {_num(self.high)}, not {_num(value)}"
        return None


class Unique(Check):
    schema = MappingProxyType({"uniqueItems": True})

    def problem(self, value: Any) -> str | None:
        found = self.issues(value)
        return None if not found else found[0][1]

    def issues(self, value: Any) -> list[tuple[Path, str]]:
        if not isinstance(value, tuple):
            return []
        found: list[tuple[Path, str]] = []
        seen: set[Any] = set()
        for index, item in enumerate(value):
            if item in seen:
                shown = item.value if isinstance(item, Enum) else item
                found.append(((index,), f"{shown!r} is listed more than once"))
            seen.add(item)
        return found


class Each(Check):
    """Apply checks to every item of a tuple."""

    def __init__(self, *checks: Check) -> None:
        self.checks = checks
        items: dict[str, Any] = {}
        for check in checks:
            items.update(check.schema)
        self.schema = MappingProxyType({"items": items})

    def problem(self, value: Any) -> str | None:
        found = self.issues(value)
        return None if not found else f"item {found[0][0][0]}: {found[0][1]}"

    def issues(self, value: Any) -> list[tuple[Path, str]]:
        if not isinstance(value, tuple):
            return []
        return [
            ((index,), message)
            for index, item in enumerate(value)
            for check in self.checks
            if (message := check.problem(item)) is not None
        ]


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


IDENTIFIER: Final = Pattern(ID_PATTERN, "a valid id (lower-case letters, digits and '-', starting with a letter)")
REFERENCE: Final = Pattern(REF_PATTERN, "a valid reference (an id, or builtin:ID for a built-in document)")
TEXT: Final = Text()


def field(
    *,
    doc: str,
    checks: Sequence[Check] = (),
    default: Any = attrs.NOTHING,
    factory: Callable[[], Any] | None = None,
    converter: Callable[[Any], Any] | None = None,
    eq: bool = True,
    hash: bool | None = None,
    repr: bool = True,
    ref: str | None = None,
    member_of: str | None = None,
    member: str | None = None,
) -> Any:
    """Declare a documented model field; ``checks`` validate it and describe it in the schema.

    ``ref`` names the document kind a reference field points to; ``member_of`` names the
    top-level field whose referenced document must contain this id (a principle of the
    programme's framework), and ``member`` which of that document's collections (default its
    first, see `Document.members`). Bundles resolve both.

    Parameters
    ----------
    doc
        What the field means, for the field reference and the JSON Schema.
    checks
        Constraints on the value, each also a JSON Schema keyword.
    default, factory, converter, eq, hash, repr
        As for `attrs.field` (lists are converted to tuples unless ``converter`` is given).
    ref
        The document kind a reference field names (``"Programme"``).
    member_of, member
        The top-level reference field whose document must hold this id, and which of its
        collections.

    Returns
    -------
    Any
        What `attrs.field` returns, its metadata holding ``doc``, ``checks``, ``ref``,
        ``member_of`` and ``member``.
    """
    return attrs.field(
        default=attrs.Factory(factory) if factory is not None else default,
        validator=attrs.validators.and_(_TYPE_CHECK, *checks),
        converter=converter or _as_tuple,
        eq=eq,
        hash=hash,
        repr=repr,
        metadata={"doc": doc, "checks": tuple(checks), "ref": ref, "member_of": member_of, "member": member},
    )


def _as_tuple(value: Any) -> Any:
    # Lists become tuples so that objects built in Python compare equal to loaded ones.
    return tuple(value) if isinstance(value, list) else value


def describe(value: Any) -> str:
    """Name a value's type and value for a message: ``the text '10'``, ``the number 3``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"the text {shown!r}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def _type_words(tp: Any) -> str:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_words(a) for a in args)
    if origin is tuple:
        return f"a tuple, each item {_type_words(args[0])}"
    if tp is type(None):
        return "None"
    if isinstance(tp, type) and issubclass(tp, Enum):
        example = next(iter(tp))
        return f"a {tp.__name__} (such as {tp.__name__}.{example.name})"
    name = getattr(tp, "__name__", str(tp))
    article = "an" if name[:1] in "AEIOU" else "a"
    return {"str": "text", "int": "a whole number", "bool": "True or False", "float": "a number"}.get(
        name, f"{article} {name}"
    )


def _matches(value: Any, tp: Any) -> bool:
    # Plain types first: they are most fields, and typing's introspection costs more than the check
    # (a national workforce's document holds tens of thousands of values).
    if tp is str:
        return isinstance(value, str)
    if tp is bool:
        return isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if tp is type(None):
        return value is None
    origin = typing.get_origin(tp)
    if tp is Any or origin is Mapping or tp is Mapping:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, a) for a in typing.get_args(tp))
    if origin is tuple:
        return isinstance(value, tuple) and all(_matches(v, typing.get_args(tp)[0]) for v in value)
    return isinstance(value, tp)


class _TypeCheck:
    """Refuse values of the wrong type in objects built in Python (documents are checked on reading)."""

    def __call__(self, inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        tp = attribute.type
        if isinstance(tp, str):
            attrs.resolve_types(type(inst))
            tp = attrs.fields_dict(type(inst))[attribute.name].type
        if not _matches(value, tp):
            raise TypeError(f"{attribute.name}: expected {_type_words(tp)}, not {describe(value)}")


_TYPE_CHECK: Final = _TypeCheck()


def field_checks(attribute: attrs.Attribute[Any]) -> tuple[Check, ...]:
    checks: tuple[Check, ...] = attribute.metadata.get("checks", ())
    return checks


def field_doc(attribute: attrs.Attribute[Any]) -> str:
    doc: str = attribute.metadata.get("doc", "")
    return doc


#: a top-level key editors use to name a JSON document's schema, kept like an ``x-`` key
SCHEMA_KEY: Final = "$schema"


def json_data(value: Any, where: str) -> Any:
    """``value`` as JSON data (tuples become lists); ValueError naming ``where`` for anything else."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        if re.search("[\ud800-\udfff]", value):
            raise ValueError(f"{where}: a lone surrogate is not Unicode text")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where}: {value} cannot be written as JSON; use a finite number or text")
        return value
    if isinstance(value, list | tuple):
        return [json_data(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{where}: keys must be text, not {describe(key)}")
            out[key] = json_data(item, f"{where}.{key}")
        return out
    raise ValueError(
        f"{where}: x- data holds text, numbers, true/false, null, lists and mappings, not {type(value).__name__}"
    )


def freeze_extensions(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """Hold extension data read-only, as JSON data, in the author's key order."""
    if isinstance(value, MappingProxyType):
        return value
    frozen = {}
    for key, item in (value or {}).items():
        if not isinstance(key, str) or not (key.startswith("x-") or key == SCHEMA_KEY):
            raise ValueError(f"extension keys begin with 'x-', not {key!r}")
        frozen[key] = json_data(item, key)
    return MappingProxyType(frozen)


def extensions_field() -> Any:
    """``x-`` keys (a host application's own data), kept verbatim and in order; not hashed."""
    return field(
        doc="Keys beginning with 'x-': a host application's own data, kept verbatim.",
        factory=dict,
        converter=freeze_extensions,
        hash=False,
        repr=False,
    )


def organisation_reference() -> Any:
    """The Organisation document an entry of a workforce or a referral network is, when there is one."""
    return field(
        doc="The Organisation document it is (a reference), when there is one.",
        default=None,
        checks=[REFERENCE],
        ref="Organisation",
    )


def plan_organisation(doc: str = "Organisation id in the plan's workforce.") -> Any:
    """A plan's entry naming one organisation of the workforce the plan names (checked by the bundle)."""
    return field(doc=doc, checks=[IDENTIFIER], member_of="workforce", member="organisations")


def repeats(items: Sequence[Any], list_name: str, key: str, message: str) -> list[tuple[Path, str]]:
    """A problem at each item whose ``key`` attribute repeats an earlier one's.

    ``message`` is formatted with the repeated value as ``{value!r}`` or ``{value}``.
    """
    problems: list[tuple[Path, str]] = []
    seen: set[Any] = set()
    for index, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            problems.append(((list_name, index, key), message.format(value=value)))
        seen.add(value)
    return problems


def check_problems(problems: list[tuple[Path, str]]) -> None:
    """Raise `ModelError` when a class's cross-field check found anything."""
    if problems:
        raise ModelError(problems)
