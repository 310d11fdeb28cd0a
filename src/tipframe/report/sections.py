"""Summaries of the documents a rollout or a referral network is made of: workforces, plans, results, networks."""

from __future__ import annotations

from tipframe.bundle import Bundle
from tipframe.model import (
    CalibrationResult,
    CascadePlan,
    Costs,
    Document,
    LevelScale,
    Observations,
    Programme,
    ReachResult,
    RecurringPlan,
    ReferralNetwork,
    Workforce,
    cohort_cost,
)
from tipframe.privacy import suppress_counts
from tipframe.report.lines import Lines, get, name


def workforce(out: Lines, w: Document, bundle: Bundle | None) -> None:
    """Headcounts by organisation and role, small ones suppressed with whatever would give them away."""
    assert isinstance(w, Workforce)
    # Organisations by role, with each organisation's headcount as its row's total and the
    # workforce's as the grand total: the totals this summary prints. Staff in no role fill a
    # last column, never printed, so that each row adds up to its headcount.
    columns = list(dict.fromkeys(r.id for org in w.organisations for r in org.roles))
    rows = []
    for org in w.organisations:
        held = {r.id: r.headcount for r in org.roles}
        rows.append([*(held.get(c, 0) for c in columns), org.headcount - sum(held.values())])
    table = suppress_counts(rows, threshold=out.threshold, column_totals=False)
    out.suppressed |= bool(table.primary or table.secondary)
    total = table.text(len(rows), len(columns) + 1)
    out.row("Headcount", f"{total} in {len(w.organisations)} organisations", "organisations")
    for index, org in enumerate(w.organisations):
        roles = [f"{r.id} {table.text(index, columns.index(r.id))}" for r in org.roles]
        levels = [f" ({r.required_level})" if r.required_level else "" for r in org.roles]
        text = f"{org.name or org.id} ({org.id}): {table.text(index, len(columns) + 1)}"
        if roles:
            text += "; " + ", ".join(role + level for role, level in zip(roles, levels, strict=True))
        out.row("Organisations" if index == 0 else "", text, f"organisations[{index}]")
    for index, (a, b) in enumerate(w.partnerships):
        out.row("Partnerships" if index == 0 else "", f"{a} - {b}", f"partnerships[{index}]")


def plan(out: Lines, p: Document, bundle: Bundle | None) -> None:
    """A plan's design: what it trains, where, with whom, in which tiers (design, never suppressed)."""
    assert isinstance(p, CascadePlan)
    out.row("Programme", name(bundle, p.programme, Programme), "programme")
    out.row("Trainer course", name(bundle, p.trainer_course, Programme), "trainer_course")
    out.row("Workforce", name(bundle, p.workforce, Workforce), "workforce")
    seeds = ", ".join(f"{s.organisation} {s.trainers}" for s in p.seed_trainers)
    out.row("Seed trainers", f"{sum(s.trainers for s in p.seed_trainers)}: {seeds}", "seed_trainers")
    out.row("Periods", f"{p.horizon} of {p.period.describe()} ({p.period})", "horizon", "period")
    if p.start is not None:
        out.row("Start", f"{p.start}, ending {p.period_label(p.horizon)}", "start")
    retakes = "no limit" if p.retakes is None else str(p.retakes)
    overrides = "".join(
        f"; {' '.join(x for x in (entry.organisation, entry.role) if x)} {entry.uptake}" for entry in p.uptake_by
    )
    out.row("Take part", f"uptake {p.uptake}{overrides}; retakes {retakes}", "uptake", "uptake_by", "retakes")
    if p.eligible_roles or p.eligible_levels:
        out.row("Eligible", ", ".join((*p.eligible_roles, *p.eligible_levels)), "eligible_roles", "eligible_levels")
    for index, tier in enumerate(p.tiers):
        total = "no limit" if tier.total_cohorts is None else str(tier.total_cohorts)
        text = "; ".join(
            (
                f"cohorts of {tier.cohort_size}, {tier.facilitators} facilitator(s)",
                f"up to {tier.concurrent_cohorts} at once and {total} in all",
                f"delay {tier.delay}",
                f"attrition {tier.attrition}",
                f"completion {tier.completion}",
                f"conversion {tier.conversion}",
                f"fidelity x{tier.fidelity_retention} (floor {tier.fidelity_floor:g})",
            )
        )
        label = "Tiers" if index == 0 else ""
        out.row(label, f"{index}: {text}", f"tiers[{index}]")
    programme = get(bundle, p.programme, Programme)
    if p.costs is not None or (programme is not None and programme.costs is not None):
        _costs(out, p, programme)


def price_list(c: Costs) -> str:
    """Prices as a report lists them: ``GBP, 2025 prices: facilitator hour 45; ...``.

    Parameters
    ----------
    c
        The prices.

    Returns
    -------
    str
    """
    prices = [f"facilitator hour {c.facilitator_hour:g}", f"participant hour {c.participant_hour:g}",
              f"per participant {c.per_participant:g}", f"per cohort {c.per_cohort:g}",
              f"per session {c.per_session:g}", f"per trainer {c.per_trainer:g}",
              *(f"{rate.role} hour {rate.hourly:g}" for rate in c.facilitator_rates)]  # fmt: skip
    return f"{c.currency}, {c.price_year} prices: " + "; ".join(prices)


