"""Referral network analyses against network size: time, and the growth exponent it implies.

    python benchmarks/network_scaling.py                       # 500 to 20,000 services, and the CLI at 5,000
    python benchmarks/network_scaling.py --sizes 500 1000      # a shorter look
    python benchmarks/network_scaling.py --no-cli

Generates referral networks of each size (`referral_network`, seeded: the same network on every
run), times `analyse_network` on each (the best of ``--repeat`` runs), then ``tipframe network``
on the 5,000-service network written as YAML (load, bundle, analyses, findings), and prints
the time against size and the log-log slope of time against services (a least-squares fit over
all sizes, and between the last two). Targets (issue: network hardening): slope at most 1.5 up
to 20,000 services; ``tipframe network`` on 5,000 services under 10 s. Not a test: timings
depend on the machine.

The networks: areas of about 100 services (universal, targeted and specialist in the ratio
55:35:10), five areas to a health-board region; about 20 organisations an area, and a health
board a region running most of its specialist services; about 3 pathways a service, mostly
within the area (universal to targeted, targeted to specialist, specialist back to the
community), some to the region's specialist services and a few (2 in 100) across to a
neighbouring area, so that every entry point can reach far across the network (about three
quarters of it); volumes whole numbers, some halves, some left out, a few 0; capacities for all
but a fifth of universal services; 3 in 100 services inactive; 2 in 5 universal services are
entry points. Written as YAML, the 5,000-service network is 1.9 MB, as in the issue.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import math
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import tipframe
from tipframe.model import NetworkOrganisation, Pathway, ReferralNetwork, Service, ServiceStatus, Support
from tipframe.network import NetworkAnalysis, analyse_network

AREA = 100  # services an area
REGION = 5  # areas a region
LEVELS = ("informed", "skilled", "enhanced", "specialist")


def _support(rng: random.Random) -> Support:
    draw = rng.random()
    return Support.UNIVERSAL if draw < 0.55 else Support.TARGETED if draw < 0.9 else Support.SPECIALIST


def _services(count: int, rng: random.Random) -> tuple[list[NetworkOrganisation], list[Service]]:
    organisations, services = [], []
    areas = max(1, math.ceil(count / AREA))
    for region in range(math.ceil(areas / REGION)):
        organisations.append(NetworkOrganisation(id=f"board-{region}", name=f"Health board {region}"))
    for area in range(areas):
        local = [f"org-{area}-{i}" for i in range(AREA // 5)]
        organisations += [NetworkOrganisation(id=o) for o in local]
        for i in range(min(AREA, count - area * AREA)):
            support = _support(rng)
            board = support is Support.SPECIALIST and rng.random() < 0.6
            services.append(
                Service(
                    id=f"s-{area}-{i}",
                    name=f"Service {i} in area {area}",
                    description=f"A {support.value} service for people in area {area}, taking referrals by phone.",
                    organisation=f"board-{area // REGION}" if board else rng.choice(local),
                    support=support,
                    status=ServiceStatus.INACTIVE if rng.random() < 0.03 else ServiceStatus.ACTIVE,
                    capacity=None
                    if support is Support.UNIVERSAL and rng.random() < 0.2
                    else float(rng.randint(5, 200)),
                    staff_level=None if rng.random() < 0.1 else rng.choice(LEVELS),
                )
            )
    return organisations, services


def _volume(rng: random.Random) -> float | None:
    draw = rng.random()
    if draw < 0.1:
        return None
    if draw < 0.12:
        return 0.0
    if draw < 0.15:
        return rng.randint(1, 20) + 0.5
    return float(rng.randint(1, 30))


def _pathways(services: list[Service], rng: random.Random) -> list[Pathway]:
    by_area: dict[int, dict[Support, list[str]]] = {}
    for service in services:
        area = int(service.id.split("-")[1])
        assert service.support is not None
        by_area.setdefault(area, {s: [] for s in Support})[service.support].append(service.id)
    regional = {
        region: [
            s
            for a in range(region * REGION, region * REGION + REGION)
            for s in by_area.get(a, {}).get(Support.SPECIALIST, [])
        ]
        for region in range(max(by_area) // REGION + 1)
    }
    wanted = {  # where each kind of service refers: (kind, where) with weights
        Support.UNIVERSAL: (
            (Support.TARGETED, "area", 6),
            (Support.UNIVERSAL, "area", 2),
            (Support.SPECIALIST, "region", 2),
        ),
        Support.TARGETED: (
            (Support.SPECIALIST, "region", 5),
            (Support.TARGETED, "area", 3),
            (Support.UNIVERSAL, "area", 2),
        ),
        Support.SPECIALIST: (
            (Support.UNIVERSAL, "area", 4),
            (Support.TARGETED, "area", 3),
            (Support.SPECIALIST, "region", 3),
        ),
    }
    pathways, seen = [], set()
    for service in services:
        area = int(service.id.split("-")[1])
        assert service.support is not None
        options = wanted[service.support]
        for _ in range(3):
            kind, where, _weight = rng.choices(options, weights=[o[2] for o in options])[0]
            target_area = area
            if rng.random() < 0.02:
                target_area = min(max(area + rng.choice((-1, 1)), 0), max(by_area))
            pool = regional[target_area // REGION] if where == "region" else by_area[target_area][kind]
            if not pool:
                continue
            target = rng.choice(pool)
            if target == service.id or (service.id, target) in seen:
                continue
            seen.add((service.id, target))
            pathways.append(Pathway(from_service=service.id, to_service=target, volume=_volume(rng)))
    return pathways


def referral_network(services: int, *, seed: int = 0) -> ReferralNetwork:
    """A synthetic referral network of ``services`` services, the same for the same seed.

    Parameters
    ----------
    services
        How many services.
    seed
        The seed of every draw.

    Returns
    -------
    ReferralNetwork
        With NES levels, organisations, about 3 pathways a service and entry points.
    """
    rng = random.Random(seed)
    organisations, listed = _services(services, rng)
    pathways = _pathways(listed, rng)
    entries = tuple(s.id for s in listed if s.support is Support.UNIVERSAL and rng.random() < 0.4)
    return ReferralNetwork(
        id=f"synthetic-{services}",
        name=f"Synthetic referral network of {services} services",
        levels="builtin:nes-levels",
        organisations=tuple(organisations),
        services=tuple(listed),
        pathways=tuple(pathways),
        entry_points=entries,
    )


def _best(run: Callable[[], NetworkAnalysis], repeat: int) -> tuple[float, NetworkAnalysis]:
    """The shortest of ``repeat`` timings, and the analysis."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        analysis = run()
        times.append(time.perf_counter() - start)
    return min(times), analysis


