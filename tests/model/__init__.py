"""Tests of the typed model and plan feasibility (mirrors src/tipframe/model)."""
