"""The compiled and reference cascade engines agree in distribution.

They draw from the same per-replicate generators but in different orders (the compiled engine
one draw at a time, the reference engine a vector for a whole batch), so their replicates
differ number for number while their distributions must be the same. Each plan below is run
2,000 times by both; final reach and the time to reach half the eligible staff must pass a
two-sample Kolmogorov-Smirnov test at significance level 0.001 (the critical value from the
asymptotic distribution, conservative for whole numbers), and the mean trained at every period
must agree within 4 standard errors of the difference.
"""

from __future__ import annotations

import concurrent.futures
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import tipframe
from tipframe import CascadePlan, Programme, Workforce
from tipframe.io.arrays import to_numpy
from tipframe.reach.generate import synthetic_rollout, synthetic_workforce

from .documents import COURSE

Documents = tuple[CascadePlan, Workforce, Programme]

REPLICATES = 2000
ALPHA = 0.001


def ks_statistic(a: np.ndarray, b: np.ndarray) -> float:
    """The two-sample Kolmogorov-Smirnov statistic: the largest gap between the two empirical distributions."""
    values = np.union1d(a, b)
    left = np.searchsorted(np.sort(a), values, side="right") / a.size
    right = np.searchsorted(np.sort(b), values, side="right") / b.size
    return float(np.abs(left - right).max())


def ks_critical(n: int, m: int, alpha: float = ALPHA) -> float:
    """The statistic's critical value at level ``alpha`` (asymptotic; conservative for discrete data)."""
    return math.sqrt(-math.log(alpha / 2) / 2) * math.sqrt((n + m) / (n * m))


def builtin() -> Documents:
    """The built-in Help the Helpers rollout: co-facilitation, one retake, uptake below 1."""
    plan = tipframe.load("builtin:help-the-helpers-rollout", CascadePlan)
    return plan, tipframe.load(plan.workforce, Workforce), tipframe.load(plan.programme, Programme)


def crowded() -> Documents:
    """Forty small organisations leaning on their partners' staff: shared partners, turnover, attrition,
    and parameters drawn per replicate."""
    workforce = synthetic_workforce(40, 2_500, partners=3, seed=3, workforce_id="big")
    seeds = ", ".join(f"{{organisation: {o.id}, trainers: 2}}" for o in workforce.organisations[:25])
    plan = f"""\
tipframe: 1
kind: CascadePlan
id: crowded
name: A crowded plan
programme: one-week
workforce: big
seed_trainers: [{seeds}]
period: P1W
horizon: 40
turnover: {{beta: [1, 99]}}
tiers:
  - {{cohort_size: 10, facilitators: 2, total_cohorts: 2, completion: {{beta: [8, 2]}}, conversion: 0.2,
      attrition: 0.02}}
"""
    return tipframe.loads(plan, CascadePlan), workforce, tipframe.loads(COURSE, Programme)


def national() -> Documents:
    """The national benchmark's plan (benchmarks/cascade_national.py) on a fiftieth of its workforce, with retakes."""
    return synthetic_rollout(100, 20_000, horizon=60, retakes=2)


def _half_time(trained: np.ndarray, eligible: int) -> np.ndarray:
    """The first period each replicate has half the eligible staff trained (periods + 1 when it never does)."""
    reached = trained >= eligible / 2
    return np.where(reached.any(axis=1), reached.argmax(axis=1), trained.shape[1])


@pytest.mark.parametrize("documents", [builtin, crowded, national], ids=["builtin", "crowded", "national"])
def test_the_engines_agree_in_distribution(documents: Callable[[], Documents]) -> None:
    plan, workforce, programme = documents()
    runs = {
        backend: tipframe.simulate_reach(
            plan, workforce, programme, replicates=REPLICATES, seed=5, keep_events=(), backend=backend
        )
        for backend in ("compiled", "reference")
    }
    assert runs["compiled"].backend is tipframe.Backend.COMPILED
    assert runs["reference"].backend is tipframe.Backend.REFERENCE
    trained = {backend: to_numpy(result.trained).astype(np.float64) for backend, result in runs.items()}
    eligible = int(to_numpy(runs["compiled"].eligible).sum())
    critical = ks_critical(REPLICATES, REPLICATES)
    a, b = trained["compiled"], trained["reference"]
    assert ks_statistic(a[:, -1], b[:, -1]) <= critical
    assert ks_statistic(_half_time(a, eligible), _half_time(b, eligible)) <= critical
    gap = a.mean(axis=0) - b.mean(axis=0)
    error = np.sqrt(a.var(axis=0, ddof=1) / REPLICATES + b.var(axis=0, ddof=1) / REPLICATES)
    assert (np.abs(gap) <= 4 * error + 1e-9).all(), np.abs(gap / np.maximum(error, 1e-9)).max()
    for name in ("trainers", "cohorts_started", "reached"):
        x, y = (to_numpy(getattr(r, name)).astype(np.float64) for r in runs.values())
        spread = np.sqrt(x.var(axis=0, ddof=1) / REPLICATES + y.var(axis=0, ddof=1) / REPLICATES)
        assert (np.abs(x.mean(axis=0) - y.mean(axis=0)) <= 4 * spread + 1e-9).all(), name
    # The measures built on trainers' chances (adoption, idleness, maintenance): their means, over the
    # replicates with a value, and the share of replicates with one.
    for name in ("trainer_adoption", "trainers_idle", "trainers_stopped", "maintenance", "organisation_maintenance"):
        x, y = (to_numpy(getattr(r, name)).astype(np.float64) for r in runs.values())
        has_x, has_y = ~np.isnan(x), ~np.isnan(y)
        shared = (has_x.mean() + has_y.mean()) / 2
        assert abs(has_x.mean() - has_y.mean()) <= 4 * np.sqrt(2 * shared * (1 - shared) / REPLICATES) + 1e-9, name
        x, y = x[has_x], y[has_y]
        if min(x.size, y.size) >= 2:
            spread = np.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)
            assert abs(x.mean() - y.mean()) <= 4 * spread + 1e-9, (name, x.mean(), y.mean(), spread)


