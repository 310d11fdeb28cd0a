"""Every analysis of one network together, with one row per service for tables and notebooks."""

from __future__ import annotations

from typing import Any

import attrs

from tipframe.model import LevelScale, ReferralNetwork, Workforce
from tipframe.network.capacity import CapacityReport, _capacity
from tipframe.network.graph import _active
from tipframe.network.routes import (
    Bottleneck,
    DeadEnd,
    Reachability,
    SinglePoint,
    _bottlenecks,
    _dead_ends,
    _reachability,
    _single_points_of_failure,
    bottleneck_sample,
)
from tipframe.network.workforce import WorkforceGap, _workforce_gaps
from tipframe.tables import data_frame, html_table

__all__ = ["NetworkAnalysis", "analyse_network"]


@attrs.frozen
class NetworkAnalysis:
    """Every analysis of one network.

    Betweenness (``bottlenecks``) is exact up to `EXACT_BETWEENNESS_UP_TO` active services and
    estimated above it from ``bottleneck_sample`` source services (see `bottlenecks`).
    """

    network: ReferralNetwork
    reachability: Reachability
    dead_ends: tuple[DeadEnd, ...]
    single_points: tuple[SinglePoint, ...]
    bottlenecks: tuple[Bottleneck, ...]
    capacity: CapacityReport
    workforce_gaps: tuple[WorkforceGap, ...] | None  # None without a level scale
    bottleneck_sample: int | None = None  # source services betweenness was estimated from; None when exact

    def rows(self) -> list[dict[str, Any]]:
        """One row per service: its support, what the analyses found about it, its load and staff level."""
        return _service_rows(self)

    def _repr_html_(self) -> str:
        caption = f"Analyses of {self.network.name}"
        if self.bottleneck_sample is not None:
            caption += f" (betweenness estimated from routes out of {self.bottleneck_sample} sampled services)"
        return html_table(self.rows(), caption=caption)

    def to_frame(self) -> Any:
        """One row per service with what each analysis found, as a pandas DataFrame (``tipframe[table]``).

        Returns
        -------
        pandas.DataFrame
            The columns of `rows`.

        Raises
        ------
        ImportError
            When pandas is missing, saying what to install.
        """
        return data_frame(self.rows())


def analyse_network(
    network: ReferralNetwork, scale: LevelScale | None = None, workforce: Workforce | None = None
) -> NetworkAnalysis:
    """Run every analysis; workforce gaps need the network's level scale (and its workforce, when it names one).

    Parameters
    ----------
    network
        The referral network.
    scale
        The network's level scale; None leaves workforce gaps out (``workforce_gaps`` is None).
    workforce
        The workforce whose roles say what a service with a ``role`` needs.

    Returns
    -------
    NetworkAnalysis
        Reachability, dead ends, single points of failure, bottlenecks (with the sample they were
        estimated from, in a large network), capacity and workforce gaps.
    """
    graph = _active(network)  # built once for every analysis; none of them changes it
    sample = bottleneck_sample(network)
    return NetworkAnalysis(
        network=network,
        reachability=_reachability(network, graph),
        dead_ends=_dead_ends(network, graph),
        single_points=_single_points_of_failure(network, graph),
        bottlenecks=_bottlenecks(network, graph, None, sample),
        capacity=_capacity(network, graph),
        workforce_gaps=_workforce_gaps(network, graph, scale, workforce) if scale is not None else None,
        bottleneck_sample=sample,
    )


def _service_rows(analysis: NetworkAnalysis) -> list[dict[str, Any]]:
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
