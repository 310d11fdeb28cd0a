"""Human-facing output: text summaries, notebook displays, and the self-contained HTML report."""
