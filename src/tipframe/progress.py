"""Progress for long runs, shown only when asked for: tqdm bars as ``progress(done, total)`` callbacks.

The library never writes on its own: pass ``progress=tipframe.progress_bar()`` (a widget in a
notebook, text at a terminal) or ``progress=tipframe.terminal_progress()`` (text, and only at a
terminal: what the command line uses) to `simulate_reach`, `sweep`, `plan_for_target`,
`place_seeds` or `simulate_learning_pathway` (`calibrate` reports generations instead).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TextIO

__all__ = ["progress_bar", "terminal_progress"]


def _callback(make: Callable[[int], Any]) -> Callable[[int, int], None]:
    """A ``progress(done, total)`` callback over a tqdm bar made on the first call (when the total is known), closed
    when the work is done."""
    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None or bar.total != total or bar.disable or done < bar.n:  # a new run, or the last one ended
            if bar is not None:
                bar.close()
            bar = make(total)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def progress_bar(label: str = "simulating", *, unit: str = "runs") -> Callable[[int, int], None]:
    """A progress bar: a widget in a Jupyter notebook, text in a terminal (``tqdm.auto``).

    Parameters
    ----------
    label
        Written before the bar.
    unit
        What is counted (replicates, designs, particles).

    Returns
    -------
    Callable
        ``progress(done, total)``, to pass as ``progress=``.
    """
    from tqdm.auto import tqdm

    return _callback(lambda total: tqdm(total=total, desc=label, unit=f" {unit}", unit_scale=False))


def terminal_progress(label: str = "simulating", stream: TextIO | None = None) -> Callable[[int, int], None]:
    """A text progress bar on ``stream`` (standard error by default), or nothing off a terminal.

    Parameters
    ----------
    label
        Written before the bar.
    stream
        Where to draw.

    Returns
    -------
    Callable
        ``progress(done, total)``: the bar shows the count done and an estimate of the time left;
        it ends its line when the work is done.
    """
    out = stream if stream is not None else sys.stderr
    if not out.isatty():
        return lambda done, total: None
    from tqdm import tqdm

    return _callback(lambda total: tqdm(total=total, desc=label, file=out, ascii=True, dynamic_ncols=False))
