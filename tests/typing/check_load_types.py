"""Checked by mypy --strict in CI (not run by pytest): load(kind=...) gives the kind's type."""

from typing import assert_type

import tipframe

programme = tipframe.load("builtin:help-the-helpers", tipframe.Programme)
assert_type(programme, tipframe.Programme)
assert_type(tipframe.loads("tipframe: 1", tipframe.Framework), tipframe.Framework)
assert_type(tipframe.load("builtin:nttp"), tipframe.Document)
assert_type(tipframe.from_data({}, tipframe.LevelScale), tipframe.LevelScale)
assert_type(tipframe.from_data({}), tipframe.Document)
assert_type(tipframe.load_bundle(["examples"]).get("x", tipframe.Organisation), tipframe.Organisation)
hours: float | None = programme.contact_hours()
