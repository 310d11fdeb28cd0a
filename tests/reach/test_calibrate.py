"""Calibration by ABC-SMC: what two dated counts identify, a ridge flagged, determinism, the command line."""

from __future__ import annotations

import concurrent.futures
import json
from pathlib import Path

import attrs
import numpy as np
import pytest

import tipframe
from tipframe.cli import main
from tipframe.io.arrays import to_numpy
from tipframe.model import Distribution, Observation, Observations, Parameter, Qualifier
from tipframe.model.observations import Measure, observation_problems
from tipframe.reach.abc import deviations, log_prior, weighted_quantile
from tipframe.reach.calibration_models import key_entropy, make_model, statistics

BUILTIN = "builtin:help-the-helpers-rollout"


def beta(a: float, b: float) -> Parameter:
    return Parameter(distribution=Distribution.BETA, values=(a, b))


def rollout(**tier: Parameter) -> tuple[tipframe.CascadePlan, tipframe.Workforce, tipframe.Programme]:
    """The built-in rollout, with tier 0's parameters replaced (fixed values where a test wants no prior)."""
    plan = tipframe.load(BUILTIN, tipframe.CascadePlan)
    changed = attrs.evolve(plan, tiers=(attrs.evolve(plan.tiers[0], **tier),))
    return changed, tipframe.load(plan.workforce, tipframe.Workforce), tipframe.load(plan.programme, tipframe.Programme)


def observed(plan: tipframe.CascadePlan, items: list[Observation]) -> Observations:
    return Observations(id="observed", name="Observed", plan=plan.id, observations=tuple(items))


def test_the_kernel_seeds_as_numpy_spawns() -> None:
    from tipframe.reach.cascade_random import seed
    from tipframe.reach.compiled import entropy_words

    for run_seed, key in ((0, (0, 5, 1)), (2**40 + 3, (3, 7, 0)), (7, (1, 2))):
        words, last = key_entropy(run_seed, key)
        state = np.zeros(4, np.uint64)
        seed(entropy_words(words), last, state)
        assert (state == np.random.SeedSequence(run_seed, spawn_key=key).generate_state(4, np.uint64)).all()


def test_two_dated_counts_identify_conversion() -> None:
    """Counts simulated at a known conversion: the posterior holds it, at most half as wide as the prior."""
    fixed = {"attrition": Parameter.fixed(0.005), "completion": Parameter.fixed(0.837)}
    plan, workforce, programme = rollout(conversion=beta(3, 17), **fixed)
    truth = 0.15
    series = make_model(plan, workforce, programme).run(np.array([truth]), 99, (0,))
    items = [
        Observation(measure=Measure.TRAINERS, period=period, value=int(series["trainers"][period]))
        for period in (26, 52)
    ]
    result = tipframe.calibrate(plan, observed(plan, items), workforce=workforce, programme=programme,
                                particles=200, simulations=3000, seed=4)  # fmt: skip
    (conversion,) = result.posterior
    assert conversion.low <= truth <= conversion.high
    assert conversion.high - conversion.low <= 0.5 * (conversion.prior_high - conversion.prior_low)
    assert conversion.shrinkage > 0.5


def test_one_aggregate_count_leaves_a_ridge_that_the_report_names() -> None:
    plan, workforce, programme = rollout(
        attrition=beta(2, 38), conversion=beta(3, 17), completion=Parameter.fixed(0.837)
    )
    items = [Observation(measure=Measure.TRAINERS, period=52, value=30)]
    result = tipframe.calibrate(plan, observed(plan, items), workforce=workforce, programme=programme,
                                particles=200, simulations=3000, seed=2)  # fmt: skip
    pairs = {(c.first, c.second) for c in result.correlations}
    assert ("tiers[0].attrition", "tiers[0].conversion") in pairs
    assert any("not separately identified" in finding for finding in result.findings)


def test_the_same_seed_gives_the_same_posterior_on_one_and_two_workers() -> None:
    plan, workforce, programme = rollout()
    items = [Observation(measure=Measure.TRAINED, period=52, value=150, qualifier=Qualifier.ABOUT, tolerance=15)]
    kwargs = {"workforce": workforce, "programme": programme, "particles": 60, "simulations": 400, "seed": 5}
    here = tipframe.calibrate(plan, observed(plan, items), **kwargs)  # type: ignore[arg-type]
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        there = tipframe.calibrate(plan, observed(plan, items), executor=pool, chunks=3, **kwargs)  # type: ignore[arg-type]
    assert tipframe.to_data(here) == tipframe.to_data(there)
    again = tipframe.loads(tipframe.dumps(here, format="json"), tipframe.CalibrationResult)
    assert again == here
    assert np.isclose(to_numpy(here.weights).sum(), 1.0)


