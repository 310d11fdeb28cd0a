"""What a saved figure cuts off: the check every plot's test makes."""

from __future__ import annotations

from typing import Any


def clipped(figure: Any) -> list[float]:
    """How far what the figure draws (titles, labels, ticks, legends, marks) reaches beyond its edges, in inches
    (left, bottom, right, top): all zero when nothing is cut off as saved."""
    figure.canvas.draw()
    drawn = figure.get_tightbbox(figure.canvas.get_renderer())
    width, height = figure.get_size_inches()
    beyond = [-drawn.x0, -drawn.y0, drawn.x1 - width, drawn.y1 - height]
    return [round(max(0.0, b), 2) if b > 0.01 else 0.0 for b in beyond]


NOTHING: list[float] = [0.0, 0.0, 0.0, 0.0]
