"""The ``ecnet-lab`` command line.

Each subcommand lives with the module that owns it: a module in :data:`COMMAND_MODULES`
exposes ``add_parser(subparsers)``, which registers its subcommand and sets ``handler``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = (
    "ecnet_lab.demo",
    "ecnet_lab.catalog",
    "ecnet_lab.reports",
    "ecnet_lab.circuit.cli",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="ecnet-lab", description="Urban ecological networks: case-study reports, data and engines."
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"ecnet-lab {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (errors print one line and return 2)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except (ValueError, TypeError, FileNotFoundError, MemoryError) as exc:
        print(f"ecnet-lab {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"ecnet-lab {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