def test_qualifiers_enter_the_distance_as_written() -> None:
    items = [
        Observation(measure=Measure.COHORTS, period=10, value=600, qualifier=Qualifier.AT_LEAST),
        Observation(measure=Measure.COHORTS, period=10, value=50, qualifier=Qualifier.AT_MOST),
        Observation(measure=Measure.COHORTS, period=10, value=100, qualifier=Qualifier.ABOUT, tolerance=5),
        Observation(measure=Measure.COHORTS, period=10, qualifier=Qualifier.SUPPRESSED),
        Observation(measure=Measure.COHORTS, period=10, value=7),
    ]
    values = np.array([[650.0, 40.0, 103.0, 3.0, 7.0], [590.0, 60.0, 110.0, 6.0, 5.0]])
    assert deviations(items, values).tolist() == [[0, 0, 0, 0, 0], [10, 10, 5, 2, 2]]


def test_windows_count_events_in_them_and_stocks_as_they_stood() -> None:
    plan = tipframe.load(BUILTIN, tipframe.CascadePlan)
    plan = attrs.evolve(plan, start=tipframe.IsoDate.parse("2026-01-05"))  # a Monday: weeks end on Sundays
    items = [
        Observation(measure=Measure.COHORTS, since=tipframe.IsoDate.parse("2026-01-12"),
                    until=tipframe.IsoDate.parse("2026-01-25"), value=1),
        Observation(measure=Measure.TRAINED, at=tipframe.IsoDate.parse("2026-01-25"), value=1),
    ]  # fmt: skip
    assert [item.window(plan) for item in items] == [(2, 3), (0, 3)]
    series = {"cohorts": np.array([0, 1, 2, 4, 8]), "trained": np.array([0, 5, 6, 7, 9])}
    assert statistics(series, observed(plan, items), [(2, 3), (0, 3)]).tolist() == [6.0, 7.0]


