"""JSON Schema (draft 2020-12) for every document kind, generated from the model.

The schema is derived from the same field declarations and checks the converter enforces, so
the two cannot drift. A class's ``SCHEMA_RULES`` add what a schema can state of the rules between
its fields (a level needs a scale: ``dependentRequired``; one of two fields: ``anyOf``); the rest
(``min`` no larger than ``max``, unique ids, references) are the model's and the bundle's alone,
listed in tests/test_schema_corpus.py.
"""

from __future__ import annotations

import types
import typing
from enum import Enum
from typing import Any, Final

import attrs

from tipframe.io.documents import FORMAT_VERSION
from tipframe.model import Document, Duration, Illustrative, IsoDate
from tipframe.model.cascade import Distribution, Parameter
from tipframe.model.document import PATH_PATTERN
from tipframe.model.fields import SCHEMA_KEY, field_checks, field_doc
from tipframe.model.kinds import KINDS
from tipframe.model.values import DURATION_PATTERN

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
#: an ISO date whose day the month has (29 February in any year: leap years are the model's to judge)
DAY_PATTERN: Final = (
    r"^[0-9]{4}(?:-(?:(?:0[13578]|1[02])(?:-(?:0[1-9]|[12][0-9]|3[01]))?|(?:0[469]|11)(?:-(?:0[1-9]|[12][0-9]|30))?"
    r"|02(?:-(?:0[1-9]|1[0-9]|2[0-9]))?))?$"
)
_EXTENSION_KEYS: Final = "^x-"


def _merge(into: dict[str, Any], extra: typing.Mapping[str, Any]) -> None:
    for key, value in extra.items():
        if key == "items" and isinstance(into.get("items"), dict):
            into["items"] = {**into["items"], **value}
        else:
            into[key] = value


class _Generator:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def type_schema(self, tp: Any) -> dict[str, Any]:
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin in (typing.Union, types.UnionType):
            inner = [a for a in args if a is not type(None)]
            branches = [self.type_schema(a) for a in inner]
            if type(None) in args:
                branches.append({"type": "null"})
            return {"anyOf": branches}
        if origin is tuple:
            return {"type": "array", "items": self.type_schema(args[0])}
        if tp is str:
            return {"type": "string"}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is float:
            return {"type": "number"}
        if tp is typing.Any:
            return {}
        if isinstance(tp, type) and issubclass(tp, Enum):
            return {"type": "string", "enum": [member.value for member in tp]}
        if tp is Duration:
            return {
                "type": "string",
                "pattern": DURATION_PATTERN,
                "description": "An ISO 8601 duration: PT2H, P1W, P10W.",
            }
        if tp is IsoDate:
            return {
                "anyOf": [
                    {"type": "string", "pattern": DAY_PATTERN},
                    {"type": "integer", "minimum": 1, "maximum": 9999},
                ],
                "description": "An ISO date at the precision known: 2019-09-01, 2019-09 or 2019.",
            }
        if tp is Parameter:
            distributions = [d.value for d in Distribution if d is not Distribution.FIXED]
            pair = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}
            return {
                "anyOf": [
                    {"type": "number"},
                    {
                        "type": "object",
                        "properties": dict.fromkeys(distributions, pair),
                        "minProperties": 1,
                        "maxProperties": 1,
                        "additionalProperties": False,
                    },
                ],
                "description": "A number, or a distribution drawn once per replicate: {beta: [a, b]}, "
                "{uniform: [low, high]}, {gamma: [shape, scale]} or {lognormal: [mu, sigma]}.",
            }
        if tp is Illustrative:
            return {"anyOf": [{"type": "string", "pattern": PATH_PATTERN}, self.ref(tp)]}
        if attrs.has(tp):
            return self.ref(tp)
        raise TypeError(f"no schema for {tp!r}")

    def ref(self, cls: type[Any]) -> dict[str, Any]:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}
            self.defs[name] = self.object_schema(cls)
        return {"$ref": f"#/$defs/{name}"}

    def object_schema(self, cls: type[Any]) -> dict[str, Any]:
        attrs.resolve_types(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        has_extensions = False
        for field in attrs.fields(cls):
            if field.name == "extensions":
                has_extensions = True
                continue
            schema = self.type_schema(field.type)
            for check in field_checks(field):
                _merge(schema, check.schema)
            doc = field_doc(field)
            if doc and "description" not in schema:
                schema["description"] = doc
            properties[field.name] = schema
            if field.default is attrs.NOTHING:
                required.append(field.name)
        out: dict[str, Any] = {"type": "object"}
        if cls.__doc__:
            out["description"] = cls.__doc__.strip().split("\n\n")[0].replace("\n", " ")
        out["properties"] = properties
        if required:
            out["required"] = required
        if has_extensions:
            out["patternProperties"] = {_EXTENSION_KEYS: {}}
        out["additionalProperties"] = False
        out.update(getattr(cls, "SCHEMA_RULES", {}))  # what a schema can say of rules between its fields
        return out


def json_schema(kind: str | type[Document]) -> dict[str, Any]:
    """The JSON Schema of one document kind.

    Parameters
    ----------
    kind
        The kind's name (``Programme``) or its class.

    Returns
    -------
    dict
        A JSON Schema (draft 2020-12) of the document, envelope included, with a ``$defs`` entry
        for each object inside it.

    Raises
    ------
    KeyError
        For a name that is not a document kind (see `KINDS`).
    """
    cls = KINDS[kind] if isinstance(kind, str) else kind
    generator = _Generator()
    body = generator.object_schema(cls)
    properties = {
        SCHEMA_KEY: {"type": "string", "description": "Where editors find this schema."},
        "tipframe": {"const": FORMAT_VERSION, "description": "The document format version."},
        "kind": {"const": cls.KIND, "description": "The document kind."},
        **body["properties"],
    }
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": f"urn:tipframe:schema:{FORMAT_VERSION}:{cls.KIND}",
        "title": f"tipframe {cls.KIND} document",
        "description": body.get("description", ""),
        "type": "object",
        "properties": properties,
        "required": ["tipframe", "kind", *body.get("required", [])],
        "patternProperties": body["patternProperties"],
        "additionalProperties": False,
        **getattr(cls, "SCHEMA_RULES", {}),
        "$defs": dict(sorted(generator.defs.items())),
    }
    return schema
