"""Results as tables: plain rows always, pandas DataFrames with ``pip install tipframe[table]``.

Each ``*_rows`` function returns a list of flat dicts (one per row, columns in a fixed order);
the ``to_frame()`` methods on results, findings, coverage and network analyses turn them into
DataFrames. pandas is imported only when a frame is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tipframe.checks.findings import Findings
    from tipframe.model import PrincipleCoverage, ReachResult
    from tipframe.network import NetworkAnalysis

__all__ = ["coverage_rows", "data_frame", "findings_rows", "network_rows", "reach_rows"]


def data_frame(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> Any:
    """A pandas DataFrame of ``rows`` (ImportError saying what to install when pandas is missing)."""
    try:
        pandas = importlib.import_module("pandas")
    except ImportError:
        raise ImportError("tables need pandas: pip install 'tipframe[table]'") from None
    return pandas.DataFrame(list(rows), columns=list(columns) if columns is not None else None)


def reach_rows(result: ReachResult) -> list[dict[str, Any]]:
    """One row per period: trained and reach (mean and 90% interval), trainers and cohorts (means)."""
    from tipframe.reach.measures import series_rows

    rows: list[dict[str, Any]] = [dict(row) for row in series_rows(result)]
    return rows


def findings_rows(findings: Findings) -> list[dict[str, Any]]:
    """One row per finding: code, severity, message, where, file, line, column, document, hint, source."""
    return [
        {
            "code": f.code,
            "severity": f.severity.value,
            "message": f.message,
            "where": f.where,
            "file": f.file,
            "line": f.line,
            "column": f.column,
            "document": f.document,
            "hint": f.hint,
            "citation": f.citation,
        }
        for f in findings
    ]


def coverage_rows(coverage: PrincipleCoverage) -> list[dict[str, Any]]:
    """Sessions by principles: one row per listed session, a True/False column per principle."""
    return [
        {"session": number, **{p: p in enacted for p in coverage.principles}} for number, enacted in coverage.sessions
    ]


def network_rows(analysis: NetworkAnalysis) -> list[dict[str, Any]]:
    """One row per service: its support, what the analyses found about it, its load and staff level."""
    network = analysis.network
    entries = set(network.entry_points)
    single = {p.id: p.cuts_off for p in analysis.single_points if p.kind == "service"}
    dead = {d.service for d in analysis.dead_ends}
    between = {b.service: b.betweenness for b in analysis.bottlenecks}
    loads = {load.service: load for load in analysis.capacity.services}
    gaps = {g.service: g for g in analysis.workforce_gaps or ()}
    reached: dict[str, list[str]] = {}
    for route in analysis.reachability.routes:
        reached.setdefault(route.entry, []).append(route.target)
    rows = []
    for service in network.services:
        load = loads.get(service.id)
        gap = gaps.get(service.id)
        rows.append(
            {
                "service": service.id,
                "name": service.name,
                "organisation": service.organisation,
                "support": service.support.value if service.support else None,
                "status": service.status.value,
                "entry_point": service.id in entries,
                "route_to_specialist": None if service.id not in entries else bool(reached.get(service.id)),
                "on_every_route_from": ", ".join(single.get(service.id, ())),
                "dead_end": service.id in dead,
                "betweenness": between.get(service.id, 0.0),
                "referrals": load.referrals if load else None,
                "capacity": service.capacity,
                "shortfall": load.shortfall if load else None,
                "staff_level": service.staff_level,
                "level_needed": gap.required if gap else None,
                "below_level": gap is not None,
            }
        )
    return rows