def test_priors_and_quantiles() -> None:
    priors = [beta(2, 5), Parameter(distribution=Distribution.UNIFORM, values=(1, 3))]
    inside = log_prior(priors, np.array([[0.2, 2.0], [1.2, 2.0], [0.2, 3.5]]))
    assert np.isfinite(inside[0])
    assert np.isinf(inside[1:]).all()
    assert np.isclose(inside[0], np.log(30 * 0.2 * 0.8**4) - np.log(2))
    assert weighted_quantile(np.array([3.0, 1.0, 2.0]), np.array([1.0, 1.0, 2.0]), 0.5) == 2.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"measure": "meetings"}, "a cascade plan ('help-the-helpers-rollout') produces no meetings"),
        ({"period": 500}, "falls after the plan's horizon"),
        ({"period": None, "at": "2026-06"}, "has no start"),
    ],
)
def test_observations_the_plan_cannot_produce_are_refused_by_name(
    tmp_path: Path, change: dict[str, object], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    item = {"measure": "trained", "period": 20, "value": 10, **change}
    item = {k: v for k, v in item.items() if v is not None}
    document = {"tipframe": 1, "kind": "Observations", "id": "seen", "name": "Seen", "plan": BUILTIN,
                "observations": [item]}  # fmt: skip
    path = tmp_path / "seen.yaml"
    path.write_text(json.dumps(document))
    assert main(["validate", str(path)]) == 1
    assert message in capsys.readouterr().out.replace("\n", " ")
    assert main(["calibrate", BUILTIN, str(path), "--quiet", "--particles", "10", "--simulations", "20"]) == 1


def test_the_command_prints_the_posterior_and_saves_a_result_that_reruns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {"tipframe": 1, "kind": "Observations", "id": "seen", "name": "Seen", "plan": BUILTIN,
                "observations": [{"measure": "trained", "period": 52, "value": 150, "qualifier": "about",
                                  "tolerance": 15}]}  # fmt: skip
    path = tmp_path / "seen.yaml"
    path.write_text(json.dumps(document))
    out = tmp_path / "result.json"
    args = ["calibrate", BUILTIN, str(path), "--particles", "40", "--simulations", "300", "--workers", "1",
            "--draws", "20", "--json", str(out), "--quiet"]  # fmt: skip
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "tiers[0].conversion" in printed
    assert "Posterior predictive (20 runs" in printed
    assert main(["calibrate", "--rerun", str(out)]) == 0
    assert "reproduced" in capsys.readouterr().out
    assert main(["calibrate", BUILTIN]) == 2  # no observations: wrong usage


def test_a_recurring_plan_is_calibrated_on_its_own_engine() -> None:
    bundle = tipframe.load_bundle([Path(__file__).parents[2] / "examples"])
    observed = bundle.get("manchester-clinics-observed", Observations)
    result = tipframe.calibrate("manchester-clinics-plan", observed, bundle=bundle, particles=20, simulations=60,
                                seed=3)  # fmt: skip
    assert result.recurring_plan is not None
    assert result.cascade_plan is None
    assert result.parameters == ("demand", "awareness", "word_of_mouth")
    assert to_numpy(result.statistics).shape == (20, 1)
    assert result.numba_version is None


def test_counts_by_organisation_come_from_that_organisation() -> None:
    plan, workforce, programme = rollout()
    run = make_model(plan, workforce, programme).run(np.array([0.005, 0.837, 0.15]), 1, (0,))
    by_organisation = [run[f"trained:{o.id}"] for o in workforce.organisations]
    assert (sum(by_organisation) == run["trained"]).all()


def test_a_run_too_large_for_memory_is_refused_before_it_starts() -> None:
    from tipframe.reach.limits import MemoryLimitError

    plan = tipframe.load(BUILTIN, tipframe.CascadePlan)
    observations = tipframe.load(Path(__file__).parents[2] / "examples" / "help-the-helpers-observed.yaml",
                                 Observations)  # fmt: skip
    with pytest.raises(MemoryLimitError, match="calibration would need about"):
        tipframe.calibrate(plan, observations, memory_limit=1000)


def test_a_plan_with_nothing_uncertain_is_refused_with_what_to_write() -> None:
    fixed = {name: Parameter.fixed(0.1) for name in ("attrition", "completion", "conversion")}
    plan, workforce, programme = rollout(**fixed)
    items = [Observation(measure=Measure.TRAINERS, period=52, value=30)]
    with pytest.raises(tipframe.PlanError, match="no uncertain parameters to calibrate"):
        tipframe.calibrate(plan, observed(plan, items), workforce=workforce, programme=programme)


def test_a_calibration_is_shown_and_tabled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan, workforce, programme = rollout()
    items = [Observation(measure=Measure.TRAINERS, period=52, value=30)]
    result = tipframe.calibrate(plan, observed(plan, items), workforce=workforce, programme=programme,
                                particles=12, simulations=40, seed=1)  # fmt: skip
    path = tmp_path / "calibrated.json"
    tipframe.dump(result, path, format="json")
    assert main(["show", str(path)]) == 0
    shown = capsys.readouterr().out
    assert "posterior median (90% interval)" in shown
    assert "tiers[0].conversion" in shown
    pytest.importorskip("pandas")
    frame = tipframe.to_frame(result)
    assert list(frame.columns)[:5] == [*result.parameters, "weight", "distance"]
    assert list(frame.columns)[5] == "modelled: 30 trainers (by period 52)"
    assert len(frame) == 12


def test_small_observed_counts_of_people_are_suppressed_when_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {"tipframe": 1, "kind": "Observations", "id": "seen", "name": "Seen", "plan": BUILTIN,
                "observations": [{"measure": "trained", "period": 3, "value": 2},
                                 {"measure": "cohorts", "period": 3, "value": 2}]}  # fmt: skip
    path = tmp_path / "seen.yaml"
    path.write_text(json.dumps(document))
    assert main(["show", str(path)]) == 0
    shown = capsys.readouterr().out
    assert "suppressed (fewer than 5) trained (by period 3)" in shown
    assert "2 cohorts (by period 3)" in shown


def test_the_same_posterior_on_a_dask_cluster() -> None:
    distributed = pytest.importorskip("distributed")
    plan, workforce, programme = rollout()
    items = [Observation(measure=Measure.TRAINERS, period=52, value=30)]
    kwargs = {"workforce": workforce, "programme": programme, "particles": 30, "simulations": 150, "seed": 8}
    here = tipframe.calibrate(plan, observed(plan, items), **kwargs)  # type: ignore[arg-type]
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        there = tipframe.calibrate(plan, observed(plan, items), executor=client, **kwargs)  # type: ignore[arg-type]
    assert tipframe.to_data(there) == tipframe.to_data(here)


def test_a_staff_network_file_is_found_beside_its_documents_and_beside_a_saved_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from .test_recurring import STAR, documents

    folder = tmp_path / "plans"
    folder.mkdir()
    np.savez(folder / "net.npz", source=np.array([0, 0, 0]), target=np.array([1, 2, 3]),
             organisation=np.array([0, 0, 0, 0, 0, 0, 1]))  # fmt: skip
    digest = tipframe.reach.peer.file_sha256(folder / "net.npz")
    workforce = STAR.split("staff_network:")[0] + f"staff_network: {{file: net.npz, sha256: {digest}}}\n"
    plan, _, programme = documents(aware=1, demand=0.5, horizon=10)
    told = tipframe.dumps(plan) + "word_of_mouth_per_tie: {beta: [2, 2]}\n"
    (folder / "teams.yaml").write_text(workforce)
    (folder / "plan.yaml").write_text(told)
    (folder / "clinic.yaml").write_text(tipframe.dumps(programme))
    seen = {"tipframe": 1, "kind": "Observations", "id": "seen", "name": "Seen", "plan": "clinics",
            "observations": [{"measure": "aware", "period": 10, "value": 3}]}  # fmt: skip
    (folder / "seen.json").write_text(json.dumps(seen))
    monkeypatch.chdir(tmp_path)  # not the documents' folder
    out = tmp_path / "calibrated.json"
    args = ["calibrate", "plans/plan.yaml", "plans/seen.json", "--bundle", "plans", "--particles", "10",
            "--simulations", "30", "--draws", "5", "--workers", "1", "--quiet", "--json", str(out)]  # fmt: skip
    assert main(args) == 0
    assert "word_of_mouth_per_tie" in capsys.readouterr().out
    (folder / "net.npz").rename(tmp_path / "net.npz")  # beside the saved result
    assert main(["calibrate", "--rerun", str(out), "--workers", "1", "--quiet"]) == 0
    assert "reproduced" in capsys.readouterr().out


def test_usage_and_refusals_exit_as_every_command_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    counts = str(Path(__file__).parents[2] / "examples" / "help-the-helpers-observed.yaml")
    assert main(["calibrate", BUILTIN, counts, "--particles", "20", "--simulations", "19"]) == 2
    assert main(["calibrate", "builtin:nope", counts]) == 2
    assert main(["calibrate", BUILTIN, counts, "--draws", "1000000000000", "--particles", "10",
                 "--simulations", "10", "--generations", "0", "--quiet"]) == 2  # fmt: skip
    assert "the posterior predictive" in capsys.readouterr().err
    plan, workforce, programme = rollout()
    items = [Observation(measure=Measure.TRAINERS, period=52, value=30)]
    result = tipframe.calibrate(plan, observed(plan, items), workforce=workforce, programme=programme,
                                particles=10, simulations=20, seed=1)  # fmt: skip
    data = tipframe.to_data(result)
    data["observations"]["plan"] = "another"
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data))
    assert main(["calibrate", "--rerun", str(path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "are of plan 'another'" in err
    assert "internal error" not in err


def test_a_date_before_the_plan_starts_is_refused() -> None:
    plan = attrs.evolve(tipframe.load(BUILTIN, tipframe.CascadePlan), start=tipframe.IsoDate.parse("2026-01"))
    items = [Observation(measure=Measure.TRAINED, at=tipframe.IsoDate.parse("2025-11"), value=3)]
    problems = observation_problems(observed(plan, items), plan)
    assert problems == [(("observations", 0, "at"), "2025-11 is before the plan starts (2026-01)")]


def test_prior_intervals_are_exact() -> None:
    from tipframe.reach.priors import prior_quantile

    scipy_stats = pytest.importorskip("scipy.stats")
    for a, b in ((1, 199), (83.7, 16.3), (3, 17), (0.5, 0.5)):
        for q in (0.05, 0.5, 0.95):
            assert prior_quantile(beta(a, b), q) == pytest.approx(scipy_stats.beta(a, b).ppf(q), rel=1e-10)
    gamma = Parameter(distribution=Distribution.GAMMA, values=(4.0, 0.0375))
    assert prior_quantile(gamma, 0.95) == pytest.approx(scipy_stats.gamma(4.0, scale=0.0375).ppf(0.95), rel=1e-10)
    lognormal = Parameter(distribution=Distribution.LOGNORMAL, values=(0.2, 0.5))
    assert prior_quantile(lognormal, 0.05) == pytest.approx(scipy_stats.lognorm(0.5, scale=np.exp(0.2)).ppf(0.05))


def test_a_reference_both_plan_kinds_could_mean_is_refused() -> None:
    from .test_recurring import documents

    recurring, workforce, programme = documents()
    cascade = attrs.evolve(tipframe.load(BUILTIN, tipframe.CascadePlan), id="clinics")
    items = (Observation(measure=Measure.MEETINGS, period=3, value=3),)
    seen = Observations(id="seen", name="Seen", plan="clinics", observations=items)
    with pytest.raises(tipframe.DocumentError, match="both have id 'clinics'"):
        tipframe.Bundle.of([recurring, cascade, workforce, programme, seen])
