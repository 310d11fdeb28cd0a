"""Human-facing output: text summaries now; tables, plots and HTML later."""
