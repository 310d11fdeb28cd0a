"""Tests of displays, tables, plots, the HTML report and notebooks (mirrors src/tipframe/report)."""
