"""Circuit theory with Circuitscape semantics, natively in Python.

Modes (each returns a result object of DataArrays / DataFrames):

* :func:`pairwise` - effective resistance matrix, per-pair, cumulative and maximum current maps;
* :func:`one_to_all` / :func:`all_to_one` - one focal node against all others;
* :func:`advanced` - arbitrary current sources and grounds;
* :func:`network_pairwise` / :func:`network_advanced` - the same on a graph (network) input.

Solvers are selected by name (``"amg"`` default, ``"cholmod"`` optional, ``"splu"``/``"direct"``);
see :mod:`ecnet_lab.circuit.solvers`. :func:`run_ini` runs a Circuitscape ``.ini`` file and
writes Circuitscape's output files (also ``ecnet-lab circuitscape CONFIG.ini``).
"""

from .advanced import advanced
from .network import network_advanced, network_pairwise
from .onetoall import all_to_one, one_to_all
from .pairwise import pairwise
from .results import (
    AdvancedResult,
    NetworkAdvancedResult,
    NetworkPairwiseResult,
    OneToAllResult,
    PairwiseResult,
)
from .runner import run_ini
from .solvers import IllConditionedWarning, SolverError, available_solvers, make_solver

__all__ = [
    "AdvancedResult",
    "IllConditionedWarning",
    "NetworkAdvancedResult",
    "NetworkPairwiseResult",
    "OneToAllResult",
    "PairwiseResult",
    "SolverError",
    "advanced",
    "all_to_one",
    "available_solvers",
    "make_solver",
    "network_advanced",
    "network_pairwise",
    "one_to_all",
    "pairwise",
    "run_ini",
]