def _slope(sizes: list[int], times: list[float]) -> float:
    xs, ys = [math.log(s) for s in sizes], [math.log(t) for t in times]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def _cli(services: int, repeat: int) -> tuple[float, int]:
    """The shortest of ``repeat`` runs of ``tipframe network`` on a network written as YAML, and the file's size."""
    from tipframe.cli import main as cli

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "network.yaml"
        tipframe.dump(referral_network(services), path)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                cli(["network", str(path)])
            times.append(time.perf_counter() - start)
        return min(times), path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000, 5000, 10000, 20000])
    parser.add_argument("--repeat", type=int, default=1, help="time each size this many times, keep the best")
    parser.add_argument("--no-cli", action="store_true", help="skip tipframe network on 5,000 services")
    args = parser.parse_args()
    scale = tipframe.load("builtin:nes-levels", tipframe.LevelScale)
    print(f"{'services':>9} {'pathways':>9} {'entries':>8} {'seconds':>9}  bottlenecks")
    sizes, times, sampled = [], [], []
    for size in args.sizes:
        network = referral_network(size)
        seconds, analysis = _best(functools.partial(analyse_network, network, scale), args.repeat)
        sample = analysis.bottleneck_sample
        note = "exact" if sample is None else f"sampled from {sample} sources"
        print(f"{size:>9,} {len(network.pathways):>9,} {len(network.entry_points):>8,} {seconds:>9.2f}  {note}")
        sys.stdout.flush()
        sizes.append(size)
        times.append(seconds)
        sampled.append(sample is not None)
    if len(sizes) > 1:
        print(f"growth exponent (log-log slope of seconds against services): {_slope(sizes, times):.2f} over all sizes")
    # The switch from exact to sampled betweenness lowers the slope over all sizes; fit the sampled ones alone too.
    if sum(sampled) > 1:
        large = [(n, t) for n, t, s in zip(sizes, times, sampled, strict=True) if s]
        print(
            f"  {_slope([n for n, _ in large], [t for _, t in large]):.2f} over the sizes where betweenness is sampled"
        )
    if len(sizes) > 1:
        last = math.log(times[-1] / times[-2]) / math.log(sizes[-1] / sizes[-2])
        print(f"  {last:.2f} between the last two sizes")
    if not args.no_cli:
        seconds, size = _cli(5000, args.repeat)
        print(f"tipframe network on 5,000 services ({size / 1e6:.2f} MB of YAML): {seconds:.1f} s")


if __name__ == "__main__":
    main()
