"""A fixture that runs a module's tests against both cascade backends.

``simulate_reach`` defaults to the compiled backend; the fixture sets that default to each
backend in turn (restored after each test), so every behaviour those tests check holds for the
compiled engine and for the numpy reference it is checked against.
"""

from __future__ import annotations

import pytest

import tipframe


@pytest.fixture(autouse=True, params=["compiled", "reference"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    defaults = tipframe.simulate_reach.__kwdefaults__
    assert defaults is not None
    assert "backend" in defaults
    monkeypatch.setitem(defaults, "backend", request.param)
    return request.param
