"""``tipframe schema`` and ``tipframe builtins``: the JSON Schemas of the document kinds, and the built-ins."""

from __future__ import annotations

import argparse
import json
import os
import sys

from tipframe.cli.common import OK, fail, kind
from tipframe.io.documents import BUILTIN_PREFIX, builtins, schema_filename
from tipframe.io.files import write_atomic
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
    parser.add_argument("--all", metavar="DIR", help="write every kind's schema into DIR")
    parser.set_defaults(run=run)
    listing = commands.add_parser(
        "builtins", help="list the built-in documents", description="List the documents shipped with tipframe."
    )
    listing.set_defaults(run=run_builtins)


def _text(kind_name: str) -> str:
    return json.dumps(json_schema(kind_name), indent=2, ensure_ascii=False) + "\n"


def run(args: argparse.Namespace) -> int:
    if args.all:
        os.makedirs(args.all, exist_ok=True)
        for kind_name in KINDS:
            path = os.path.join(args.all, schema_filename(kind_name))
            write_atomic(path, _text(kind_name))
            print(path)
        return OK
    if args.kind is None:
        return fail("schema", "name a kind (" + ", ".join(KINDS) + ") or use --all DIR")
    if args.output:
        write_atomic(args.output, _text(args.kind))
    else:
        sys.stdout.write(_text(args.kind))
    return OK


def run_builtins(args: argparse.Namespace) -> int:
    for document_id, loaded in builtins().items():
        print(f"{BUILTIN_PREFIX + document_id:<34} {loaded.document.KIND:<13} {loaded.document.name}")
    return OK
