"""Tests of the tipframe command (mirrors src/tipframe/cli)."""
