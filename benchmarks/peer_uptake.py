"""Peer uptake (independent cascade, q = 1), compiled, in blocks and reference, side by side with EoN, ndlib,
CyNetDiff and a networkx loop.

    pip install -e ".[bench]"
    python benchmarks/peer_uptake.py                 # 100,000 people / 500,000 ties and 1,000,000 / 5,000,000
    python benchmarks/peer_uptake.py --sizes small   # the smaller network only
    python benchmarks/peer_uptake.py --engines tipframe,blocks,blocks-pool,reference,cynetdiff

Each engine runs in its own process on the same network (p = 0.15 on a random network of mean
degree 10, the same edge list, the same ten seeds), so that its peak memory is its own. Prints
the median wall time per replicate, peak resident memory, the ratio to tipframe (the compiled
backend, one replicate at a time; "reference" is its numpy engine), the mean final size (which
must agree), and the seconds the compiled engine's first call took to compile or load its
cached code (apart from the replicates' times). "blocks" runs 128 replicates a call (two blocks
of 64) in its one process, "blocks-pool" 256 a call shared between a pool of one process a core
(its peak is the larger of its own and its largest worker's); their time per replicate is a
call's wall time over its replicates. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

import numpy as np

SIZES = {"small": (100_000, 500_000), "large": (1_000_000, 5_000_000)}
P = 0.15
SEEDS = 10
# Fewer replicates for the slow peers; ndlib runs at the small size only. For blocks: calls, and replicates a call.
REPLICATES = {"tipframe": 50, "reference": 20, "cynetdiff": 50, "eon": 10, "networkx": 5, "ndlib": 3}
BLOCKS = {"blocks": (3, 128), "blocks-pool": (3, 256)}


def network(people: int, ties: int) -> tuple[Any, Any]:
    rng = np.random.default_rng(2024)
    source = rng.integers(0, people, ties)
    target = rng.integers(0, people, ties)
    keep = source != target
    return source[keep], target[keep]


def run_blocks(engine: str, graph: Any, seeds: list[int]) -> tuple[list[float], list[int], float, int]:
    """Times per replicate (a call's over its replicates), final sizes, compile seconds and replicates run."""
    import concurrent.futures
    import os

    from tipframe.reach.peer import StaffGraph, simulate_peer_uptake

    calls, each = BLOCKS[engine]
    pool = concurrent.futures.ProcessPoolExecutor(os.cpu_count()) if engine == "blocks-pool" else None
    start = time.perf_counter()
    simulate_peer_uptake(StaffGraph.from_edges(3, [0], [1]), 1, P, blocks=True, executor=pool)
    compiling = time.perf_counter() - start  # compiles, or loads the cached code (in each worker too)
    times: list[float] = []
    sizes: list[int] = []
    for i in range(calls):
        start = time.perf_counter()
        run = simulate_peer_uptake(graph, seeds, P, 1.0, replicates=each, seed=i, blocks=True, executor=pool)
        times.append((time.perf_counter() - start) / each)
        sizes += run.final_size().tolist()
    if pool is not None:
        pool.shutdown()
    return times, sizes, compiling, calls * each


def run_engine(engine: str, size: str) -> dict[str, Any]:
    from tipframe.reach.peer import StaffGraph, simulate_peer_uptake

    people, ties = SIZES[size]
    source, target = network(people, ties)
    built = time.perf_counter()
    graph = StaffGraph.from_edges(people, source, target)  # the CSR every engine shares
    seeds = list(range(SEEDS))
    replicates = REPLICATES.get(engine, 0)
    times: list[float] = []
    sizes: list[int] = []
    setup_start = time.perf_counter()
    compiling = 0.0
    if engine in BLOCKS:
        setup = setup_start - built
        times, sizes, compiling, replicates = run_blocks(engine, graph, seeds)
    elif engine in ("tipframe", "reference"):
        setup = setup_start - built
        backend = "compiled" if engine == "tipframe" else "reference"
        if backend == "compiled":  # the first call compiles, or loads the cached code: timed apart
            start = time.perf_counter()
            simulate_peer_uptake(StaffGraph.from_edges(3, [0], [1]), 1, P, backend=backend)
            compiling = time.perf_counter() - start
        for i in range(replicates):
            start = time.perf_counter()
            sizes.append(int(simulate_peer_uptake(graph, seeds, P, 1.0, seed=i, backend=backend).final_size()[0]))
            times.append(time.perf_counter() - start)
    elif engine == "cynetdiff":
        from cynetdiff.models import IndependentCascadeModel

        model = IndependentCascadeModel(
            graph.indptr[:-1].astype(np.uint32), graph.indices.astype(np.uint32), activation_prob=P, rng=1
        )
        setup = time.perf_counter() - setup_start
        for _ in range(replicates):
            start = time.perf_counter()
            model.reset_model()
            model.set_seeds(seeds)
            model.advance_until_completion()
            sizes.append(int(model.get_num_activated_nodes()))
            times.append(time.perf_counter() - start)
    else:
        import random

        import networkx as nx

        g = nx.Graph()
        g.add_nodes_from(range(people))
        g.add_edges_from(zip(source.tolist(), target.tolist(), strict=True))
        setup = time.perf_counter() - setup_start
        random.seed(1)
        if engine == "eon":
            import EoN

            for _ in range(replicates):
                start = time.perf_counter()
                _t, _s, i, r = EoN.basic_discrete_SIR(g, P, initial_infecteds=seeds)
                sizes.append(int(r[-1] + i[-1]))
                times.append(time.perf_counter() - start)
        elif engine == "networkx":
            for _ in range(replicates):
                start = time.perf_counter()
                reached = set(seeds)
                frontier = list(seeds)
                while frontier:
                    nxt = []
                    for u in frontier:
                        for v in g[u]:
                            if v not in reached and random.random() < P:
                                reached.add(v)
                                nxt.append(v)
                    frontier = nxt
                sizes.append(len(reached))
                times.append(time.perf_counter() - start)
        elif engine == "ndlib":
            import ndlib.models.epidemics as ep
            import ndlib.models.ModelConfig as mc

            for _ in range(replicates):
                start = time.perf_counter()
                model = ep.IndependentCascadesModel(g)
                config = mc.Configuration()
                config.add_model_initial_configuration("Infected", seeds)
                for edge in g.edges():
                    config.add_edge_configuration("threshold", edge, P)
                model.set_initial_status(config)
                while True:
                    step = model.iteration(node_status=False)
                    if step["status_delta"][1] == 0 and step["iteration"] > 0:
                        break
                status = model.status
                sizes.append(sum(1 for s in status.values() if s != 0))
                times.append(time.perf_counter() - start)
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
    return {
        "engine": engine,
        "size": size,
        "replicates": replicates,
        "median_s": statistics.median(times),
        "setup_s": setup,
        "compile_s": compiling,
        "peak_mib": peak,
        "mean_final": float(np.mean(sizes)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--engines", default="tipframe,blocks,blocks-pool,reference,cynetdiff,eon,networkx,ndlib")
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_engine(*args.one)))
        return
    print(f"peer uptake, independent cascade p = {P}, mean degree 10, {SEEDS} seeds; median wall time per replicate")
    header = ("size", 7), ("engine", 13), ("reps", 5), ("median s", 11), ("setup s", 9), ("peak MiB", 10)
    print(
        "".join(f"{name:<{width}}" if name in ("size", "engine") else f"{name:>{width}}" for name, width in header)
        + f"{'x tipframe':>11}{'mean final':>12}{'compile s':>11}"
    )
    for size in args.sizes.split(","):
        rows = []
        for engine in args.engines.split(","):
            if engine == "ndlib" and size != "small":
                continue
            out = subprocess.run(
                [sys.executable, __file__, "--one", engine, size], capture_output=True, text=True, check=False
            )
            if out.returncode != 0:
                print(f"{size:<7}{engine:<13} failed: {out.stderr.strip().splitlines()[-1:]}")
                continue
            rows.append(json.loads(out.stdout))
        base = next((r["median_s"] for r in rows if r["engine"] == "tipframe"), float("nan"))
        for r in rows:
            print(
                f"{size:<7}{r['engine']:<13}{r['replicates']:>5}{r['median_s']:>11.4f}{r['setup_s']:>9.2f}"
                f"{r['peak_mib']:>10.0f}{r['median_s'] / base:>11.2f}{r['mean_final']:>12.1f}"
                f"{r['compile_s']:>11.2f}"
            )


if __name__ == "__main__":
    main()
