"""A progress bar for long runs, drawn only when asked for and only at a terminal.

The library never writes to the terminal on its own: pass ``progress=terminal_progress()`` to
`simulate_reach` or `sweep` to see one.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["terminal_progress"]


def terminal_progress(
    label: str = "simulating", stream: TextIO | None = None, width: int = 30
) -> Callable[[int, int], None]:
    """A ``progress(done, total)`` callback that draws a bar on ``stream``, or does nothing off a terminal.

    Parameters
    ----------
    label
        Written before the bar.
    stream
        Where to draw (default: standard error).
    width
        The bar's width in characters.

    Returns
    -------
    Callable
        Pass it as ``progress=`` to `simulate_reach` or `sweep`; it shows replicates (or
        scenarios) done and an estimate of the seconds left.
    """
    out = stream if stream is not None else sys.stderr
    if not out.isatty():
        return lambda done, total: None
    started = time.monotonic()

    def draw(done: int, total: int) -> None:
        filled = int(width * done / max(total, 1))
        elapsed = time.monotonic() - started
        left = elapsed / done * (total - done) if done else 0.0
        out.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}  {left:4.0f} s left")
        if done >= total:
            out.write("\n")
        out.flush()

    return draw
