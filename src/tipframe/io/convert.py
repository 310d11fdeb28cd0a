"""The one cattrs converter: plain data to model objects and back, strictly, reporting every problem.

cattrs dispatches on types; the hooks here refuse coercion (``"10"`` is not a number, ``false``
is not a name), check every field before an object is built, and collect every problem with its
path instead of stopping at the first. ``x-`` keys are kept on every object, in order. A field
with a `NoneAs` check reads and writes its word for None (``retakes: unlimited``) and refuses null.
"""

from __future__ import annotations

import difflib
import math
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from typing import Any, Final

import attrs
import cattrs

from tipframe.io.problems import Layer
from tipframe.model.cascade import Distribution, Parameter
from tipframe.model.document import Illustrative
from tipframe.model.fields import ModelError, Path, describe, field_checks, json_data
from tipframe.model.values import DATE_PATTERN, DURATION_PATTERN, Duration, IsoDate, NoneAs

#: (path, message, layer, whether the problem is with the key itself)
Issue = tuple[Path, str, Layer, bool]

_DATE: Final = re.compile(DATE_PATTERN)
_DURATION: Final = re.compile(DURATION_PATTERN)
_SEXAGESIMAL: Final = re.compile(r"[0-9]+(?::[0-5]?[0-9])+")
_YAML11_BOOL: Final = frozenset(
    {"yes", "no", "on", "off", "y", "n", "Yes", "No", "On", "Off", "YES", "NO", "ON", "OFF", "Y", "N"}
)
# Document-level fields that read best at the end of a file.
_TAIL: Final = ("sources", "illustrative")


