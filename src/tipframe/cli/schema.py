"""``tipframe schema`` and ``tipframe builtins``: the JSON Schemas of the document kinds, and the built-ins."""

from __future__ import annotations

import argparse
import json
import sys

from tipframe.cli.common import OK, fail, kind, terminable, wrote
from tipframe.io.documents import BUILTIN_PREFIX, builtins, schema_filename
from tipframe.io.files import write_atomic, write_files
from tipframe.model.kinds import KINDS
from tipframe.schema import json_schema


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "schema",
        help="print the JSON Schema of a document kind",
        description="Print the JSON Schema (2020-12) of a document kind.",
    )
    parser.add_argument("kind", nargs="?", type=kind, help=", ".join(KINDS))
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of printing")
    parser.add_argument(
        "--all",
        metavar="DIR",
        help="write every kind's schema into DIR, all or none (other files in DIR are left alone)",
    )
    parser.set_defaults(run=run)
    listing = commands.add_parser(
        "builtins", help="list the built-in documents", description="List the documents shipped with tipframe."
    )
    listing.set_defaults(run=run_builtins)


def _text(kind_name: str) -> str:
    return json.dumps(json_schema(kind_name), indent=2, ensure_ascii=False) + "\n"


def run(args: argparse.Namespace) -> int:
    if args.all:
        schemas = {schema_filename(kind_name): _text(kind_name) for kind_name in KINDS}
        with terminable():
            written = write_files(args.all, schemas)
        print("\n".join(written))
        return OK
    if args.kind is None:
        return fail("schema", "name a kind (" + ", ".join(KINDS) + ") or use --all DIR")
    if args.output:
        write_atomic(args.output, _text(args.kind))
        wrote(args.output, f"the {args.kind} schema")
    else:
        sys.stdout.write(_text(args.kind))
    return OK


def run_builtins(args: argparse.Namespace) -> int:
    for document_id, loaded in builtins().items():
        print(f"{BUILTIN_PREFIX + document_id:<34} {loaded.document.KIND:<13} {loaded.document.name}")
    return OK
