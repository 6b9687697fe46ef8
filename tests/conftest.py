"""Shared test helpers: locating ``../shared/data`` and skipping reference tests correctly.

Reference tests skip with a clear reason when the reference data are absent on a user's
machine, but never skip when ``CI=true``: there a missing folder is a test failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecnet_lab.catalog import data_dir, data_dir_candidates


def shared_data_dir() -> Path | None:
    """Return the reference data folder (``ECNET_DATA_DIR``, else ``../shared/data`` next to this
    repository or next to the local repository it was cloned from), if present."""
    root = data_dir()
    return root if root is not None and root.is_dir() else None


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require_shared(*parts: str) -> Path:
    """Path to ``shared/data/<parts>``; skip (or fail under CI=true) when it is absent."""
    root = shared_data_dir()
    path = None if root is None else root.joinpath(*parts)
    if path is None or not path.exists():
        where = "ECNET_DATA_DIR, " + ", ".join(map(str, data_dir_candidates())) if root is None else str(path)
        msg = f"reference data {'/'.join(parts)!r} not found (looked in {where})"
        if in_ci():
            pytest.fail(msg + "; CI=true requires the reference data")
        pytest.skip(msg)
    return path


@pytest.fixture
def shared_data():
    """The reference data folder; skips (fails under CI) when absent."""
    return require_shared()
