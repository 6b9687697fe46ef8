"""Linear solvers behind one interface: ``prepare(matrix)`` once, then ``solve(rhs)`` many times.

Every circuit mode reduces to symmetric positive definite systems (a graph Laplacian with
at least one node grounded). A :class:`Solver` is prepared once per connected component
(an AMG hierarchy or a sparse factorization) and reused for all right-hand sides, so a
pairwise run with ``n`` focal nodes costs about ``n`` solves.

Solvers (select by name with :func:`make_solver`):

``"amg"`` (default)
    Conjugate gradients preconditioned with smoothed-aggregation algebraic multigrid (pyamg).
``"cholmod"``
    Sparse Cholesky from scikit-sparse (optional extra ``ecnet-lab[cholmod]``).
``"splu"`` / ``"direct"``
    SciPy's SuperLU in symmetric mode: always available, best for small and medium grids.

Every solve checks its relative residual; a residual above ``residual_limit`` raises
:class:`SolverError` naming the conductance ratio of the problem, so an ill-conditioned
system never returns silent garbage.
"""

from __future__ import annotations

import contextlib
import warnings
from typing import ClassVar

import numpy as np
import scipy.sparse as sp

__all__ = [
    "SOLVER_NAMES",
    "AMGSolver",
    "CholmodSolver",
    "IllConditionedWarning",
    "Solver",
    "SolverError",
    "SuperLUSolver",
    "available_solvers",
    "cholmod_available",
    "make_solver",
]

#: conductance ratio above which a component is reported as ill-conditioned
ILL_CONDITIONED_RATIO = 1e12


class SolverError(RuntimeError):
    """A linear solve failed or returned a result whose residual is too large."""


class IllConditionedWarning(RuntimeWarning):
    """The conductances of a problem span so many orders of magnitude that accuracy may suffer."""


def cholmod_available() -> bool:
    """True when scikit-sparse (CHOLMOD) can be imported."""
    try:
        import sksparse.cholmod  # noqa: F401
    except Exception:
        return False
    return True


