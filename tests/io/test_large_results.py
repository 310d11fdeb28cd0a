"""Results of any size save and reload: large arrays go to a companion .npz, checked when read back."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import attrs
import numpy as np
import pytest

import tipframe
from tipframe import CascadePlan, Programme, ReachResult, Workforce
from tipframe.cli import main
from tipframe.io import companion
from tipframe.io.problems import DocumentError, Limits


def _documents() -> tuple[CascadePlan, Workforce, Programme]:
    plan = tipframe.load("builtin:help-the-helpers-rollout", CascadePlan)
    return plan, tipframe.load(plan.workforce, Workforce), tipframe.load(plan.programme, Programme)


@pytest.fixture
def forced(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every result saves with a companion, however small."""
    monkeypatch.setattr(companion, "INLINE_MAX", 0)


def _saved(tmp_path: Path, replicates: int = 6) -> tuple[ReachResult, Path]:
    result = tipframe.simulate_reach(*_documents(), replicates=replicates, seed=1, keep_events=(0, 2))
    path = tmp_path / "r.json"
    tipframe.dump(result, path)
    return result, path


def test_a_small_result_stays_inline(tmp_path: Path) -> None:
    result, path = _saved(tmp_path)
    assert not (tmp_path / "r.json.npz").exists()
    assert tipframe.load(path, ReachResult) == result


@pytest.mark.usefixtures("forced")
def test_a_large_result_keeps_its_arrays_beside_it_and_reloads_equal(tmp_path: Path) -> None:
    result, path = _saved(tmp_path)
    document = json.loads(path.read_text())
    assert document["arrays"]["file"] == "r.json.npz"
    assert document["trained"] == {
        "dtype": result.trained.dtype,
        "shape": list(result.trained.shape),
        "stored": "trained",
    }
    assert document["events"][1]["trainer_fidelity"]["stored"] == "events.1.trainer_fidelity"
    payload = (tmp_path / "r.json.npz").read_bytes()
    assert document["arrays"]["sha256"] == hashlib.sha256(payload).hexdigest()
    assert tipframe.load(path, ReachResult) == result
    tipframe.dump(result, tmp_path / "again.json")  # the same arrays make the same archive
    assert (tmp_path / "again.json.npz").read_bytes() == payload


@pytest.mark.usefixtures("forced")
def test_an_altered_or_missing_companion_is_refused(tmp_path: Path) -> None:
    _, path = _saved(tmp_path)
    archive = tmp_path / "r.json.npz"
    payload = bytearray(archive.read_bytes())
    payload[-100] ^= 1
    archive.write_bytes(bytes(payload))
    with pytest.raises(DocumentError, match="has changed: its SHA-256 differs"):
        tipframe.load(path)
    archive.unlink()
    with pytest.raises(DocumentError, match=r"companion file r\.json\.npz cannot be read"):
        tipframe.load(path)
    assert main(["reach", "--rerun", str(path)]) == 2
    outside = tmp_path.parent / f"{tmp_path.name}-outside.npz"
    outside.write_bytes(bytes(payload))
    archive.symlink_to(outside)
    with pytest.raises(DocumentError, match="leads outside the document's folder"):
        tipframe.load(path)


def _rewrite(path: Path, arrays: dict[str, np.ndarray], compression: int = zipfile.ZIP_STORED) -> None:
    """Replace the companion with ``arrays`` and record its digest, as a forger would."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, values in arrays.items():
            with archive.open(f"{name}.npy", "w") as handle:
                np.lib.format.write_array(handle, values)
    payload = buffer.getvalue()
    (path.parent / "r.json.npz").write_bytes(payload)
    document = json.loads(path.read_text())
    document["arrays"]["sha256"] = hashlib.sha256(payload).hexdigest()
    path.write_text(json.dumps(document))


@pytest.mark.usefixtures("forced")
def test_a_forged_companion_is_refused_even_with_its_digest(tmp_path: Path) -> None:
    result, path = _saved(tmp_path)
    with np.load(tmp_path / "r.json.npz") as saved:
        arrays = {name: saved[name] for name in saved.files}
    # Another shape than declared.
    _rewrite(path, {**arrays, "trained": np.zeros((2, 2))})
    with pytest.raises(DocumentError, match="entry 'trained' holds float64 of shape"):
        tipframe.load(path)
    # Compressed entries could expand past their size on disk.
    _rewrite(path, arrays, zipfile.ZIP_DEFLATED)
    with pytest.raises(DocumentError, match="is compressed"):
        tipframe.load(path)
    # Arrays declared larger than the limit are refused before anything is read.
    _rewrite(path, arrays)
    assert tipframe.load(path, ReachResult) == result
    with pytest.raises(DocumentError, match=r"Limits\.max_array_bytes"):
        tipframe.load(path, limits=Limits(max_array_bytes=1000))


def test_a_result_whose_arrays_disagree_with_its_replicates_is_invalid(tmp_path: Path) -> None:
    result, path = _saved(tmp_path, replicates=5)
    document = json.loads(path.read_text())
    document["replicates"] = 7
    path.write_text(json.dumps(document))
    with pytest.raises(DocumentError) as raised:
        tipframe.load(path)
    problem = raised.value.problems[0]
    assert problem.path == ("trained", "shape")
    assert "axis 0 must be the 7 replicates, not 5" in problem.message
    assert problem.line is not None
    assert main(["validate", str(path)]) == 1
    del result


def test_a_result_whose_plan_names_a_missing_organisation_is_invalid(tmp_path: Path) -> None:
    result, path = _saved(tmp_path, replicates=2)
    document = json.loads(path.read_text())
    document["plan"]["seed_trainers"][0]["organisation"] = "nowhere"
    path.write_text(json.dumps(document))
    with pytest.raises(DocumentError) as raised:
        tipframe.load(path)
    assert raised.value.problems[0].path[:2] == ("plan", "seed_trainers")
    assert main(["reach", "--rerun", str(path)]) == 1
    assert attrs.evolve(result, arrays=None) == result


def test_three_thousand_replicates_save_and_rerun(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Past the 10 MiB a document may hold inline: the arrays go to r.json.npz.
    out = tmp_path / "r.json"
    assert main(["reach", "--replicates", "3000", "--quiet", "--json", str(out)]) == 0
    assert (tmp_path / "r.json.npz").stat().st_size > 10 * 2**20
    assert out.stat().st_size < 2**20
    capsys.readouterr()
    assert main(["reach", "--rerun", str(out)]) == 0
    assert "reproduced bit for bit: 3,000 replicates" in capsys.readouterr().out
