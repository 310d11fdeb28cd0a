"""Write the field reference in docs/model.md from the model itself.

    python docs/field_reference.py          # print the reference
    python docs/field_reference.py --write  # replace the section between the markers in docs/model.md

A test fails when docs/model.md and the model disagree.
"""

from __future__ import annotations

import enum
import sys
import types
import typing
from pathlib import Path

import attrs

import tipframe
from tipframe.model.fields import field_doc

START, END = "<!-- fields:start -->", "<!-- fields:end -->"
MODEL_MD = Path(__file__).with_name("model.md")


def _type_name(tp: typing.Any) -> str:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args if a is not type(None))
    if origin is tuple:
        return f"list of {_type_name(args[0])}"
    names = {str: "text", int: "whole number", float: "number", bool: "true/false", typing.Any: "any"}
    if tp in names:
        return names[tp]
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(f"`{m.value}`" for m in tp)
    if tp is tipframe.Duration:
        return "ISO 8601 duration"
    if tp is tipframe.IsoDate:
        return "ISO date"
    return f"[{tp.__name__}](#{tp.__name__.lower()})"


def _nested(tp: typing.Any) -> list[type]:
    found = [t for a in typing.get_args(tp) for t in _nested(a)]
    if attrs.has(tp) and tp not in (tipframe.Duration, tipframe.IsoDate):
        found.append(tp)
    return found


def reference() -> str:
    """The field tables of every document kind and every object inside them."""
    base = set(attrs.fields_dict(tipframe.Document))
    queue: list[type] = [tipframe.Document, *tipframe.KINDS.values()]
    seen = set(queue)
    parts = []
    while queue:
        cls = queue.pop(0)
        attrs.resolve_types(cls)
        summary = (cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        rows = ["| field | type | required | meaning |", "| --- | --- | --- | --- |"]
        for field in attrs.fields(cls):
            inherited = cls is not tipframe.Document and field.name in base and issubclass(cls, tipframe.Document)
            if field.name == "extensions" or inherited:
                continue
            required = "yes" if field.default is attrs.NOTHING else ""
            rows.append(f"| `{field.name}` | {_type_name(field.type)} | {required} | {field_doc(field)} |")
            for inner in _nested(field.type):
                if inner not in seen:
                    seen.add(inner)
                    queue.append(inner)
        parts.append(f"### {cls.__name__}\n\n{summary}\n\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)


def section(text: str) -> str:
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n")


if __name__ == "__main__":
    if "--write" in sys.argv:
        text = MODEL_MD.read_text(encoding="utf-8")
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        MODEL_MD.write_text(f"{head}{START}\n{reference()}\n{END}{tail}", encoding="utf-8")
    else:
        sys.stdout.write(reference())
