"""Bounded, line-aware parsing of YAML and JSON text into plain data and the position of every value.

YAML is read from PyYAML's event stream rather than its constructors, so that nothing is ever
constructed from a tag, aliases are refused before they can be expanded, duplicate keys are seen,
and plain scalars are resolved by the YAML 1.2 core schema: ``yes``, ``no``, ``1:30`` and bare
dates stay text (the model then reads dates as dates), and YAML 1.1's ambiguous octal ``010``
is reported rather than guessed.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Iterator
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any, Final, Literal

import yaml

from tipframe.io.problems import Limits, Locations
from tipframe.model.fields import Path, describe

#: the two syntaxes a document may be written in
Syntax = Literal["yaml", "json"]


class ParseFailure(Exception):
    """Text that is not a well-formed document; ``line`` and ``column`` are 1-based."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


_NULL: Final = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE: Final = frozenset({"true", "True", "TRUE"})
_FALSE: Final = frozenset({"false", "False", "FALSE"})
_INT: Final = re.compile(r"[-+]?[0-9]+")
_LEADING_ZERO: Final = re.compile(r"[-+]?0[0-9]+")
_OCT: Final = re.compile(r"0o[0-7]+")
_HEX: Final = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT: Final = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF: Final = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN: Final = re.compile(r"\.(?:nan|NaN|NAN)")
_STR_TAG: Final = "tag:yaml.org,2002:str"
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
# YAML 1.1 (and so PyYAML) breaks lines at these; YAML 1.2 and JSON do not.
_ODD_BREAKS: Final = re.compile("[\x85\u2028\u2029]")
#: numbers longer than this are refused rather than handed to int() and float()
MAX_NUMBER_LENGTH: Final = 100
_COLLECTION_TAGS: Final = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})


