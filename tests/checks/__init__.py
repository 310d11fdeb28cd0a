"""Tests of the practice rules and their engine (mirrors src/tipframe/checks)."""
