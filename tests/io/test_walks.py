"""Folder walks never leave the folder given: links out and loops are reported and skipped, and a budget bounds them."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tipframe
from tipframe import StaffGraph
from tipframe.cli import main
from tipframe.io.walk import BUDGET, LOOP, OUTSIDE, Walker, document_files
from tipframe.network.hsds import read_hsds

from ..conftest import CASES

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="needs POSIX links")

ORG = "tipframe: 1\nkind: Organisation\nid: {id}\nname: {id}\n"
#: a document outside the folder walked: reading it would give a problem naming it
SECRET = "tipframe: 1\nkind: Organisation\nid: Secret\nname: s\n"


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    """A folder ``d`` with one good document, and a folder ``outside`` beside it with a bad one."""
    folder, outside = tmp_path / "d", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    (folder / "good.yaml").write_text(ORG.format(id="good"))
    (outside / "secret.yaml").write_text(SECRET)
    return folder, outside


def test_validate_reports_a_link_out_of_the_folder_and_does_not_follow_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, outside = _tree(tmp_path)
    (folder / "everything").symlink_to(outside, target_is_directory=True)
    (folder / "file.yaml").symlink_to(outside / "secret.yaml")
    assert main(["validate", str(folder)]) == 2
    out = capsys.readouterr().out
    assert f"{folder / 'everything'}: read error: is a link to a folder outside" in out
    assert f"{folder / 'file.yaml'}: read error: is a link to a file outside" in out
    assert "Secret" not in out
    assert "secret.yaml:" not in out


def test_load_bundle_refuses_links_out_and_read_bundle_reads_the_rest(tmp_path: Path) -> None:
    folder, outside = _tree(tmp_path)
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)
    # Links inside the folder are followed, each folder and file read once.
    (folder / "real").mkdir()
    (folder / "real" / "a.yaml").write_text(ORG.format(id="a"))
    (folder / "alias").symlink_to(folder / "real", target_is_directory=True)
    (folder / "same.yaml").symlink_to(folder / "good.yaml")
    with pytest.raises(tipframe.DocumentError) as caught:
        tipframe.load_bundle(folder)
    assert [(p.code, p.layer, Path(p.file or "").name) for p in caught.value.problems] == [(OUTSIDE, "read", "up")]
    bundle, problems = tipframe.read_bundle([folder])
    assert sorted(d.id for d in bundle) == ["a", "good"]
    assert len(problems) == 1
    # Named on its own, a file outside is read: the person chose it.
    _bundle, problems = tipframe.read_bundle([folder / "good.yaml", outside / "secret.yaml"])
    assert [Path(p.file or "").name for p in problems] == ["secret.yaml"]


@pytest.mark.parametrize(
    ("name", "target", "message"),
    [
        ("again", ".", "a folder it lies in"),
        ("sub/up", "..", "a folder it lies in"),
        ("round.yaml", "round.yaml", "round in a loop"),
    ],
)
def test_link_loops_are_reported_not_followed(tmp_path: Path, name: str, target: str, message: str) -> None:
    folder, _outside = _tree(tmp_path)
    (folder / "sub").mkdir()
    (folder / name).symlink_to(target)
    walker = Walker()
    assert walker.walk(folder) == [str(folder / "good.yaml")]
    assert [(p.code, p.file) for p in walker.problems] == [(LOOP, str(folder / name))]
    assert message in walker.problems[0].message


def test_two_links_to_each_other_are_a_loop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, _outside = _tree(tmp_path)
    (folder / "a").symlink_to("b")
    (folder / "b").symlink_to("a")
    assert main(["validate", str(folder)]) == 2
    assert capsys.readouterr().out.count("leads round in a loop") == 2


def test_document_files_raises_rather_than_leave_the_folder(tmp_path: Path) -> None:
    folder, outside = _tree(tmp_path)
    (folder / "out").symlink_to(outside, target_is_directory=True)
    with pytest.raises(tipframe.DocumentError, match="outside"):
        document_files(folder)


def test_the_walk_budget_refuses_too_many_files_or_bytes(tmp_path: Path) -> None:
    folder, _outside = _tree(tmp_path)
    for index in range(4):
        (folder / f"o{index}.yaml").write_text(ORG.format(id=f"o{index}"))
    bundle, problems = tipframe.read_bundle([folder], limits=tipframe.Limits(max_files=3))
    assert len(bundle) == 0
    assert [p.code for p in problems] == [BUDGET]
    assert "more than 3 documents" in problems[0].message
    assert "Limits.max_files" in problems[0].message
    _bundle, problems = tipframe.read_bundle([folder], limits=tipframe.Limits(max_total_bytes=100))
    assert [p.code for p in problems] == [BUDGET]
    assert "Limits.max_total_bytes" in problems[0].message
    assert len(tipframe.load_bundle([folder], limits=tipframe.Limits(max_files=5))) == 5


def test_a_staff_network_file_must_lie_in_the_workforce_folder(tmp_path: Path) -> None:
    folder, outside = _tree(tmp_path)
    np.savez(outside / "staff.npz", source=np.array([0]), target=np.array([1]), organisation=np.array([0, 0]))
    digest = tipframe.reach.peer.file_sha256(outside / "staff.npz")
    (folder / "linked.npz").symlink_to(outside / "staff.npz")
    for file in ("../outside/staff.npz", str(outside / "staff.npz"), "linked.npz"):
        text = (
            "tipframe: 1\nkind: Workforce\nid: w\nname: W\norganisations: [{id: a, headcount: 2}]\n"
            f"staff_network: {{file: '{file}', sha256: {digest}}}\n"
        )
        (folder / "w.yaml").write_text(text)
        workforce = tipframe.load(folder / "w.yaml", tipframe.Workforce)
        with pytest.raises(ValueError, match="leads outside"):
            StaffGraph.from_workforce(workforce, folder)


def _package(tmp_path: Path) -> Path:
    package = tmp_path / "package"
    shutil.copytree(CASES / "hsds" / "package", package)
    return package


def test_a_package_descriptor_linked_outside_is_refused(tmp_path: Path) -> None:
    package = _package(tmp_path)
    (package / "datapackage.json").rename(tmp_path / "datapackage.json")
    (package / "datapackage.json").symlink_to(tmp_path / "datapackage.json")
    with pytest.raises(tipframe.DocumentError, match="link leading outside"):
        read_hsds(package)
    # as is a table's file
    (package / "datapackage.json").unlink()
    (tmp_path / "datapackage.json").rename(package / "datapackage.json")
    (tmp_path / "elsewhere.csv").write_text((package / "services.csv").read_text())
    (package / "services.csv").unlink()
    (package / "services.csv").symlink_to(tmp_path / "elsewhere.csv")
    with pytest.raises(tipframe.DocumentError, match=r"'services\.csv' leads outside"):
        read_hsds(package)


def test_a_package_over_the_budget_is_refused(tmp_path: Path) -> None:
    package = _package(tmp_path)
    with pytest.raises(tipframe.DocumentError, match=r"Limits.max_files"):
        read_hsds(package, tipframe.Limits(max_files=2))
    with pytest.raises(tipframe.DocumentError, match=r"Limits.max_total_bytes"):
        read_hsds(package, tipframe.Limits(max_total_bytes=200))
    assert read_hsds(package, tipframe.Limits(max_files=20)).tables["service"]


# -- fuzzing: random trees of files, links and odd names ------------------------------------

#: paths opened or listed while `_watching` is on (an audit hook cannot be removed, so it stays
#: installed and records only when asked)
_SEEN: list[list[str]] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _SEEN and event in ("open", "os.scandir", "os.listdir") and args and isinstance(args[0], str | bytes):
        _SEEN[-1].append(os.fsdecode(args[0]))


@contextlib.contextmanager
def _watching() -> Iterator[list[str]]:
    if not getattr(sys, "_tipframe_walk_audit", False):
        sys.addaudithook(_audit)
        sys._tipframe_walk_audit = True  # type: ignore[attr-defined]
    _SEEN.append([])
    try:
        yield _SEEN[-1]
    finally:
        _SEEN.pop()


NAMES = st.sampled_from(
    ["a", "b.yaml", "c.json", "d.yml", "e.csv", "datapackage.json", "services.csv", "-x.yaml", "é ü.yaml",
     "two words", "new\nline.yaml", "n" * 120 + ".yaml", ".hidden.yaml", ".tipframe-1-a.tmp", "sub"]
)  # fmt: skip
CONTENTS = st.sampled_from(
    [ORG.format(id="p"), ORG.format(id="q"), "tipframe: 1\nkind: [", "{", "", "\udcff\udcfe", "id,name\n1,\"x\n",
     "id,id\n1,2\n", "id,name\n1,a,b\n", "a\0b", json.dumps({"resources": [{"path": "services.csv"}]}),
     json.dumps({"resources": [{"path": "../outside/secret.csv"}, {"path": "sub/e.csv"}]}),
     json.dumps({"resources": [{"path": "/etc/hostname"}]}), json.dumps({"service": [{"id": 1}]})]
)  # fmt: skip
TARGETS = st.sampled_from(["/", "..", ".", "../outside", "../outside/secret.yaml", "../outside/secret.csv",
                           "missing.yaml", "sub", "b.yaml", "sub/../..", "a", "loop"])  # fmt: skip
STEPS = st.lists(
    st.tuples(st.sampled_from(["dir", "file", "link"]), st.lists(NAMES, min_size=1, max_size=3), CONTENTS, TARGETS),
    max_size=14,
)


def _build(root: Path, steps: list[tuple[str, list[str], str, str]]) -> None:
    for kind, parts, content, target in steps:
        path = root.joinpath(*parts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if kind == "dir":
                path.mkdir(exist_ok=True)
            elif kind == "file":
                path.write_bytes(content.encode("utf-8", "surrogateescape"))
            else:
                path.symlink_to(target)
        except OSError:
            continue  # a name already taken by another kind of entry, or a parent that is a file


@given(STEPS)
def test_random_trees_raise_only_document_errors_and_read_nothing_outside(
    steps: list[tuple[str, list[str], str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as base:
        top = Path(base)
        (top / "outside").mkdir()
        (top / "outside" / "secret.yaml").write_text(SECRET)
        (top / "outside" / "secret.csv").write_text("id\nsecret\n")
        root = top / "root"
        root.mkdir()
        _build(root, steps)
        real = os.path.realpath(root)
        with _watching() as seen, contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            bundle, problems = tipframe.read_bundle([root], limits=tipframe.Limits(max_files=50))
            assert main(["validate", str(root)]) in (0, 1, 2)
            with contextlib.suppress(tipframe.DocumentError):
                read_hsds(root)  # a package folder: its files must lie inside it
        assert real in {os.path.realpath(path) for path in seen}  # the hook sees the walk
        for document in bundle:
            assert document.id != "Secret"
        for path in seen:
            resolved = os.path.realpath(os.path.join(real, path))
            if resolved.startswith(os.path.realpath(base)) or resolved == "/":
                assert resolved == real or resolved.startswith(real + os.sep), f"read outside the folder: {path}"
        assert all(p.layer in ("read", "parse", "schema", "model", "bundle") for p in problems)
