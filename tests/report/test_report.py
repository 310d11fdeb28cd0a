"""The HTML report: one self-contained page, checked in a real headless browser (Debian's chromium)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

import tipframe
from tipframe.cli import main

pytest.importorskip("matplotlib")
ROOT = Path(__file__).parent.parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("report") / "report.html"
    code = main(
        [
            "report",
            str(ROOT / "examples" / "trauma-skilled-course.yaml"),
            "builtin:help-the-helpers-rollout",
            str(ROOT / "examples" / "svru-community-referrals.yaml"),
            "--bundle",
            str(ROOT / "examples"),
            "--replicates",
            "30",
            "-o",
            str(target),
        ]
    )
    assert code == 0
    return target


def test_the_page_stands_alone(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count('src="data:image/png;base64,') == 4  # coverage, reach, reach by organisation, network
    for fetched in ('src="http', "<link", "<script src", "@import"):
        assert fetched not in page  # nothing is fetched: it opens with no network (one inline script folds
        # every section's details, and opens them to print)
    # without scripts, every section's details are open, on screen and in print
    assert page.count('<details class="fold" open>') == page.count("<details") > 0
    assert "Modelled, not observed." in page
    assert "(P1W)" not in page  # periods in words: weekly, 104 weeks


def _browser() -> str:
    if CHROMIUM is None:
        if os.environ.get("TIPFRAME_REQUIRE_BROWSER"):
            pytest.fail("chromium is required here (TIPFRAME_REQUIRE_BROWSER is set) but is not installed")
        pytest.skip("Debian's chromium is not installed")
    return CHROMIUM


def test_a_browser_renders_the_coverage_matrix_and_the_reach_curve(report: Path, tmp_path: Path) -> None:
    browser = _browser()
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run(
        [browser, *FLAGS, *profile, "--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    assert "Which sessions enact which of" in dom
    assert "Modelled reach over time" in dom
    assert "Reach by week 104" in dom
    assert "The referral network of Referral pathways in the Help the Helpers community" in dom
    shot = tmp_path / "page.png"
    subprocess.run(
        [browser, *FLAGS, *profile, "--window-size=1200,2400", f"--screenshot={shot}", report.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)[..., :3]
    inked = (pixels < 0.9).any(axis=-1).mean()
    assert inked > 0.02, f"the screenshot is nearly blank ({inked:.1%} of pixels drawn)"
    assert pixels.std() > 0.05


def test_observed_counts_of_people_are_suppressed_in_the_report(tmp_path: Path) -> None:
    text = (ROOT / "examples" / "safe-and-together-clinics.yaml").read_text(encoding="utf-8")
    small = text.replace("count: 600", "count: 3").replace("id: safe-and-together-clinics", "id: small-clinics")
    (tmp_path / "clinics.yaml").write_text(small, encoding="utf-8")
    target = tmp_path / "report.html"
    code = main(["report", str(tmp_path / "clinics.yaml"), "--bundle", str(ROOT / "examples"), "-o", str(target)])
    assert code == 0
    page = target.read_text(encoding="utf-8")
    assert "suppressed (fewer than 5)" in page
    assert "at least 3" not in page
    assert ">3<" not in page
    main(["report", str(ROOT / "examples" / "safe-and-together-clinics.yaml"), "--bundle", str(ROOT / "examples"),
          "-o", str(target)])  # fmt: skip
    assert "at least 600" in target.read_text(encoding="utf-8")


_MAKE = """
import contextlib, io, sys
from pathlib import Path
from tipframe.cli import main

out, examples = Path(sys.argv[1]), sys.argv[2]
network, course = f"{examples}/svru-community-referrals.yaml", f"{examples}/trauma-skilled-course.yaml"
plan = "builtin:help-the-helpers-rollout"
with contextlib.redirect_stderr(io.StringIO()):
    main(["report", course, plan, network, "--bundle", examples, "--replicates", "10", "-o", str(out / "report.html")])
for name, path in [("network", network), ("plan", plan), ("course", course)]:
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown):
        main(["show", path, "--bundle", examples])
    (out / f"{name}.txt").write_text(shown.getvalue(), encoding="utf-8")
