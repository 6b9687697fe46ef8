"""Run the benchmarks and print their JSON lines.

Usage: ``python benchmarks/run.py [NAME ...]`` runs ``benchmarks/bench_<NAME>.py`` (all when
no name is given), each in its own process so peak memory is per benchmark. Exit status is
non-zero if any benchmark script fails.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        wanted = {f"bench_{n.removeprefix('bench_').removesuffix('.py')}.py" for n in argv}
        unknown = wanted - {s.name for s in scripts}
        if unknown:
            names = [s.stem.removeprefix("bench_") for s in scripts]
            print(f"unknown benchmark(s) {sorted(unknown)}; available: {names}", file=sys.stderr)
            return 2
        scripts = [s for s in scripts if s.name in wanted]
    failed = 0
    for script in scripts:
        proc = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        failed += proc.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