class Invalid(Exception):
    """Problems found while structuring; paths are relative to the value being structured."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        super().__init__("; ".join(message for _, message, _, _ in issues))
        self.issues = list(issues)


def _text_hint(value: Any, wanted: str) -> str:
    if not isinstance(value, str):
        return ""
    numeric = wanted in ("number", "whole number")
    digits = value.strip().lstrip("-+")
    if numeric and _SEXAGESIMAL.fullmatch(value):
        return " (YAML 1.1 would read this as a base-60 number; write the number itself, or a duration such as PT1H30M)"
    if wanted == "boolean" and value in _YAML11_BOOL:
        return " (YAML 1.2, which tipframe reads, writes booleans as true and false)"
    if numeric and "_" in digits and digits.replace("_", "").replace(".", "", 1).isdigit():
        return " (YAML 1.2 reads digits with underscores as text; write the number without them)"
    if numeric and digits.replace(".", "", 1).isdigit():
        return " (remove the quotes to make it a number)"
    return ""


def _fail(message: str) -> Invalid:
    return Invalid([((), message, "schema", False)])


def _structure_str(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise _fail(f"expected text, not {describe(value)}; quote it if it is meant as text")
    return value


def _structure_int(value: Any, _: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
            # JSON Schema counts 10.0 as an integer; tipframe keeps numbers as written, so only
            # the model layer can refuse it.
            message = f"expected a whole number, not {describe(value)}; write {int(value)}"
            raise Invalid([((), message, "model", False)])
        raise _fail(f"expected a whole number, not {describe(value)}{_text_hint(value, 'whole number')}")
    return value


def _structure_float(value: Any, _: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(f"expected a number, not {describe(value)}{_text_hint(value, 'number')}")
    if not math.isfinite(value):
        raise _fail(f"expected a finite number, not {value}")
    return float(value)


def _structure_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(f"expected true or false, not {describe(value)}{_text_hint(value, 'boolean')}")
    return value


def _structure_duration(value: Any, _: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    if not isinstance(value, str):
        raise _fail(f"expected an ISO 8601 duration such as PT2H or P1W, not {describe(value)}")
    if not _DURATION.fullmatch(value):
        try:
            Duration.parse(value)
        except ValueError as error:
            raise _fail(str(error)) from None
    try:
        return Duration.parse(value)
    except ValueError as error:
        # Well formed, but a part is beyond MAX_DURATION_PART: more than a pattern can say.
        raise Invalid([((), f"{value}: {error}", "model", False)]) from None


def _structure_date(value: Any, _: Any) -> IsoDate:
    if isinstance(value, IsoDate):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 9999:
        return IsoDate(year=value)  # an unquoted year reads as a number
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise _fail(f"expected an ISO date such as 2019-09-01, 2019-09 or 2019, not {describe(value)}")
    try:
        return IsoDate.parse(value)
    except ValueError as error:
        # Well formed, but not in the calendar (2019-02-30): beyond what a schema pattern can say.
        raise Invalid([((), str(error), "model", False)]) from None


_DISTRIBUTIONS: Final = tuple(d.value for d in Distribution if d is not Distribution.FIXED)


def _structure_parameter(value: Any, _: Any) -> Parameter:
    """``0.837`` is a fixed value; ``{beta: [83.7, 16.3]}`` a distribution drawn once per replicate."""
    if isinstance(value, Parameter):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise _fail(f"expected a finite number, not {value}")
        return Parameter.fixed(value)
    shape = f"a number, or one of {', '.join('{' + d + ': [x, y]}' for d in _DISTRIBUTIONS)}"
    if not isinstance(value, Mapping) or len(value) != 1:
        raise _fail(f"expected {shape}, not {describe(value)}")
    ((name, numbers),) = value.items()
    if name not in _DISTRIBUTIONS:
        raise Invalid(
            [
                (
                    (name,),
                    f"unknown distribution {name!r}: one of {', '.join(_DISTRIBUTIONS)}"
                    f"{did_you_mean(str(name), _DISTRIBUTIONS)}",
                    "schema",
                    True,
                )
            ]
        )
    if (
        not isinstance(numbers, list)
        or len(numbers) != 2
        or any(isinstance(n, bool) or not isinstance(n, int | float) for n in numbers)
    ):
        raise Invalid([((name,), f"{name} takes a list of two numbers, not {describe(numbers)}", "schema", False)])
    try:
        return Parameter(distribution=Distribution(name), values=tuple(float(n) for n in numbers))
    except ModelError as error:
        raise Invalid([((name,), message, "model", False) for _, message in error.problems]) from None


def _unstructure_parameter(parameter: Parameter) -> Any:
    if parameter.distribution is Distribution.FIXED:
        value = parameter.values[0]
        return int(value) if isinstance(value, int) else value
    return {parameter.distribution.value: list(parameter.values)}


def _is_enum(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, Enum)


def _enum_hook(cls: type[Enum]) -> Callable[[Any, Any], Enum]:
    values = [member.value for member in cls]

    def structure(value: Any, _: Any) -> Enum:
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            for member in cls:
                if member.value == value:
                    return member
        suggestion = did_you_mean(value, values) if isinstance(value, str) else ""
        raise _fail(f"{describe(value)} is not one of: {', '.join(values)}{suggestion}")

    return structure


def did_you_mean(word: str, options: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest option (ignoring case), or an empty string."""
    by_lower = {option.lower(): option for option in options}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    close = [by_lower[c] for c in close]
    return f" (did you mean {close[0]!r}?)" if close else ""


def _is_tuple(cls: Any) -> bool:
    args = typing.get_args(cls)
    return typing.get_origin(cls) is tuple and len(args) == 2 and args[1] is Ellipsis


def _is_optional(cls: Any) -> bool:
    origin = typing.get_origin(cls)
    return origin in (typing.Union, types.UnionType) and type(None) in typing.get_args(cls)


def _prefix(issues: Sequence[Issue], *parts: str | int) -> list[Issue]:
    return [((*parts, *path), message, layer, key) for path, message, layer, key in issues]


def _field_default(field: attrs.Attribute[Any]) -> Any:
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory()
    return default