"""


def test_the_same_inputs_give_the_same_bytes_whatever_the_hash_seed(tmp_path: Path) -> None:
    made = {}
    for seed in ("1", "2"):
        out = tmp_path / seed
        out.mkdir()
        subprocess.run(
            [sys.executable, "-c", _MAKE, str(out), str(ROOT / "examples")],
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
            timeout=300,
        )
        made[seed] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert sorted(made["1"]) == ["course.txt", "network.txt", "plan.txt", "report.html"]
    for name, content in made["1"].items():
        assert content == made["2"][name], f"{name} differs between hash seeds"
    page = made["1"]["report.html"].decode("utf-8")
    assert str(ROOT) not in page  # no paths: the page is the same wherever its inputs lie
    assert str(tmp_path) not in page
    assert f"Made with tipframe {tipframe.__version__}. " in page  # and no date unless one is asked for


def test_a_date_only_when_asked_for(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    assert main(["report", "builtin:nttp", "-o", str(target), "--date", "2025-03-31"]) == 0
    assert "Made with tipframe " in target.read_text(encoding="utf-8")
    assert " on 2025-03-31." in target.read_text(encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["report", "builtin:nttp", "-o", str(target), "--date", "last tuesday"])
    assert exit_.value.code == 2


def test_the_report_shows_control_characters_escaped(tmp_path: Path) -> None:
    from tipframe import Bundle, ReferralNetwork, load
    from tipframe.report.content import gather_report
    from tipframe.report.page import render_report

    network = load(ROOT / "examples" / "svru-community-referrals.yaml", ReferralNetwork)
    hostile = attrs.evolve(network)
    # What validation refuses, as an older file or an object built with checks off can hold it.
    object.__setattr__(hostile, "name", "Pathways \u202esyawhtap\u202c \x1b[31mred\x1b[0m")
    object.__setattr__(hostile, "description", "one\ntwo \u2066isolated\u2069")
    page = render_report(gather_report([hostile], Bundle.of([hostile])))
    assert not {"\x1b", "\u202e", "\u202c", "\u2066", "\u2069"} & set(page)
    assert "<title>Pathways \\u202esyawhtap\\u202c \\x1b[31mred\\x1b[0m</title>" in page
    assert "<h3>Pathways \\u202esyawhtap\\u202c \\x1b[31mred\\x1b[0m" in page
    assert "two \\u2066isolated\\u2069" in page
    (tmp_path / "hostile.html").write_text(page, encoding="utf-8")


def test_the_report_sets_the_clinics_against_the_600(tmp_path: Path) -> None:
    target = tmp_path / "clinics.html"
    examples = ROOT / "examples"
    code = main(["report", str(examples / "manchester-clinics-plan.yaml"), "--bundle", str(examples), "--replicates",
                 "40", "-o", str(target)])  # fmt: skip
    assert code == 0
    page = target.read_text(encoding="utf-8")
    assert "Observed: at least 600 case discussions with practitioners from 2019-09 to 2022-08" in page
    assert "cases discussed" in page
    assert page.count("<img") == 2  # counts so far against the 600, and reach


_MEASURE = (
    "<script>const b=document.body,r=e=>e.getBoundingClientRect();"
    "b.dataset.overflow=document.documentElement.scrollWidth-innerWidth;"
    "b.dataset.title=Math.round(r(document.querySelector('h1')).height);"
    "b.dataset.line=parseFloat(getComputedStyle(document.querySelector('h1')).lineHeight)||0;"
    "b.dataset.contents=Math.round(r(document.querySelector('nav.contents')).bottom);"
    "b.dataset.headlines=Math.round(r(document.getElementById('headlines')).top);"
    "const opened=()=>document.querySelectorAll('details[open]').length;b.dataset.folded=opened();"
    "dispatchEvent(new Event('beforeprint'));b.dataset.printed=opened()-document.querySelectorAll('details').length;"
    "dispatchEvent(new Event('afterprint'));b.dataset.after=opened();"
    "document.querySelectorAll('details').forEach(d=>d.open=true);"
    "b.dataset.opened=document.documentElement.scrollWidth-innerWidth;</script>"
)


@pytest.mark.parametrize("width", [1280, 800])
def test_the_examples_report_reads_at_a_glance(width: int, tmp_path: Path) -> None:
    browser = _browser()
    target = tmp_path / "report.html"
    examples = sorted(str(p) for p in (ROOT / "examples").glob("*.yaml"))
    assert main(["report", *examples, "--replicates", "10", "-o", str(target)]) == 0
    page = target.read_text(encoding="utf-8")
    (tmp_path / "measured.html").write_text(page.replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
    dom = subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={width},900", "--dump-dom",
         (tmp_path / "measured.html").as_uri()], capture_output=True, text=True, timeout=120,
    ).stdout  # fmt: skip
    import re

    found = dict(re.findall(r'data-(\w+)="(-?[\d.]+)"', dom[: dom.index(">", dom.index("<body")) + 1]))
    assert float(found["overflow"]) <= 0, "the page scrolls sideways"
    assert float(found["opened"]) <= 0, "a document's details scroll sideways"
    assert (found["folded"], found["printed"], found["after"]) == ("0", "0", "0"), "details not folded, or not printed"
    assert float(found["title"]) <= 2.2 * float(found["line"]), "the title takes more than two lines"
    assert float(found["headlines"]) < 900, "the headlines do not start in the first screen"