def test_the_ks_statistic_separates_what_differs() -> None:
    rng = np.random.default_rng(1)
    same = ks_statistic(rng.normal(size=2000), rng.normal(size=2000))
    shifted = ks_statistic(rng.normal(size=2000), rng.normal(0.2, size=2000))
    assert same <= ks_critical(2000, 2000) < shifted
    assert ks_statistic(np.array([1, 2, 3]), np.array([1, 2, 3])) == 0.0


def test_the_compiled_engine_is_reproducible_and_recorded() -> None:
    documents = crowded()
    first = tipframe.simulate_reach(*documents, replicates=20, seed=3, keep_events=(0, 7))
    again = tipframe.simulate_reach(*documents, replicates=20, seed=3, keep_events=(0, 7))
    assert first == again
    assert first.backend is tipframe.Backend.COMPILED
    assert first.numba_version
    assert tipframe.simulate_reach(*documents, replicates=20, seed=3, backend="reference").numba_version is None
    with pytest.raises(ValueError, match="backend must be one of compiled, reference"):
        tipframe.simulate_reach(*documents, replicates=2, backend="fast")


def _called(folder: Path, module: str) -> list[str]:
    """The compiled modules ``module`` imports, directly or through one another, by name."""
    import re

    found: set[str] = set()
    todo = [module]
    while todo:
        text = (folder / f"{todo.pop()}.py").read_text(encoding="utf-8")
        for name in re.findall(r"^from tipframe\.reach\.(cascade_\w+) import", text, re.MULTILINE):
            if name not in found:
                found.add(name)
                todo.append(name)
    return sorted(found - {module})


@pytest.mark.parametrize("module", ["cascade_kernel", "cascade_cohorts", "cascade_record"])
def test_compiled_modules_name_the_code_they_call(module: str) -> None:
    # numba's cache checks only the date of the file a function is in, yet holds the code of the
    # functions it calls: each kernel module carries a digest of the modules it calls (found from its
    # imports), so that changing one changes the caller's file and its cache is rebuilt.
    import hashlib
    import importlib

    folder = Path(tipframe.__file__).parent / "reach"
    calls = _called(folder, module)
    assert module != "cascade_record" or "cascade_periods" in calls
    digest = hashlib.sha256()
    for name in calls:
        digest.update((folder / f"{name}.py").read_bytes())
    expected = digest.hexdigest()[:16]
    found = importlib.import_module(f"tipframe.reach.{module}").CALLS
    assert found == expected, f'set CALLS = "{expected}" in src/tipframe/reach/{module}.py'


@pytest.mark.parametrize("backend", ["compiled", "reference"])
@pytest.mark.parametrize("documents", [builtin, crowded])
def test_every_period_s_trained_add_up_by_generation(backend: str, documents: Callable[[], Documents]) -> None:
    """The per-generation series and the total agree in every period, not only at the horizon."""
    result = tipframe.simulate_reach(*documents(), replicates=40, seed=6, backend=backend)
    by_generation, trained = to_numpy(result.by_generation), to_numpy(result.trained)
    assert (by_generation.sum(axis=2) == trained).all()
    assert by_generation[:, 1:-1].any()  # periods before the horizon hold their own counts


@pytest.mark.parametrize("backend", ["compiled", "reference"])
@pytest.mark.parametrize("documents", [builtin, crowded])
def test_each_replicate_s_trained_by_organisation_is_kept(backend: str, documents: Callable[[], Documents]) -> None:
    """Each replicate's count by organisation at the horizon adds up to its total, its mean is the organisation
    series' last period, and it does not depend on how the replicates are split."""
    plan, workforce, programme = documents()
    result = tipframe.simulate_reach(plan, workforce, programme, replicates=40, seed=6, backend=backend)
    counts = to_numpy(result.organisation_trained)
    assert counts.shape == (40, len(result.organisations))
    assert (counts.sum(axis=1) == to_numpy(result.trained)[:, -1]).all()
    np.testing.assert_allclose(counts.mean(axis=0), to_numpy(result.by_organisation)[-1])
    assert len(np.unique(counts, axis=0)) > 1  # replicates differ
    split = tipframe.simulate_reach(plan, workforce, programme, replicates=40, seed=6, backend=backend, chunks=3,
                                    executor=concurrent.futures.ThreadPoolExecutor(2))  # fmt: skip
    assert (to_numpy(split.organisation_trained) == counts).all()
