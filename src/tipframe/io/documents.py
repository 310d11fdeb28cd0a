"""Documents in and out: the versioned envelope, load/loads/dump/dumps, built-in documents."""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path as FsPath
from types import MappingProxyType
from typing import Any, Final, Literal, TypeVar, overload

import attrs
import cattrs
import yaml

from tipframe.io.convert import Invalid, did_you_mean, make_converter
from tipframe.io.files import read_text, write_atomic
from tipframe.io.problems import DEFAULT_LIMITS, NO_LOCATIONS, DocumentError, Limits, Locations, Problem
from tipframe.io.text import ParseFailure, Syntax, parse_text, plain_is_text
from tipframe.model import Document, ReachResult
from tipframe.model.fields import SCHEMA_KEY, describe
from tipframe.model.kinds import KINDS

D = TypeVar("D", bound=Document)

FORMAT_VERSION: Final = 1
BUILTIN_PREFIX: Final = "builtin:"

#: keys of the envelope, which are not fields of the model classes
ENVELOPE_KEYS: Final = ("tipframe", "kind")
DEFAULT_SCHEMA_REF: Final = "../schemas/{file}"


@attrs.frozen
class Loaded:
    """A document with the file it came from and where each of its values stands in that file."""

    document: Document
    file: str
    locations: Locations = NO_LOCATIONS


@functools.cache
def _converter() -> cattrs.Converter:
    return make_converter()


def _a(word: str) -> str:
    return ("an " if word[:1] in "AEIOU" else "a ") + word


def schema_filename(kind: str | type[Document]) -> str:
    """``Programme`` -> ``programme.schema.json``, ``LevelScale`` -> ``level-scale.schema.json``."""
    name = kind if isinstance(kind, str) else kind.KIND
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower() + ".schema.json"


def _problems(issues: list[tuple[Any, str, Any, bool]], file: str, locations: Locations) -> list[Problem]:
    problems: list[Problem] = []
    for path, message, layer, at_key in issues:
        where = locations.find(tuple(path), key=at_key)
        problems.append(
            Problem(
                message=message,
                layer=layer,
                path=tuple(path),
                file=file,
                line=where[0] if where else None,
                column=where[1] if where else None,
            )
        )
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _kind_of(data: Mapping[str, Any]) -> tuple[type[Document] | None, list[tuple[Any, str, Any, bool]]]:
    issues: list[tuple[Any, str, Any, bool]] = []
    version = data.get("tipframe")
    if "tipframe" not in data:
        issues.append((("tipframe",), f"missing the format version: add 'tipframe: {FORMAT_VERSION}'", "schema", True))
    elif isinstance(version, bool) or not isinstance(version, int):
        issues.append(
            (("tipframe",), f"the format version must be a whole number, not {describe(version)}", "schema", False)
        )
    elif version > FORMAT_VERSION:
        issues.append(
            (
                ("tipframe",),
                f"written for tipframe format {version}; this version of tipframe reads format "
                f"{FORMAT_VERSION} and earlier: upgrade tipframe",
                "schema",
                False,
            )
        )
    elif version < 1:
        issues.append(
            (("tipframe",), f"format version {version} does not exist; write {FORMAT_VERSION}", "schema", False)
        )
    kind = data.get("kind")
    cls = None
    if "kind" not in data:
        issues.append((("kind",), f"missing 'kind': one of {', '.join(KINDS)}", "schema", True))
    elif not isinstance(kind, str) or kind not in KINDS:
        hint = did_you_mean(kind, list(KINDS)) if isinstance(kind, str) else ""
        issues.append(
            (("kind",), f"{describe(kind)} is not a document kind: one of {', '.join(KINDS)}{hint}", "schema", False)
        )
    else:
        cls = KINDS[kind]
    return cls, issues


