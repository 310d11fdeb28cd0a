"""Outputs of several files are written all or none, even when the writer is killed, and leave no temporaries."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

import tipframe
from tipframe.cli import main
from tipframe.cli.common import terminable
from tipframe.io.documents import schema_filename
from tipframe.io.files import STALE_AFTER, recover_folder, unfinished_writes, write_files
from tipframe.network.hsds import hsds_from_network, read_hsds, write_hsds

from ..conftest import EXAMPLES

pytestmark = pytest.mark.skipif(os.name != "posix", reason="kills processes and forks")

OLD = {"a.csv": "old a\n", "b.csv": "old b\n", "sub/c.csv": "old c\n"}
NEW = {"a.csv": "new a\n", "b.csv": "new b\n", "sub/c.csv": "new c\n", "d.csv": "new d\n"}


def _state(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` but the person's own ``notes.txt``, by relative path."""
    return {
        str(path.relative_to(folder)): path.read_text()
        for path in folder.rglob("*")
        if path.is_file() and path.name != "notes.txt"
    }


def _temporaries(folder: Path) -> list[str]:
    return [path.name for path in folder.rglob(".tipframe-*")]


def _start(folder: Path) -> None:
    write_files(folder, OLD)
    (folder / "notes.txt").write_text("mine\n")


def test_a_set_replaces_only_its_files_and_leaves_nothing_behind(tmp_path: Path) -> None:
    _start(tmp_path)
    written = write_files(tmp_path, NEW)
    assert written == [str(tmp_path / name) for name in NEW]
    assert _state(tmp_path) == NEW
    assert (tmp_path / "notes.txt").read_text() == "mine\n"
    assert _temporaries(tmp_path) == []


@pytest.mark.parametrize("failing_call", [1, 2, 4])
def test_a_failure_midway_puts_the_old_set_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing_call: int
) -> None:
    _start(tmp_path)
    real_replace, calls = os.replace, []

    def replace(source: str, target: str) -> None:
        calls.append(target)
        if len(calls) == failing_call:
            raise OSError(28, "No space left on device", target)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="No space"):
        write_files(tmp_path, NEW)
    monkeypatch.undo()
    assert _state(tmp_path) == OLD
    assert _temporaries(tmp_path) == []


def test_an_interrupt_or_sigterm_midway_puts_the_old_set_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _start(tmp_path)
    real_replace, calls = os.replace, []

    def terminated(source: str, target: str) -> None:
        real_replace(source, target)
        calls.append(target)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGTERM)  # as `kill PID` would, while the files are renamed
            time.sleep(1)

    monkeypatch.setattr(os, "replace", terminated)
    with pytest.raises(SystemExit) as stopped, terminable():
        write_files(tmp_path, NEW)
    assert stopped.value.code == 128 + signal.SIGTERM
    monkeypatch.undo()
    assert _state(tmp_path) == OLD
    assert _temporaries(tmp_path) == []


def test_bad_names_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "out"
    for name in ("../x.csv", "/tmp/x.csv", "sub/../../x.csv", ".tipframe-1-abc.commit", ""):
        with pytest.raises(ValueError, match="not a file name inside"):
            write_files(folder, {"a.csv": "a", name: "x"})
    assert not folder.exists()
    folder.mkdir()
    (folder / "linked").symlink_to(outside, target_is_directory=True)
    with pytest.raises(PermissionError, match="leading outside"):
        write_files(folder, {"a.csv": "a", "linked/x.csv": "x"})
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in folder.iterdir()) == ["linked"]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporaries_are_settled_and_live_ones_left(tmp_path: Path) -> None:
    dead, alive = _dead_pid(), os.getppid()
    (tmp_path / f".tipframe-{dead}-abc.tmp").write_text("half a file")
    (tmp_path / f".tipframe-{dead}-def.tmp").mkdir()
    (tmp_path / f".tipframe-{alive}-ghi.tmp").write_text("being written")
    old = tmp_path / ".tipframe-jkl.tmp"  # as earlier versions named them: no process id
    old.write_text("old")
    os.utime(old, (time.time() - STALE_AFTER - 60,) * 2)
    assert unfinished_writes(tmp_path) == []
    settled = recover_folder(tmp_path)
    assert sorted(Path(p).name for p in settled) == sorted(
        [f".tipframe-{dead}-abc.tmp", f".tipframe-{dead}-def.tmp", old.name]
    )
    assert _temporaries(tmp_path) == [f".tipframe-{alive}-ghi.tmp"]


# -- killed at random points -----------------------------------------------------------------


def _write_forever(folder: str, sets: tuple[Mapping[str, str], Mapping[str, str]]) -> None:
    for index in range(10**9):
        write_files(folder, sets[index % 2])


