"""``tipframe network`` and ``tipframe import-hsds``: referral networks analysed, exported and imported."""

from __future__ import annotations

import argparse
import os
import sys

import attrs

from tipframe.bundle import Bundle, read_bundle
from tipframe.checks import Registry, check
from tipframe.cli.common import INVALID, OK, add_bundle, identifier, print_problems, terminable
from tipframe.io.documents import dump, dumps, load_located
from tipframe.model import ReferralNetwork
from tipframe.network.hsds_tables import FIELDS
from tipframe.report.text import summarise


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "network",
        help="analyse a referral network: routes, weak points, capacity and staff levels",
        description=(
            "Summarise a referral network with its analyses (routes from each entry point to specialist support, "
            "single points of failure, dead ends, capacity, staff below the level they need) and its findings; "
            "or export it for Gephi."
        ),
    )
    parser.add_argument("path", metavar="FILE", help="a ReferralNetwork document")
    add_bundle(parser, "files or folders it refers to")
    parser.add_argument(
        "--export",
        choices=("graphml", "gexf", "hsds-json", "hsds-csv"),
        help="write it instead: a graph for Gephi, or an Open Referral directory (JSON, or a CSV package in a folder)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where --export writes (a folder for hsds-csv: its package files are replaced all or none); default "
        "the network's file name with the format's suffix (my-area.graphml, my-area-hsds/ for hsds-csv), here",
    )
    parser.set_defaults(run=run)

    hsds = commands.add_parser(
        "import-hsds",
        help="turn an Open Referral (HSDS 3.0) directory into a referral network",
        description=(
            "Read an Open Referral HSDS 3.x directory in any form the specification publishes (tabular JSON keyed by "
            "table or by CSV file name; one record of any table with others nested in it; a list of records; an API "
            "page; a tabular data package: its datapackage.json or its folder) and write a ReferralNetwork document "
            "of its organisations and services, each keeping its HSDS record, and the directory's other tables and "
            "form, ready for support levels, pathways and entry points to be added."
        ),
    )
    hsds.add_argument("path", metavar="PATH", help="HSDS JSON, a datapackage.json, or a folder holding one")
    hsds.add_argument("-o", "--output", metavar="FILE", help="write the network here (default: print it)")
    hsds.add_argument("--id", type=identifier, default="directory", help="the network's id (default directory)")
    hsds.add_argument("--name", default="Imported directory", help="the network's name")
    hsds.add_argument("--levels", metavar="REF", help="its level scale, such as builtin:nes-levels")
    hsds.add_argument(
        "--table",
        choices=sorted(FIELDS),
        metavar="TABLE",
        help="the HSDS table a record, list or page holds, when its fields should not decide (e.g. service)",
    )
    hsds.set_defaults(run=run_import)


def _export(network: ReferralNetwork, export: str, output: str) -> int:
    if export.startswith("hsds-"):
        from tipframe.network.hsds import hsds_from_network, write_hsds

        with terminable():
            written = write_hsds(hsds_from_network(network), output, export.removeprefix("hsds-"))
        print(f"wrote {len(written)} file(s): {', '.join(written)}", file=sys.stderr)
        return OK
    from tipframe.network import referral_graph, write_graph

    write_graph(referral_graph(network), output, export)
    print(f"wrote {output} ({export})", file=sys.stderr)
    return OK


def _default_output(path: str, export: str) -> str:
    """Where an export goes unless told: the network file's name, with the format's suffix, in this folder."""
    stem = os.path.splitext(os.path.basename(path))[0]
    suffix = {"graphml": ".graphml", "gexf": ".gexf", "hsds-json": "-hsds.json", "hsds-csv": "-hsds"}[export]
    return stem + suffix


def _network(path: str, bundle: Bundle) -> ReferralNetwork | None:
    """The network read from ``path``: taken from the bundle, so that a large file is read once."""
    for entry in bundle.entries:
        if entry.file == path and isinstance(entry.document, ReferralNetwork):
            return entry.document
    network = load_located(path, kind=ReferralNetwork).document  # raises, saying what the file is instead
    return network if isinstance(network, ReferralNetwork) else None


def run(args: argparse.Namespace) -> int:
    bundle, problems = read_bundle([args.path, *args.bundle])
    if problems and not os.path.isfile(args.path):
        load_located(args.path, kind=ReferralNetwork)  # a folder or a missing file: says so, as it reads
    if problems:
        return print_problems(problems, sys.stderr)
    network = _network(os.fspath(args.path), bundle)
    if network is None:
        return INVALID
    if args.export is not None:
        return _export(network, args.export, args.output or _default_output(args.path, args.export))
    sys.stdout.write(summarise(network, bundle))
    findings = check(bundle, Registry.default(), select=["TIP7"])
    ours = [f for f in findings if f.document == f"{network.KIND} {network.id}"]
    if ours:
        print()
        for finding in ours:
            print(finding)
    return INVALID if any(f.severity.value == "error" for f in ours) else OK


def run_import(args: argparse.Namespace) -> int:
    from tipframe.network.hsds import network_from_hsds, read_hsds

    directory = read_hsds(args.path, table=args.table)
    network = network_from_hsds(directory, network_id=args.id, name=args.name, file=args.path)
    if args.levels is not None:
        network = attrs.evolve(network, levels=args.levels)
    if args.output is None:
        sys.stdout.write(dumps(network, "yaml"))
        return OK
    dump(network, args.output)
    print(
        f"wrote {args.output}: {len(network.organisations)} organisations, {len(network.services)} services; "
        "add support levels, pathways and entry points",
        file=sys.stderr,
    )
    return OK