def resolve_plain(text: str) -> Any:
    """The value of an unquoted YAML scalar under the YAML 1.2 core schema.

    Raises ValueError for a number with a leading zero, which YAML 1.1 reads as octal.
    """
    if text in _NULL:
        return None
    if len(text) > MAX_NUMBER_LENGTH and _FLOAT.fullmatch(text):
        raise ValueError(f"a number of {len(text)} characters is too long (at most {MAX_NUMBER_LENGTH})")
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _LEADING_ZERO.fullmatch(text):
        raise ValueError(
            f"{text!r} is ambiguous: YAML 1.1 reads it as an octal number and YAML 1.2 as "
            f"{int(text)}; write {int(text)}, or quote it ('{text}') if it is text"
        )
    if _INT.fullmatch(text):
        return int(text)
    if _OCT.fullmatch(text):
        return int(text[2:], 8)
    if _HEX.fullmatch(text):
        return int(text[2:], 16)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _INF.fullmatch(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.fullmatch(text):
        return float("nan")
    return text


def plain_is_text(text: str) -> bool:
    """True when ``text`` written unquoted would read back as the same text."""
    try:
        value = resolve_plain(text)
    except ValueError:
        return False
    return isinstance(value, str) and value == text


class _Builder:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.nodes = 0
        self.values: dict[Path, tuple[int, int]] = {}
        self.keys: dict[Path, tuple[int, int]] = {}
        self.containers: set[Path] = set()

    def count(self, depth: int, line: int, column: int) -> None:
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise ParseFailure(
                f"more than {self.limits.max_nodes:,} values (Limits.max_nodes); pass larger limits to read it",
                line,
                column,
            )
        if depth > self.limits.max_depth:
            raise ParseFailure(f"nested more than {self.limits.max_depth} levels deep (Limits.max_depth)", line, column)

    def text(self, value: str, line: int, column: int) -> str:
        if _SURROGATE.search(value):
            raise ParseFailure(
                "a lone surrogate escape (such as \\ud800) is not Unicode text and cannot be saved as UTF-8",
                line,
                column,
            )
        if len(value) > self.limits.max_string:
            raise ParseFailure(
                f"a text value of {len(value):,} characters is longer than {self.limits.max_string:,} "
                "(Limits.max_string)",
                line,
                column,
            )
        return value


def _mark(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _yaml_value(events: Iterator[yaml.Event], event: yaml.Event, path: Path, depth: int, b: _Builder) -> Any:
    line, column = _mark(event)
    b.count(depth, line, column)
    b.values[path] = (line, column)
    if isinstance(event, yaml.AliasEvent):
        raise ParseFailure(
            f"aliases (*{event.anchor}) are not supported in tipframe documents: write the value out",
            line,
            column,
        )
    if isinstance(event, yaml.ScalarEvent):
        if event.tag not in (None, "!", _STR_TAG):
            raise ParseFailure(f"YAML tags such as {event.tag} are not supported", line, column)
        if event.tag == _STR_TAG or event.style not in (None, "") or event.tag == "!":
            return b.text(event.value, line, column)
        try:
            value = resolve_plain(event.value)
        except ValueError as error:
            raise ParseFailure(str(error), line, column) from None
        return b.text(value, line, column) if isinstance(value, str) else value
    if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
        b.containers.add(path)
    if isinstance(event, yaml.SequenceStartEvent):
        if event.tag not in (None, "!") and event.tag not in _COLLECTION_TAGS:
            raise ParseFailure(f"YAML tags such as {event.tag} are not supported", line, column)
        items: list[Any] = []
        for item_event in events:
            if isinstance(item_event, yaml.SequenceEndEvent):
                return items
            items.append(_yaml_value(events, item_event, (*path, len(items)), depth + 1, b))
    if isinstance(event, yaml.MappingStartEvent):
        if event.tag not in (None, "!") and event.tag not in _COLLECTION_TAGS:
            raise ParseFailure(f"YAML tags such as {event.tag} are not supported", line, column)
        mapping: dict[str, Any] = {}
        for key_event in events:
            if isinstance(key_event, yaml.MappingEndEvent):
                return mapping
            key_line, key_column = _mark(key_event)
            key = _yaml_value(events, key_event, (*path, "\0key"), depth + 1, b)
            b.values.pop((*path, "\0key"), None)
            if not isinstance(key, str):
                raise ParseFailure(
                    f"keys must be text, not {describe(key)}; quote the key if it is text",
                    key_line,
                    key_column,
                )
            if key in mapping:
                first = b.keys[(*path, key)]
                raise ParseFailure(f"duplicate key {key!r} (first at line {first[0]})", key_line, key_column)
            b.keys[(*path, key)] = (key_line, key_column)
            mapping[key] = _yaml_value(events, next(events), (*path, key), depth + 1, b)
    raise ParseFailure(f"unexpected YAML event {type(event).__name__}", line, column)


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


#: libyaml's parser when PyYAML was built with it: the pure-Python scanner takes a minute over a
#: 10 MB value, long before the limits can refuse it
_LOADER: Final[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _char_at(text: str, line: int | None, column: int | None) -> str:
    if line is None or column is None:
        return ""
    lines = text.split("\n", line)
    row = lines[line - 1] if len(lines) >= line else ""
    return row[column - 1 : column]


def parse_yaml(text: str, limits: Limits) -> tuple[Any, Locations]:
    """Parse one YAML document into plain data and the positions of its values."""
    odd = _ODD_BREAKS.search(text)
    if odd:
        raise ParseFailure(
            f"the character U+{ord(odd.group()):04X} breaks lines in YAML 1.1 but not in YAML 1.2; "
            f"write it as the escape \\u{ord(odd.group()):04x} inside double quotes",
            *_position(text, odd.start()),
        )
    b = _Builder(limits)
    events = yaml.parse(text, Loader=_LOADER)
    try:
        value: Any = None
        seen_document = False
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                if seen_document:
                    line, column = _mark(event)
                    raise ParseFailure(
                        "several documents in one stream: tipframe reads one document per file", line, column
                    )
                seen_document = True
                value = _yaml_value(events, next(events), (), 0, b)
        if not seen_document:
            raise ParseFailure("the document is empty", 1, 1)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(str(m) for m in (error.context, error.problem) if m)
        at_line = mark.line + 1 if mark is not None else None
        at_column = mark.column + 1 if mark is not None else None
        if "\\t" in message or _char_at(text, at_line, at_column) == "\t":
            message += " (tabs cannot indent YAML: use spaces)"
        raise ParseFailure(f"not valid YAML: {message}", at_line, at_column) from None
    except yaml.reader.ReaderError as error:
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise ParseFailure(
            f"the character U+{code:04X} is not allowed in YAML text; write it as an escape inside double quotes",
            *_position(text, error.position),
        ) from None
    except yaml.YAMLError as error:
        raise ParseFailure(f"not valid YAML: {error}") from None
    return value, Locations(b.values, b.keys, frozenset(b.containers))


_WS: Final = re.compile(r"[ \t\n\r]*")
_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")


class _JsonReader:
    """A strict JSON reader that records where each value starts (the stdlib's does not)."""

    def __init__(self, text: str, limits: Limits) -> None:
        self.text = text
        self.pos = 0
        self.b = _Builder(limits)
        # A line ends at \r\n, \r or \n; record the last character of each break.
        self.newlines = [m.end() - 1 for m in re.finditer("\r\n|\r|\n", text)]

    def where(self, pos: int) -> tuple[int, int]:
        line = bisect.bisect_left(self.newlines, pos)
        start = self.newlines[line - 1] + 1 if line else 0
        return (line + 1, pos - start + 1)

    def fail(self, message: str, pos: int | None = None) -> ParseFailure:
        line, column = self.where(self.pos if pos is None else pos)
        return ParseFailure(f"not valid JSON: {message}", line, column)

    def skip(self) -> None:
        match = _WS.match(self.text, self.pos)
        assert match is not None
        self.pos = match.end()

    def string(self) -> str:
        start = self.pos
        try:
            value, self.pos = scanstring(self.text, self.pos + 1, True)
        except json.JSONDecodeError as error:
            raise self.fail(error.msg.removesuffix(" at").removesuffix(" starting").lower(), error.pos) from None
        line, column = self.where(start)
        result: str = self.b.text(value, line, column)
        return result

    def value(self, path: Path, depth: int) -> Any:
        self.skip()
        start = self.pos
        line, column = self.where(start)
        self.b.count(depth, line, column)
        self.b.values[path] = (line, column)
        char = self.text[start : start + 1]
        if char in ("{", "["):
            self.b.containers.add(path)
        if char == "{":
            return self.mapping(path, depth)
        if char == "[":
            self.pos += 1
            items: list[Any] = []
            self.skip()
            if self.text.startswith("]", self.pos):
                self.pos += 1
                return items
            while True:
                items.append(self.value((*path, len(items)), depth + 1))
                self.skip()
                if self.text.startswith(",", self.pos):
                    self.pos += 1
                elif self.text.startswith("]", self.pos):
                    self.pos += 1
                    return items
                else:
                    raise self.fail("expected ',' or ']'")
        if char == '"':
            return self.string()
        for word, constant in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, start):
                self.pos += len(word)
                return constant
        match = _NUMBER.match(self.text, start)
        if match:
            self.pos = match.end()
            if len(match.group()) > MAX_NUMBER_LENGTH:
                raise self.fail(
                    f"a number of {len(match.group())} characters is too long (at most {MAX_NUMBER_LENGTH})", start
                )
            if match.group(1) or match.group(2):
                number = float(match.group())
                if math.isinf(number):
                    raise self.fail(f"{match.group()} is too large for a number", start)
                return number
            return int(match.group())
        if not char:
            raise self.fail("the text ends where a value should be")
        raise self.fail(f"unexpected character {char!r}")

    def mapping(self, path: Path, depth: int) -> dict[str, Any]:
        self.pos += 1
        mapping: dict[str, Any] = {}
        self.skip()
        if self.text.startswith("}", self.pos):
            self.pos += 1
            return mapping
        while True:
            self.skip()
            if not self.text.startswith('"', self.pos):
                raise self.fail("expected a key in double quotes")
            key_pos = self.pos
            key = self.string()
            key_where = self.where(key_pos)
            if key in mapping:
                first = self.b.keys[(*path, key)]
                raise ParseFailure(f"duplicate key {key!r} (first at line {first[0]})", *key_where)
            self.b.keys[(*path, key)] = key_where
            self.skip()
            if not self.text.startswith(":", self.pos):
                raise self.fail("expected ':' after the key")
            self.pos += 1
            mapping[key] = self.value((*path, key), depth + 1)
            self.skip()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif self.text.startswith("}", self.pos):
                self.pos += 1
                return mapping
            else:
                raise self.fail("expected ',' or '}'")


def parse_json(text: str, limits: Limits) -> tuple[Any, Locations]:
    """Parse one strict JSON document (no NaN, no duplicate keys) and the positions of its values."""
    if not text.strip():
        raise ParseFailure("the document is empty", 1, 1)
    reader = _JsonReader(text, limits)
    value = reader.value((), 0)
    reader.skip()
    if reader.pos != len(text):
        raise reader.fail("extra text after the document (tipframe reads one document per file)")
    return value, Locations(reader.b.values, reader.b.keys, frozenset(reader.b.containers))


def sniff_format(text: str) -> Syntax:
    """JSON when the text starts with '{' or '[', else YAML."""
    stripped = text.lstrip()
    return "json" if stripped[:1] in ("{", "[") else "yaml"


def parse_text(text: str, limits: Limits, format: Syntax | None = None) -> tuple[Any, Locations]:
    """Parse YAML or JSON text (sniffed when ``format`` is None)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    chosen = format or sniff_format(text)
    return parse_json(text, limits) if chosen == "json" else parse_yaml(text, limits)
