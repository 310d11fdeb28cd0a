"""Plots with matplotlib (``pip install tipframe[plot]``), imported only when a plot is drawn.

Each function draws on ``ax`` when given (else on a new figure's axes) and returns the Axes, so
it can be restyled, combined or saved. Modelled numbers are labelled as modelled.
"""

from tipframe.plots.calibration import plot_pair as plot_pair
from tipframe.plots.calibration import plot_posterior as plot_posterior
from tipframe.plots.calibration import plot_predictive as plot_predictive
from tipframe.plots.formats import plot_peer as plot_peer
from tipframe.plots.formats import plot_recurring as plot_recurring
from tipframe.plots.formats import plot_recurring_reach as plot_recurring_reach
from tipframe.plots.network import DRAWN_UP_TO as DRAWN_UP_TO
from tipframe.plots.network import SUPPORT_COLOURS as SUPPORT_COLOURS
from tipframe.plots.network import plot_coverage_matrix as plot_coverage_matrix
from tipframe.plots.network import plot_network as plot_network
from tipframe.plots.planning import plot_frontier as plot_frontier
from tipframe.plots.reach import plot_dissemination as plot_dissemination
from tipframe.plots.reach import plot_organisation_reach as plot_organisation_reach
from tipframe.plots.reach import plot_reach as plot_reach
from tipframe.plots.reach import plot_sweep as plot_sweep
