"""``ecnet-lab circuitscape CONFIG.ini [--root DIR] [--out DIR] [--solver NAME]``."""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_parser"]


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register the ``circuitscape`` subcommand on an argparse ``subparsers`` object."""
    from .ini import SOLVER_ALIASES

    p = subparsers.add_parser(
        "circuitscape",
        help="run a Circuitscape .ini configuration and write Circuitscape's output files",
        description=(
            "Run a Circuitscape (.ini) configuration with the ecnet_lab circuit engine. Paths starting with "
            "circuitscape/verify/ map to --root; other relative paths are looked up under --root, then next to "
            "the .ini file. Unknown or unsupported options are errors."
        ),
    )
    p.add_argument("config", metavar="CONFIG", help="Circuitscape .ini file")
    p.add_argument("--root", default=None, help="folder replacing the circuitscape/verify/ prefix of input paths")
    p.add_argument("--out", default=None, help="output folder (default: the folder of output_file)")
    p.add_argument(
        "--solver",
        default=None,
        choices=sorted(set(SOLVER_ALIASES)),
        help="override the solver of the file (cg+amg/amg, cholmod, splu/direct)",
    )
    p.add_argument("--max-memory-gb", type=float, default=None, help="refuse problems estimated above this size")
    p.add_argument("--progress", action="store_true", help="show progress bars")
    p.set_defaults(handler=_cli)
    return p


def _cli(args) -> int:
    from .runner import run_ini

    try:
        result = run_ini(
            args.config,
            root=args.root,
            out=args.out,
            solver=args.solver,
            progress=args.progress,
            max_memory_gb=args.max_memory_gb,
        )
    except (ValueError, FileNotFoundError, MemoryError, RuntimeError) as exc:
        print(f"ecnet-lab circuitscape: error: {exc}", file=sys.stderr)
        return 2
    print(
        f"{result['scenario']} ({result['data_type']}, solver {result['solver']}): "
        f"{result['n_solves']} solves, {len(result['files'])} files written"
    )
    for f in result["files"]:
        print(f"  {f}")
    return 0