def _costs(out: Lines, p: CascadePlan, programme: Programme | None) -> None:
    """A plan's prices (or its programme's), and what one full cohort of its first tier costs."""
    c = p.costs if p.costs is not None else programme.costs if programme is not None else None
    if c is None:  # pragma: no cover - the caller checks
        return
    whose = "" if p.costs is not None else "the programme's prices: "
    out.row("Costs", whose + price_list(c), "costs")
    tier = p.tiers[0]
    cohort = cohort_cost(c, programme, tier.facilitators, tier.cohort_size) if programme is not None else None
    if cohort is None and programme is not None:
        out.row("One cohort", f"not worked out: programme {programme.id!r} gives no contact hours", "costs")
    if cohort is not None:
        text = (
            f"{cohort.contact_hours:g} contact hours x {cohort.facilitators} facilitators and {cohort.places} places: "
            f"{cohort.facilitator_hours:g} facilitator hours, {cohort.participant_hours:g} participant hours, "
            f"{c.currency} {cohort.cost:,.2f}"
        )
        out.row("One cohort", text, "costs")


def result(out: Lines, r: Document, bundle: Bundle | None) -> None:
    """A saved result's modelled measures, as ``tipframe reach`` prints them."""
    assert isinstance(r, ReachResult)
    from tipframe.reach.costs import costs_text
    from tipframe.reach.measures import describe_summary, summarise_reach

    summary = summarise_reach(r)
    out.suppressed |= 0 < summary.eligible < out.threshold  # the one observed count it prints
    for line in describe_summary(summary, r, threshold=out.threshold).rstrip().splitlines():
        out.raw(line)
    costs = costs_text(r)
    if costs is not None:
        out.raw("")
        for line in costs.rstrip().splitlines():
            out.raw(line)


def network(out: Lines, n: Document, bundle: Bundle | None) -> None:
    """A referral network's services and pathways, then its analyses: routes and weak points."""
    assert isinstance(n, ReferralNetwork)
    from tipframe.network import analyse_network

    scale = get(bundle, n.levels, LevelScale)
    if scale is None and n.levels is not None and n.levels.startswith("builtin:"):
        from tipframe.io.documents import load

        scale = load(n.levels, LevelScale)
    out.row("Levels", name(bundle, n.levels, LevelScale), "levels")
    out.row("Workforce", name(bundle, n.workforce, Workforce), "workforce")
    out.row("Period", f"{n.period.describe()} ({n.period})", "period")
    for index, service in enumerate(n.services):
        details = [service.support.value if service.support else "support not set"]
        if not service.active:
            details.append(service.status.value)
        if service.capacity is not None:
            details.append(f"capacity {service.capacity:g}")
        if service.waiting_time is not None:
            details.append(f"wait {service.waiting_time}")
        if service.staff_level is not None:
            details.append(f"staff {service.staff_level}")
        text = f"{service.name} ({service.id}, {service.organisation}): {', '.join(details)}"
        out.row("Services" if index == 0 else "", text, f"services[{index}]")
    for index, pathway in enumerate(n.pathways):
        volume = "" if pathway.volume is None else f" ({pathway.volume:g} a period)"
        out.row("Pathways" if index == 0 else "", f"{pathway.from_service} -> {pathway.to_service}{volume}",
                f"pathways[{index}]")  # fmt: skip
    out.row("Entry points", ", ".join(n.entry_points), "entry_points")
    analysis = analyse_network(n, scale, get(bundle, n.workforce, Workforce))
    out.raw("")
    routes = analysis.reachability
    for index, route in enumerate(routes.routes):
        out.row("Routes" if index == 0 else "", f"{' -> '.join(route.path)} ({route.hops} referrals)")
    out.row("No route", ", ".join(routes.unreached) or None)
    services = [p for p in analysis.single_points if p.kind == "service"]
    for index, point in enumerate(services):
        out.row("On every route" if index == 0 else "", f"{point.id}: from {', '.join(point.cuts_off)}")
    out.row("Dead ends", ", ".join(d.service for d in analysis.dead_ends) or None)
    for index, full in enumerate(analysis.capacity.over_capacity):
        out.row(
            "Over capacity" if index == 0 else "",
            f"{full.service}: {full.referrals:g} referred, capacity {full.capacity:g}",
        )
    report = analysis.capacity
    if report.demand:
        out.row("To specialists", f"{report.deliverable:g} of {report.demand:g} expected referrals can get through")
    busiest = ", ".join(f"{b.service} {b.betweenness:.2f}" for b in analysis.bottlenecks[:3])
    if busiest and analysis.bottleneck_sample is not None:
        busiest += f" (estimated from routes out of {analysis.bottleneck_sample} sampled services)"
    out.row("Busiest", busiest or None)
    for index, gap in enumerate(analysis.workforce_gaps or ()):
        out.row(
            "Below level" if index == 0 else "", f"{gap.service}: {gap.held or 'not recorded'}, needs {gap.required}"
        )


def observations(out: Lines, o: Document, bundle: Bundle | None) -> None:
    """What was observed of a plan: each count as reported, small counts of people suppressed."""
    assert isinstance(o, Observations)
    kinds = (CascadePlan, RecurringPlan)
    plan = next((found for kind in kinds if (found := get(bundle, o.plan, kind)) is not None), None)
    out.row("Plan", plan.name if plan is not None else o.plan, "plan")
    from tipframe.reach.calibration_measures import observed_text

    for index, item in enumerate(o.observations):
        text = observed_text(item, out.threshold)
        out.suppressed |= text != item.describe()
        source = f" [{item.source}]" if item.source else ""
        out.row("Observed" if index == 0 else "", text + source, f"observations[{index}]")


def calibration(out: Lines, r: Document, bundle: Bundle | None) -> None:
    """A saved calibration: each parameter's posterior beside its prior, and what the observations identify."""
    assert isinstance(r, CalibrationResult)
    from tipframe.reach.calibration_measures import describe_calibration

    for line in describe_calibration(r).rstrip().splitlines():
        out.raw(line)