@overload
def from_data(data: Any, kind: type[D], *, file: str = ..., locations: Locations = ...) -> D: ...
@overload
def from_data(data: Any, kind: None = None, *, file: str = ..., locations: Locations = ...) -> Document: ...
def from_data(
    data: Any,
    kind: type[D] | None = None,
    *,
    file: str = "<data>",
    locations: Locations = NO_LOCATIONS,
) -> Document:
    """Build a document from plain data (as parsed from YAML or JSON), checking it fully.

    Parameters
    ----------
    data
        A mapping with the envelope (``tipframe``, ``kind``) and the document's fields.
    kind
        The document class expected; the return type then says so.
    file
        The name problems give as their file.
    locations
        Where each value stands in the text it was parsed from, to place problems by line.

    Returns
    -------
    Document
        Of the class ``kind`` names in the data.

    Raises
    ------
    DocumentError
        Listing every problem: the envelope, types, unknown keys, constraints, and fields
        that contradict each other.
    """
    if not isinstance(data, Mapping):
        raise DocumentError(
            [
                Problem(
                    message=f"a document is a mapping with tipframe, kind and id keys, not {describe(data)}",
                    layer="schema",
                    file=file,
                    line=(locations.find(()) or (None, None))[0],
                    column=(locations.find(()) or (None, None))[1],
                )
            ]
        )
    cls, issues = _kind_of(data)
    if SCHEMA_KEY in data and not isinstance(data[SCHEMA_KEY], str):
        issues.append(
            ((SCHEMA_KEY,), f"the schema location must be text, not {describe(data[SCHEMA_KEY])}", "schema", False)
        )
    if cls is not None and kind is not None and not issubclass(cls, kind):
        issues.append((("kind",), f"expected {_a(kind.KIND)} document, found {_a(cls.KIND)}", "schema", False))
        cls = None
    if cls is None:
        raise DocumentError(_problems(issues, file, locations))
    body = {k: v for k, v in data.items() if k not in ENVELOPE_KEYS and k != SCHEMA_KEY}
    document: Any
    try:
        document = _converter().structure(body, cls)
    except Invalid as error:
        issues.extend(error.issues)
        document = None
    if issues or document is None:
        raise DocumentError(_problems(issues, file, locations))
    if SCHEMA_KEY in data:
        extensions = {SCHEMA_KEY: data[SCHEMA_KEY], **document.extensions}
        document = attrs.evolve(document, extensions=extensions)
    result: Document = document
    return result


def to_data(document: Document) -> dict[str, Any]:
    """The plain data of a document, envelope first, ready for YAML or JSON.

    Returns
    -------
    dict
        ``tipframe`` (the format version) and ``kind``, then the fields, ``x-`` keys kept.
    """
    body: dict[str, Any] = _converter().unstructure(document, unstructure_as=type(document))
    data: dict[str, Any] = {}
    if SCHEMA_KEY in body:
        data[SCHEMA_KEY] = body.pop(SCHEMA_KEY)
    data["tipframe"] = FORMAT_VERSION
    data["kind"] = document.KIND
    data.update(body)
    return data


def parse_document(
    text: str,
    *,
    file: str = "<string>",
    format: Syntax | None = None,
    limits: Limits = DEFAULT_LIMITS,
    kind: type[Document] | None = None,
) -> Loaded:
    """Parse and convert one document's text, keeping where each value stands.

    Parameters
    ----------
    text, file, format, limits, kind
        As for `loads` (``file`` is its ``name``).

    Raises
    ------
    DocumentError
        When the text is too long, cannot be parsed, or is not a valid document.
    """
    if len(text) > limits.max_bytes:
        raise DocumentError(
            [
                Problem(
                    message=f"the text is longer than {limits.max_bytes:,} characters (Limits.max_bytes)",
                    layer="read",
                    file=file,
                )
            ]
        )
    try:
        data, locations = parse_text(text, limits, format)
    except ParseFailure as failure:
        raise DocumentError(
            [Problem(message=failure.message, layer="parse", file=file, line=failure.line, column=failure.column)]
        ) from None
    document = from_data(data, kind, file=file, locations=locations)
    return Loaded(document, file, locations)