class Solver:
    """Base class: subclasses implement ``_prepare`` and ``_solve``.

    Parameters
    ----------
    tol : float
        Relative residual tolerance of iterative solvers.
    maxiter : int
        Iteration limit of iterative solvers.
    residual_limit : float
        Largest accepted relative residual ``||A x - b|| / ||b||`` of any solve.
    """

    name: ClassVar[str] = "base"
    direct: ClassVar[bool] = False

    def __init__(self, *, tol: float = 1e-9, maxiter: int = 1000, residual_limit: float = 1e-6) -> None:
        self.tol = float(tol)
        self.maxiter = int(maxiter)
        self.residual_limit = float(residual_limit)
        self.matrix: sp.csr_matrix | None = None
        self.conductance_ratio = 1.0
        self.n_solves = 0
        self._matrix_ext = None

    # -- public interface -------------------------------------------------------------
    def prepare(self, matrix: sp.spmatrix, *, conductance_ratio: float = 1.0) -> Solver:
        """Factor or precondition ``matrix`` (SPD); returns ``self``."""
        self.matrix = sp.csr_matrix(matrix)
        self.conductance_ratio = float(conductance_ratio)
        self._matrix_ext = None
        if self.matrix.shape[0] == 0:
            return self
        try:
            self._prepare(self.matrix)
        except SolverError:
            raise
        except Exception as exc:
            raise SolverError(
                f"solver {self.name!r} could not prepare a {self.matrix.shape[0]}-node system: {exc}. "
                f"{self._conditioning_note()}"
            ) from exc
        return self

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """Solve for one right-hand side (shape ``(n,)``) or several (shape ``(n, k)``)."""
        if self.matrix is None:
            raise SolverError("call prepare(matrix) before solve(rhs)")
        rhs = np.asarray(rhs, dtype=np.float64)
        if self.matrix.shape[0] == 0:
            return np.zeros_like(rhs)
        single = rhs.ndim == 1
        b = rhs[:, None] if single else rhs
        x = np.asarray(self._solve(b), dtype=np.float64).reshape(b.shape)
        x = self._check(b, x)
        self.n_solves += b.shape[1]
        return x[:, 0] if single else x

    # -- helpers ----------------------------------------------------------------------
    def _conditioning_note(self) -> str:
        if self.conductance_ratio > ILL_CONDITIONED_RATIO:
            return (
                f"The conductances span a ratio of {self.conductance_ratio:.1e} (> {ILL_CONDITIONED_RATIO:.0e}): "
                "the system is too ill-conditioned for double precision; narrow the range of resistances."
            )
        hint = " Try solver='cholmod' or 'splu' (direct solvers)." if not self.direct else ""
        return (
            f"The conductances of the problem span a ratio of {self.conductance_ratio:.1e}; badly scaled "
            f"(ill-conditioned) systems can defeat the solver.{hint}"
        )

    def _residuals(self, b: np.ndarray, x: np.ndarray) -> np.ndarray:
        r = self.matrix @ x - b
        bn = np.linalg.norm(b, axis=0)
        rn = np.linalg.norm(r, axis=0)
        return np.where(bn > 0, rn / np.where(bn > 0, bn, 1.0), rn)

    def _target(self) -> float:
        # direct solves of well-scaled systems land near 1e-14; iterative solvers stop at ``tol``
        # on their recursive residual (allow rounding slack). Above that, refine.
        return 1e-10 if self.direct else 10.0 * self.tol

    def _check(self, b: np.ndarray, x: np.ndarray) -> np.ndarray:
        if not np.all(np.isfinite(x)):
            raise SolverError(f"solver {self.name!r} returned non-finite voltages. {self._conditioning_note()}")
        res = self._residuals(b, x)
        target = self._target()
        if res.size and res.max() > target:
            x, res = self._refine(b, x, res, target)
        worst = float(res.max()) if res.size else 0.0
        if worst > self.residual_limit:
            raise SolverError(
                f"solver {self.name!r} failed: relative residual {worst:.2e} exceeds {self.residual_limit:.0e}. "
                f"{self._conditioning_note()}"
            )
        return x

    def _refine(self, b: np.ndarray, x: np.ndarray, res: np.ndarray, target: float, max_steps: int = 8):
        """Mixed-precision iterative refinement: residuals in extended precision, corrections in double.

        Recovers full accuracy of badly scaled (ill-conditioned) systems as long as the solver
        itself is accurate to better than 1/condition number; otherwise the residual stays large
        and :meth:`_check` reports the failure.
        """
        ext = np.longdouble
        if self._matrix_ext is None:
            self._matrix_ext = self.matrix.astype(ext)
        bn = np.linalg.norm(b, axis=0)
        bn = np.where(bn > 0, bn, 1.0)
        x_ext = x.astype(ext)
        b_ext = b.astype(ext)
        for _ in range(max_steps):
            todo = np.flatnonzero(res > target)
            if todo.size == 0:
                break
            r_ext = b_ext[:, todo] - self._matrix_ext @ x_ext[:, todo]
            dx = np.asarray(self._solve(np.asarray(r_ext, dtype=np.float64)), dtype=np.float64)
            dx = dx.reshape(r_ext.shape)
            if not np.all(np.isfinite(dx)):
                break
            trial = x_ext[:, todo] + dx.astype(ext)
            r_new = b_ext[:, todo] - self._matrix_ext @ trial
            res_new = np.linalg.norm(np.asarray(r_new, dtype=np.float64), axis=0) / bn[todo]
            better = res_new < 0.5 * res[todo]
            if not better.any():
                break
            cols = todo[better]
            x_ext[:, cols] = trial[:, better]
            res[cols] = res_new[better]
        return np.asarray(x_ext, dtype=np.float64), res

    def _prepare(self, matrix: sp.csr_matrix) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _solve(self, b: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


def _single_threaded_blas():
    """Limit BLAS to one thread when threadpoolctl is installed (else a no-op context)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


class AMGSolver(Solver):
    """Conjugate gradients preconditioned by one smoothed-aggregation AMG V-cycle (pyamg).

    Smoothed aggregation needs about half the iterations of classical (Ruge-Stuben) AMG on
    heterogeneous resistance grids (e.g. 24 instead of 45 on Circuitscape's 1m BigTest).

    The CG loop stops early when the residual stagnates or grows (which happens when the
    preconditioner loses definiteness on badly scaled systems); the residual check then
    reports the failure instead of iterating for minutes.
    """

    name = "amg"

    def _prepare(self, matrix: sp.csr_matrix) -> None:
        import pyamg

        with _single_threaded_blas():
            self._ml = pyamg.smoothed_aggregation_solver(matrix, max_coarse=500)
        self._precond = self._ml.aspreconditioner(cycle="V")
        self.iterations: list[int] = []

    def _pcg(self, b: np.ndarray) -> np.ndarray:
        # vector reductions with einsum (no BLAS threads: multi-threaded BLAS on short dot
        # products slows CG down several-fold on a busy machine)
        a = self.matrix
        bn = float(np.sqrt(np.einsum("i,i->", b, b)))
        x = np.zeros_like(b)
        if bn == 0.0:
            return x
        r = b.copy()
        z = self._precond @ r
        p = z.copy()
        rz = float(np.einsum("i,i->", r, z))
        best, since_best = np.inf, 0
        rel = 1.0
        it = 0
        for it in range(1, self.maxiter + 1):  # noqa: B007 - the count is recorded below
            ap = a @ p
            pap = float(np.einsum("i,i->", p, ap))
            if not pap > 0.0:
                break
            alpha = rz / pap
            x += alpha * p
            r -= alpha * ap
            rel = float(np.sqrt(np.einsum("i,i->", r, r))) / bn
            if rel <= self.tol:
                break
            if rel < 0.99 * best:
                best, since_best = rel, 0
            else:
                since_best += 1
                if since_best > 60 or rel > 1e6:
                    break
            z = self._precond @ r
            rz_new = float(np.einsum("i,i->", r, z))
            if not rz_new > 0.0:
                break
            p *= rz_new / rz
            p += z
            rz = rz_new
        self.iterations.append(it)
        if rel > 10.0 * self.tol:
            self._stalled = True
        return x

    def _solve(self, b: np.ndarray) -> np.ndarray:
        self._stalled = False
        out = np.empty_like(b)
        with _single_threaded_blas():
            for k in range(b.shape[1]):
                out[:, k] = self._pcg(np.ascontiguousarray(b[:, k]))
        return out

    def _refine(self, b, x, res, target, max_steps: int = 3):
        if self._stalled:  # CG broke down or stagnated: refining would only repeat that
            return x, res
        return super()._refine(b, x, res, target, max_steps=max_steps)


class CholmodSolver(Solver):
    """Sparse Cholesky factorization (CHOLMOD via scikit-sparse)."""

    name = "cholmod"
    direct = True

    def __init__(self, **kwargs) -> None:
        if not cholmod_available():
            raise ImportError(
                "solver='cholmod' needs scikit-sparse; install the optional extra: pip install 'ecnet-lab[cholmod]' "
                "(it needs the SuiteSparse headers, e.g. apt-get install libsuitesparse-dev)"
            )
        super().__init__(**kwargs)

    #: above this many unknowns the (slower) METIS ordering pays off in fill and memory
    metis_above = 2_000_000

    def _prepare(self, matrix: sp.csr_matrix) -> None:
        from sksparse.cholmod import cholesky

        ordering = "amd" if matrix.shape[0] <= self.metis_above else "default"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._factor = cholesky(matrix.tocsc(), ordering_method=ordering)

    def _solve(self, b: np.ndarray) -> np.ndarray:
        return self._factor(np.asfortranarray(b))


class SuperLUSolver(Solver):
    """SciPy SuperLU in symmetric mode (always available)."""

    name = "splu"
    direct = True

    def _prepare(self, matrix: sp.csr_matrix) -> None:
        from scipy.sparse.linalg import splu

        self._lu = splu(
            matrix.tocsc(),
            permc_spec="MMD_AT_PLUS_A",
            diag_pivot_thresh=0.0,
            options={"SymmetricMode": True},
        )

    def _solve(self, b: np.ndarray) -> np.ndarray:
        return self._lu.solve(np.asfortranarray(b))


_REGISTRY: dict[str, type[Solver]] = {
    "amg": AMGSolver,
    "cholmod": CholmodSolver,
    "splu": SuperLUSolver,
    "direct": SuperLUSolver,
}

#: every solver name accepted by :func:`make_solver`
SOLVER_NAMES = tuple(_REGISTRY)


def available_solvers() -> list[str]:
    """Names of the solvers usable here (``cholmod`` only with scikit-sparse).

    Examples
    --------
    >>> "amg" in available_solvers()
    True
    """
    return [n for n in ("amg", "cholmod", "splu") if n != "cholmod" or cholmod_available()]


def make_solver(name: str, **options) -> Solver:
    """Create the solver called ``name``; an unknown name raises ``ValueError``.

    Examples
    --------
    >>> make_solver("splu").name
    'splu'
    """
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(f"solver={name!r} is not allowed; choose one of {list(SOLVER_NAMES)!r}")
    return _REGISTRY[name](**options)


def warn_if_ill_conditioned(ratio: float, where: str = "the circuit") -> None:
    """Emit :class:`IllConditionedWarning` when ``ratio`` exceeds :data:`ILL_CONDITIONED_RATIO`."""
    if ratio > ILL_CONDITIONED_RATIO:
        warnings.warn(
            f"{where}: conductances span a ratio of {ratio:.1e} (> {ILL_CONDITIONED_RATIO:.0e}); the linear "
            "system is ill-conditioned and results may lose accuracy (residuals are checked)",
            IllConditionedWarning,
            stacklevel=3,
        )
