"""networkx views of tipframe data: who trained whom in a rollout, and `write_graph` to save them."""

from tipframe.graphs.dissemination import (
    critical_trainers,
    depth,
    dissemination_graph,
    downstream_reach,
    generation_summary,
)
from tipframe.io.graphs import write_graph

__all__ = [
    "critical_trainers",
    "depth",
    "dissemination_graph",
    "downstream_reach",
    "generation_summary",
    "write_graph",
]
