"""A thread-based debouncer: run a function once calls have stopped for a quiet period.

Jupyter sliders fire a change for every step while dragging; debouncing turns a drag
into one computation. A :class:`threading.Timer` is used (not the asyncio loop) so it
also works outside a running kernel (tests, scripts, papermill).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class Debouncer:
    """Call ``fn`` ``wait_s`` seconds after the last call, with that call's arguments.

    Each call cancels the pending one. ``wait_s == 0`` calls ``fn`` at once in the
    caller's thread. :meth:`flush` runs a pending call now; :meth:`cancel` drops it.

    Examples
    --------
    >>> calls = []
    >>> d = Debouncer(0.05, calls.append)
    >>> for v in range(5):
    ...     d(v)
    >>> d.flush(); calls
    [4]
    """

    def __init__(self, wait_s: float, fn: Callable[..., Any]):
        if not wait_s >= 0:
            raise ValueError(f"wait_s={wait_s!r} must be >= 0 seconds")
        self.wait_s = float(wait_s)
        self.fn = fn
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._pending: tuple[tuple, dict] | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        if self.wait_s == 0:
            self.fn(*args, **kwargs)
            return
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._pending = (args, kwargs)
            self._timer = threading.Timer(self.wait_s, self._fire)
            self._timer.daemon = True
            self._timer.start()

    def _take(self) -> tuple[tuple, dict] | None:
        with self._lock:
            pending, self._pending = self._pending, None
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            return pending

    def _fire(self) -> None:
        pending = self._take()
        if pending is not None:
            self.fn(*pending[0], **pending[1])

    @property
    def pending(self) -> bool:
        """Whether a call is waiting for its quiet period."""
        return self._pending is not None

    def flush(self) -> None:
        """Run the pending call now (in the caller's thread), if any."""
        self._fire()

    def cancel(self) -> None:
        """Drop the pending call, if any."""
        self._take()
