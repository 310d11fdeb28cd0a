"""Documents in and out: bounded, line-aware parsing and strict conversion."""