def _format_for(path: str) -> Syntax | None:
    suffix = os.path.splitext(path)[1].lower()
    return "json" if suffix == ".json" else "yaml" if suffix in (".yaml", ".yml") else None


def load_located(
    source: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS, kind: type[Document] | None = None
) -> Loaded:
    """Like `load`, keeping the file name and value positions (for tools that report on documents).

    Takes the same arguments as `load` and raises `DocumentError` as it does.
    """
    name = os.fspath(source)
    if name.startswith(BUILTIN_PREFIX):
        loaded = builtin(name[len(BUILTIN_PREFIX) :])
        if kind is not None and not isinstance(loaded.document, kind):
            raise DocumentError(
                [
                    Problem(
                        message=f"expected {_a(kind.KIND)} document, found {_a(loaded.document.KIND)}",
                        layer="schema",
                        file=name,
                    )
                ]
            )
        return loaded
    loaded = parse_document(read_text(name, limits), file=name, format=_format_for(name), limits=limits, kind=kind)
    if isinstance(loaded.document, ReachResult) and loaded.document.arrays is not None:
        from tipframe.io.companion import join_arrays  # numpy: only for results

        return attrs.evolve(loaded, document=join_arrays(loaded.document, name, limits))
    return loaded


@overload
def load(source: str | os.PathLike[str], kind: type[D], *, limits: Limits = ...) -> D: ...
@overload
def load(source: str | os.PathLike[str], kind: None = None, *, limits: Limits = ...) -> Document: ...
def load(source: str | os.PathLike[str], kind: type[D] | None = None, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read one document from a YAML or JSON file, or a built-in named ``builtin:ID``.

    Parameters
    ----------
    source
        A file (``.json`` is read as JSON, anything else as YAML), or ``builtin:ID``.
    kind
        The document class expected (``Programme``); the return type then says so.
    limits
        Bounds on what the file may hold; pass larger ones to read bigger files.

    Returns
    -------
    Document
        Of the kind the file declares.

    Raises
    ------
    DocumentError
        Listing every problem, each with its file, line and path: a file that cannot be read
        (missing, not UTF-8, over ``limits``), bad YAML or JSON, or an invalid document,
        including one of another kind than ``kind``.
    """
    return load_located(source, limits=limits, kind=kind).document


@overload
def loads(text: str, kind: type[D], *, format: Syntax | None = ..., limits: Limits = ..., name: str = ...) -> D: ...
@overload
def loads(
    text: str, kind: None = None, *, format: Syntax | None = ..., limits: Limits = ..., name: str = ...
) -> Document: ...
def loads(
    text: str,
    kind: type[D] | None = None,
    *,
    format: Syntax | None = None,
    limits: Limits = DEFAULT_LIMITS,
    name: str = "<string>",
) -> Document:
    """Read one document from YAML or JSON text.

    Parameters
    ----------
    text
        The document's text.
    kind
        The document class expected; the return type then says so.
    format
        ``"yaml"`` or ``"json"``; None guesses (JSON when the text starts with ``{``).
    limits
        Bounds on what the text may hold.
    name
        The name problems give as their file.

    Raises
    ------
    DocumentError
        Listing every problem, as for `load`.
    """
    return parse_document(text, file=name, format=format, limits=limits, kind=kind).document


_SPECIAL: Final = re.compile(
    "[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]"
)


class _Dumper(yaml.SafeDumper):
    """Writes text so that tipframe's YAML 1.2 reading gives back exactly the same text."""


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style: str | None = None
    if _SPECIAL.search(text):
        # Line breaks other than \n, and characters YAML cannot hold unescaped, survive only
        # in double quotes, where they are written as escapes.
        style = '"'
    elif "\n" in text:
        style = "|"
    elif not plain_is_text(text):
        style = "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)


def dumps(
    document: Document,
    format: Literal["yaml", "json"] = "yaml",
    *,
    schema_ref: str | None = DEFAULT_SCHEMA_REF,
) -> str:
    """Write a document as YAML (with an editor schema comment) or JSON.

    Dumping writes data, not the author's comments or layout.

    Parameters
    ----------
    document
        Any document.
    format
        ``"yaml"`` or ``"json"``.
    schema_ref
        The schema comment's location for editors (YAML only), ``{file}`` standing for the
        schema's file name; None leaves it out, as does a document with its own ``$schema``.

    Returns
    -------
    str
        The text, ending in a newline; `loads` reads it back equal.

    Raises
    ------
    ValueError
        For another ``format``, or JSON of a document holding NaN or infinity.
    """
    data = to_data(document)
    if format == "json":
        try:
            return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
        except ValueError as error:
            raise ValueError(f"cannot write JSON: {error} (JSON has no NaN or infinity)") from None
    if format != "yaml":
        raise ValueError(f"format must be 'yaml' or 'json', not {format!r}")
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    if schema_ref is not None and SCHEMA_KEY not in data:
        ref = schema_ref.format(file=schema_filename(document.KIND))
        text = f"# yaml-language-server: $schema={ref}\n" + text
    return text


def dump(
    document: Document,
    path: str | os.PathLike[str],
    *,
    format: Literal["yaml", "json"] | None = None,
    schema_ref: str | None = DEFAULT_SCHEMA_REF,
) -> None:
    """Write a document to a file atomically: a failed save leaves any earlier file untouched.

    Parameters
    ----------
    document
        Any document.
    path
        The file to write.
    format
        ``"yaml"`` or ``"json"``; None follows the file's suffix (``.json``, else YAML).
    schema_ref
        As for `dumps`.

    Raises
    ------
    ValueError
        As for `dumps`.
    OSError
        When the file cannot be written (a folder, no permission).
    """
    name = os.fspath(path)
    chosen = format or _format_for(name) or "yaml"
    if isinstance(document, ReachResult):  # large arrays go to a companion file beside it
        from tipframe.io.companion import dump_result  # numpy: only for results

        dump_result(document, name, lambda saved: dumps(saved, chosen, schema_ref=schema_ref))
    else:
        write_atomic(name, dumps(document, chosen, schema_ref=schema_ref))


# Built-in documents ---------------------------------------------------------------------------


@functools.cache
def builtins() -> Mapping[str, Loaded]:
    """Every built-in document, by id (named ``builtin:ID`` everywhere), read once and shared read-only."""
    found: dict[str, Loaded] = {}
    folder = resources.files("tipframe") / "data"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        name = BUILTIN_PREFIX + entry.name[: -len(".yaml")]
        loaded = parse_document(entry.read_text(encoding="utf-8"), file=name, format="yaml")
        found[loaded.document.id] = loaded
    return MappingProxyType(found)


def builtin(document_id: str) -> Loaded:
    """One built-in document, by its id (without ``builtin:``).

    Raises
    ------
    DocumentError
        Naming the built-ins that exist, when there is none with this id.
    """
    table = builtins()
    if document_id not in table:
        names = [BUILTIN_PREFIX + key for key in table]
        hint = did_you_mean(BUILTIN_PREFIX + document_id, names)
        raise DocumentError(
            [
                Problem(
                    message=f"no built-in document {document_id!r}{hint}; built-ins: {', '.join(names)}",
                    layer="read",
                    file=BUILTIN_PREFIX + document_id,
                )
            ]
        )
    return table[document_id]


def builtin_file(document_id: str) -> FsPath:
    """Where a built-in document's file (by id, without ``builtin:``) is installed, to read as an example."""
    return FsPath(str(resources.files("tipframe") / "data" / f"{document_id}.yaml"))
