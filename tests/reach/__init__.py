"""Tests of the rollout engines, sweeps, peer uptake and their guards (mirrors src/tipframe/reach)."""