def _tuple_hook(cls: Any, converter: cattrs.Converter) -> Callable[[Any, Any], tuple[Any, ...]]:
    item_type = typing.get_args(cls)[0]

    def structure(value: Any, _: Any) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise _fail(f"expected a list, not {describe(value)}")
        items: list[Any] = []
        issues: list[Issue] = []
        for index, item in enumerate(value):
            try:
                items.append(converter.structure(item, item_type))
            except Invalid as error:
                issues.extend(_prefix(error.issues, index))
        if issues:
            raise Invalid(issues)
        return tuple(items)

    return structure


def _optional_hook(cls: Any, converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    inner = [a for a in typing.get_args(cls) if a is not type(None)]
    target: Any = inner[0] if len(inner) == 1 else typing.Union[tuple(inner)]  # noqa: UP007

    def structure(value: Any, _: Any) -> Any:
        return None if value is None else converter.structure(value, target)

    return structure


def _other_keys(
    value: Mapping[Any, Any], names: list[str], keeps_extensions: bool
) -> tuple[dict[str, Any], list[Issue]]:
    """The ``x-`` keys a host application keeps (as JSON data), and every unknown key as an issue."""
    issues: list[Issue] = []
    extensions: dict[str, Any] = {}
    for key in value:
        if keeps_extensions and isinstance(key, str) and key.startswith("x-"):
            try:
                extensions[key] = json_data(value[key], key)
            except ValueError as error:
                # JSON Schema cannot see NaN or infinity (JSON has neither).
                issues.append(((key,), str(error).removeprefix(f"{key}: "), "model", False))
        elif key not in names:
            hint = did_you_mean(str(key), names)
            if not hint and keeps_extensions:
                hint = " (a host application's own data goes under a key beginning with 'x-')"
            issues.append(((key,), f"unknown key {key!r}{hint}", "schema", True))
    return extensions, issues


def _none_word(field: attrs.Attribute[Any]) -> str | None:
    """The word documents write for None in ``field`` (`NoneAs`), if it has one."""
    return next((check.word for check in field_checks(field) if isinstance(check, NoneAs)), None)


def _structure_field(raw: Any, field: attrs.Attribute[Any], converter: cattrs.Converter) -> Any:
    """One field's value; a field with a `NoneAs` word reads the word as None and refuses null."""
    word = _none_word(field)
    if word is None:
        return converter.structure(raw, typing.cast(type[Any], field.type))
    if isinstance(raw, str) and raw == word:
        return None
    kept = [a for a in typing.get_args(field.type) if a is not type(None)]
    target: Any = kept[0] if len(kept) == 1 else typing.Union[tuple(kept)]  # noqa: UP007
    try:  # as the field's type without None, so that null is refused
        return converter.structure(raw, target)
    except Invalid as error:
        hint = did_you_mean(raw, [word]) if isinstance(raw, str) else ""
        raise Invalid(
            [
                (path, message.replace(", not ", f" or {word!r}, not ", 1) + hint if not path else message, layer, key)
                for path, message, layer, key in error.issues
            ]
        ) from None


def _field_values(
    value: Mapping[Any, Any], fields: list[attrs.Attribute[Any]], converter: cattrs.Converter
) -> tuple[dict[str, Any], list[Issue]]:
    """Each field present, structured and checked; a missing required field or a failed check is an issue."""
    kwargs: dict[str, Any] = {}
    issues: list[Issue] = []
    for field in fields:
        if field.name not in value:
            if field.default is attrs.NOTHING:
                issues.append(((field.name,), f"missing required key {field.name!r}", "schema", True))
            continue
        try:
            item = _structure_field(value[field.name], field, converter)
        except Invalid as error:
            issues.extend(_prefix(error.issues, field.name))
            continue
        found = [
            ((field.name, *path), message, check.layer, False)
            for check in field_checks(field)
            for path, message in check.issues(item)
        ]
        if found:
            issues.extend(typing.cast(list[Issue], found))
            continue
        kwargs[field.name] = item
    return kwargs, issues


def _attrs_hook(cls: type[Any], converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    attrs.resolve_types(cls)
    fields = [f for f in attrs.fields(cls) if f.init and f.name != "extensions"]
    names = [f.name for f in fields]
    keeps_extensions = "extensions" in attrs.fields_dict(cls)

    def structure(value: Any, _: Any) -> Any:
        if isinstance(value, cls):
            return value
        if not isinstance(value, Mapping):
            raise _fail(f"expected a mapping of keys to values, not {describe(value)}")
        extensions, issues = _other_keys(value, names, keeps_extensions)
        kwargs, more = _field_values(value, fields, converter)
        issues += more
        if issues:
            raise Invalid(issues)
        if keeps_extensions:
            kwargs["extensions"] = extensions
        try:
            return cls(**kwargs)
        except ModelError as error:
            raise Invalid([(path, message, "model", False) for path, message in error.problems]) from None
        except (TypeError, ValueError) as error:  # a field check the pre-checks above did not foresee
            raise Invalid([((), str(error), "model", False)]) from None

    return structure


def _illustrative_hook(converter: cattrs.Converter) -> Callable[[Any, Any], Illustrative]:
    """A bare path is shorthand for ``{path: ...}``."""
    mapping = _attrs_hook(Illustrative, converter)

    def structure(value: Any, _: Any) -> Illustrative:
        result: Illustrative = mapping({"path": value} if isinstance(value, str) else value, Illustrative)
        return result

    return structure


def _attrs_unhook(cls: type[Any], converter: cattrs.Converter) -> Callable[[Any], dict[str, Any]]:
    attrs.resolve_types(cls)
    fields = [f for f in attrs.fields(cls) if f.init and f.name != "extensions"]
    fields = [f for f in fields if f.name not in _TAIL] + [f for f in fields if f.name in _TAIL]

    def unstructure(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in fields:
            item = getattr(obj, field.name)
            if field.default is not attrs.NOTHING and item == _field_default(field):
                continue
            word = _none_word(field) if item is None else None
            out[field.name] = word if word is not None else converter.unstructure(item, unstructure_as=field.type)
        out.update(getattr(obj, "extensions", {}))
        return out

    return unstructure


def _tuple_unhook(cls: Any, converter: cattrs.Converter) -> Callable[[tuple[Any, ...]], list[Any]]:
    item_type = typing.get_args(cls)[0]
    return lambda items: [converter.unstructure(item, unstructure_as=item_type) for item in items]


def _unstructure_illustrative(mark: Illustrative) -> Any:
    return mark.path if mark.note is None else {"path": mark.path, "note": mark.note}


def make_converter() -> cattrs.Converter:
    """Build the strict converter (a fresh object each call: no shared state).

    Returns
    -------
    cattrs.Converter
        Structuring refuses what a document must not hold (unknown keys, wrong types, values
        its fields' checks refuse), raising `Invalid` with every issue and its path;
        unstructuring writes fields in declaration order, leaving out defaults.
    """
    converter = cattrs.Converter()
    converter.register_structure_hook_factory(attrs.has, _attrs_hook)
    converter.register_structure_hook_factory(_is_tuple, _tuple_hook)
    converter.register_structure_hook_factory(_is_optional, _optional_hook)
    converter.register_structure_hook_factory(_is_enum, _enum_hook)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(float, _structure_float)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(Duration, _structure_duration)
    converter.register_structure_hook(IsoDate, _structure_date)
    converter.register_structure_hook(Illustrative, _illustrative_hook(converter))
    converter.register_structure_hook(Parameter, _structure_parameter)
    converter.register_structure_hook(typing.Any, lambda value, _: value)
    converter.register_unstructure_hook_factory(attrs.has, _attrs_unhook)
    converter.register_unstructure_hook_factory(_is_tuple, _tuple_unhook)
    converter.register_unstructure_hook(Duration, str)
    converter.register_unstructure_hook(IsoDate, str)
    converter.register_unstructure_hook(Illustrative, _unstructure_illustrative)
    converter.register_unstructure_hook(Parameter, _unstructure_parameter)
    converter.register_unstructure_hook_func(_is_enum, lambda member: member.value)
    return converter