def test_a_writer_killed_at_random_points_leaves_a_whole_set(tmp_path: Path) -> None:
    # A forked child (tipframe already imported) writes the two sets in turn until it is killed
    # at a random moment; the next write into the folder settles what it left.
    # Both sets name the same files: a set replaces only the files it names, so one naming fewer
    # would leave the other's extra file beside it (by design, not a half-written set).
    old = {**OLD, "d.csv": "old d\n"}
    context = multiprocessing.get_context("fork")
    draw = random.Random(20240611)
    seen = set()
    for attempt in range(25):
        folder = tmp_path / str(attempt)
        write_files(folder, old)
        (folder / "notes.txt").write_text("mine\n")
        child = context.Process(target=_write_forever, args=(str(folder), (NEW, old)))
        child.start()
        time.sleep(draw.uniform(0.0, 0.06))
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        recover_folder(folder)
        state = _state(folder)
        assert state in (old, NEW), (attempt, state)
        assert _temporaries(folder) == []
        assert (folder / "notes.txt").read_text() == "mine\n"
        seen.add(state == NEW)
    assert seen == {True, False}, "the kills all landed on one side"


def _kill_midway(args: list[str], draw: random.Random, longest: float) -> None:
    """Run ``tipframe ARGS`` in a fresh process and SIGKILL it at a random moment once it is ready to write."""
    code = "import sys; from tipframe.cli import main; print('ready', flush=True); sys.exit(main(sys.argv[1:]))"
    with subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline() == b"ready\n"
        time.sleep(draw.uniform(0.0, longest))
        child.send_signal(signal.SIGKILL)


def test_schema_all_killed_at_random_points_leaves_the_old_or_the_new_schemas(tmp_path: Path) -> None:
    names = [schema_filename(kind) for kind in tipframe.KINDS]
    new = {name: (tmp_path / "fresh" / name) for name in names}
    started = time.monotonic()
    assert main(["schema", "--all", str(tmp_path / "fresh")]) == 0
    longest = 2 * (time.monotonic() - started) + 0.05
    draw = random.Random(7)
    for attempt in range(4):
        folder = tmp_path / str(attempt)
        _start(folder)
        write_files(folder, dict.fromkeys(names, "{}\n"))
        _kill_midway(["schema", "--all", str(folder)], draw, longest)
        recover_folder(folder)
        schemas = {name: (folder / name).read_text() for name in names}
        assert schemas in (dict.fromkeys(names, "{}\n"), {n: p.read_text() for n, p in new.items()})
        assert _temporaries(folder) == []
        assert (folder / "notes.txt").read_text() == "mine\n"
        assert main(["schema", "--all", str(folder)]) == 0
        assert _temporaries(folder) == []


def test_an_hsds_export_killed_at_random_points_leaves_the_old_or_the_new_package(tmp_path: Path) -> None:
    source = EXAMPLES / "svru-community-referrals.yaml"
    network = tipframe.load(source, tipframe.ReferralNetwork)
    renamed = tmp_path / "renamed.yaml"
    text = source.read_text(encoding="utf-8")
    for name in ("Community foodbank", "Emergency food parcels"):  # an organisation's file, and a service's
        text = text.replace(f"name: {name}", f"name: {name} (renamed)")
    renamed.write_text(text, encoding="utf-8")
    old, new = tmp_path / "old", tmp_path / "new"
    write_hsds(hsds_from_network(network), old, "csv")
    started = time.monotonic()
    assert main(["network", str(renamed), "--export", "hsds-csv", "-o", str(new)]) == 0
    longest = 2 * (time.monotonic() - started) + 0.05
    draw = random.Random(11)
    for attempt in range(4):
        folder = tmp_path / str(attempt)
        write_hsds(hsds_from_network(network), folder, "csv")
        (folder / "notes.txt").write_text("mine\n")
        _kill_midway(["network", str(renamed), "--export", "hsds-csv", "-o", str(folder)], draw, longest)
        read_hsds(folder)  # finishes what the killed export left, as the next export would
        assert _state(folder) in (_state(old), _state(new))
        assert _state(old) != _state(new)
        assert _temporaries(folder) == []
        assert read_hsds(folder).tables["service"]


def test_a_package_being_written_is_not_read(tmp_path: Path) -> None:
    network = tipframe.load(EXAMPLES / "svru-community-referrals.yaml", tipframe.ReferralNetwork)
    write_hsds(hsds_from_network(network), tmp_path, "csv")
    journal = tmp_path / f".tipframe-{os.getpid()}-0123abcd.commit"  # a live process's, midway
    journal.mkdir()
    assert unfinished_writes(tmp_path) == [str(journal)]
    with pytest.raises(tipframe.DocumentError, match="being written"):
        read_hsds(tmp_path)
