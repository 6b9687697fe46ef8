"""Case-study reports: execute a parameterized notebook with papermill and convert it to HTML.

``ecnet-lab run shenzhen [-p NAME VALUE ...] [--data NAME] [--out DIR]`` validates the parameters
(building the case study's config: an unknown name or an out-of-range value exits with status 2 and a
message before anything heavy runs), executes ``notebooks/shenzhen_mspa.ipynb`` with papermill in a
kernel running this Python, and writes the executed notebook and a self-contained HTML report (input
code hidden, figures embedded as base64 PNG, no script tags, so it renders offline) to the output
folder, atomically. A failing cell exits with status 1 naming the cell; the executed notebook is kept
as ``<name>.failed.ipynb``. ``ecnet-lab run --list`` lists the case studies and their parameters.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "CASE_STUDIES",
    "CaseStudy",
    "ReportError",
    "ReportResult",
    "add_parser",
    "build_parameters",
    "notebook_to_html",
    "run_report",
]


@dataclass(frozen=True)
class CaseStudy:
    """A parameterized case-study notebook and the config class that validates its parameters."""

    name: str
    notebook: str
    description: str
    config: str  # "module:Class"

    def config_class(self):
        import importlib

        module, _, cls = self.config.partition(":")
        return getattr(importlib.import_module(module), cls)

    def notebook_path(self) -> Path:
        """Where the notebook is: packaged (``ecnet_lab/notebooks``) or in the source tree."""
        packaged = resources.files("ecnet_lab") / "notebooks" / self.notebook
        if packaged.is_file():
            return Path(str(packaged))
        here = Path(__file__).resolve().parent.parent / "notebooks" / self.notebook
        if here.is_file():
            return here
        raise FileNotFoundError(f"the notebook {self.notebook!r} of case study {self.name!r} is not installed")


#: The registered case studies.
CASE_STUDIES: dict[str, CaseStudy] = {
    "shenzhen": CaseStudy(
        "shenzhen",
        "shenzhen_mspa.ipynb",
        "Shenzhen (Li et al. 2025): MSPA sources, dPC importance, circuit-theory corridors, pinch points, "
        "barriers, optimization and before/after comparison",
        "ecnet_lab.pipeline.config:StudyConfig",
    ),
}


class ReportError(RuntimeError):
    """A report notebook failed; the message names the failing cell."""


@dataclass(frozen=True)
class ReportResult:
    """Files written by :func:`run_report`."""

    notebook: Path
    html: Path
    seconds: float
    parameters: dict


def _case(name: str) -> CaseStudy:
    if name not in CASE_STUDIES:
        raise ValueError(f"case study {name!r} is not known; choose one of {sorted(CASE_STUDIES)!r}")
    return CASE_STUDIES[name]


def build_parameters(
    case: str,
    pairs: Sequence[tuple[str, str]] | Mapping[str, Any] = (),
    *,
    data: str | None = None,
    export_dir: str | None = None,
) -> dict[str, Any]:
    """Validated papermill parameters of a case study from ``-p`` string pairs (or typed values).

    This builds the config, so a bad name or value raises ``ValueError`` here, before any heavy step.

    Examples
    --------
    >>> build_parameters("shenzhen", [("size", "200")])["size"]
    200
    >>> build_parameters("shenzhen", [("sise", "200")])
    Traceback (most recent call last):
    ...
    ValueError: unknown parameter 'sise' (did you mean 'size'?); allowed parameters: ...
    """
    cls = _case(case).config_class()
    items = list(pairs.items()) if isinstance(pairs, Mapping) else [tuple(p) for p in pairs]
    names = [n for n, _ in items]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"parameter(s) {dupes!r} given more than once")
    if data is not None:
        if "data" in names:
            raise ValueError("give the data set either with --data or with -p data, not both")
        items.append(("data", data))
    if export_dir is not None and "export_dir" not in names:
        items.append(("export_dir", export_dir))
    if isinstance(pairs, Mapping):
        cfg = cls.from_dict(dict(items))
    else:
        cfg = cls.from_strings(items)
    return cfg.to_dict()


# ---------------------------------------------------------------------------------------------- kernel


@contextlib.contextmanager
def _kernel_for_this_python() -> Iterator[str]:
    """A kernel name that runs ``sys.executable``: ``python3`` when it does, else a private kernelspec."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
        argv0 = spec.argv[0] if spec.argv else ""
        ours = argv0 in ("python", "python3", f"python{sys.version_info[0]}.{sys.version_info[1]}") or (
            Path(argv0).resolve() == Path(sys.executable).resolve()
        )
    except (NoSuchKernel, OSError):
        ours = False
    if ours:  # jupyter_client replaces a bare "python" with sys.executable
        yield "python3"
        return
    with tempfile.TemporaryDirectory(prefix="ecnet-kernel-") as tmp:
        name = "ecnet-lab-python"
        kdir = Path(tmp) / "kernels" / name
        kdir.mkdir(parents=True)
        spec = {
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python (ecnet-lab)",
            "language": "python",
        }
        (kdir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
        old = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = tmp + (os.pathsep + old if old else "")
        try:
            yield name
        finally:
            if old is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = old


# ---------------------------------------------------------------------------------------------- HTML

_REPORT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
"""


def notebook_to_html(nb, *, title: str | None = None) -> str:
    """Self-contained HTML of an executed notebook: no input code, no prompts, no script tags.

    Figures are the notebook's PNG outputs embedded as base64 data URLs; the page loads nothing from
    the network (require.js, MathJax, Mermaid and the widget manager are left out: the report holds
    none of what they render).

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("secret_code()")])
    >>> nb.cells[0].outputs = [nbformat.v4.new_output("display_data", {"text/html": "<b>result</b>"})]
    >>> html = notebook_to_html(nb)
    >>> "<b>result</b>" in html, "secret_code" in html, "<script" in html
    (True, False, False)
    """
    import jinja2
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        extra_loaders=[jinja2.DictLoader({"ecnet_report.html.j2": _REPORT_TEMPLATE})],
        template_file="ecnet_report.html.j2",
    )
    if title:
        nb.metadata["title"] = title
    html, _ = exporter.from_notebook_node(nb)
    return html


# ---------------------------------------------------------------------------------------------- run


def _failed_cell(nb) -> tuple[int, Any] | None:
    """Index and cell of the first code cell with an error output (papermill may insert extra cells)."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return i, cell
    return None


def _cell_label(nb, index: int) -> str:
    """Describe cell ``index``: execution count, the nearest markdown heading above it, its first line."""
    cell = nb.cells[index]
    first = next((ln.strip() for ln in cell.source.splitlines() if ln.strip()), "")
    heading = ""
    for c in reversed(nb.cells[:index]):
        if c.cell_type == "markdown":
            heading = next((ln.lstrip("# ").strip() for ln in c.source.splitlines() if ln.startswith("#")), "")
            if heading:
                break
    count = cell.get("execution_count")
    where = f' in section "{heading}"' if heading else ""
    return f"cell In [{count}]{where} (first line: {first[:80]!r})"


def run_report(
    case: str,
    parameters: Mapping[str, Any] | None = None,
    out_dir: str | os.PathLike = "ecnet_reports",
    *,
    timeout: float | None = 3600.0,
    kernel_name: str | None = None,
    log_output: bool = False,
) -> ReportResult:
    """Execute a case-study notebook with papermill and write ``<notebook>.ipynb`` and ``.html`` to ``out_dir``.

    Parameters
    ----------
    case : str
        Case-study name (:data:`CASE_STUDIES`).
    parameters : mapping, optional
        Typed parameter values; validated by the case study's config before anything runs.
    out_dir : path
        Output folder (created).
    timeout : float or None
        Seconds allowed per cell.
    kernel_name : str, optional
        Jupyter kernel; default one running this Python interpreter.
    log_output : bool
        Echo cell outputs to the log while running.

    Raises
    ------
    ValueError
        Unknown case or invalid parameters (nothing was executed).
    ReportError
        A cell failed; the message names the cell and the error. The executed notebook is written to
        ``<notebook>.failed.ipynb`` in ``out_dir``.
    """
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from . import io

    study = _case(case)
    params = build_parameters(case, dict(parameters or {}))
    source = study.notebook_path()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(study.notebook).stem
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f".{stem}.", dir=out) as tmp:
        executed = Path(tmp) / study.notebook
        kernel_ctx = contextlib.nullcontext(kernel_name) if kernel_name else _kernel_for_this_python()
        with kernel_ctx as kname:
            try:
                pm.execute_notebook(
                    str(source),
                    str(executed),
                    parameters=params,
                    kernel_name=kname,
                    cwd=str(out),
                    progress_bar=False,
                    log_output=log_output,
                    execution_timeout=timeout,
                    report_mode=False,
                )
            except PapermillExecutionError as exc:
                failed = out / f"{stem}.failed.ipynb"
                nb = nbformat.read(str(executed), as_version=4) if executed.exists() else None
                if nb is not None:
                    with io.atomic_path(failed) as t:
                        nbformat.write(nb, str(t))
                found = _failed_cell(nb) if nb is not None else None
                label = _cell_label(nb, found[0]) if found else f"cell In [{exc.exec_count}]"
                raise ReportError(
                    f"report {case!r} failed at {label}: {exc.ename}: {exc.evalue} (executed notebook: {failed})"
                ) from None
        nb = nbformat.read(str(executed), as_version=4)
        html = notebook_to_html(nb, title=f"ecnet-lab report: {case}")
        nb_path, html_path = out / study.notebook, out / f"{stem}.html"
        with io.atomic_path(nb_path) as t:
            nbformat.write(nb, str(t))
        io.write_text(html, html_path)
    stale = out / f"{stem}.failed.ipynb"
    if stale.exists():
        stale.unlink()
    return ReportResult(notebook=nb_path, html=html_path, seconds=time.perf_counter() - t0, parameters=params)


# ---------------------------------------------------------------------------------------------- CLI


def add_parser(subparsers) -> None:
    """Register ``ecnet-lab run CASE [-p NAME VALUE ...] [--data NAME] [--out DIR]`` and ``run --list``."""
    p = subparsers.add_parser(
        "run",
        help="run a case-study report (papermill notebook -> executed notebook + HTML)",
        description="Execute a case-study notebook with papermill and write the executed notebook and an HTML "
        "report. Parameters are validated before anything runs.",
    )
    p.add_argument("case", nargs="?", help=f"case study: {', '.join(sorted(CASE_STUDIES))}")
    p.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a notebook parameter (repeatable); lists as 1,2 or [1,2], None for unset",
    )
    p.add_argument("--data", help="catalog entry to run on (the 'data' parameter), e.g. hk-habitat-6class-2018-2022")
    p.add_argument("--out", default=None, help="output folder (default: ecnet_reports/<case>)")
    p.add_argument("--no-export", action="store_true", help="do not write GeoTIFF/GeoPackage/CSV under <out>/data")
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds allowed per notebook cell")
    p.add_argument("--list", action="store_true", help="list the case studies and their parameters")
    p.set_defaults(handler=_cli_run)


def _print_list() -> None:
    import textwrap

    for name, cs in sorted(CASE_STUDIES.items()):
        print(f"{name}: {cs.description}")
        print(f"  notebook: {cs.notebook}; parameters (-p NAME VALUE), grouped:")
        module = __import__(cs.config.partition(":")[0], fromlist=["describe_parameters"])
        table = module.describe_parameters()
        for group, rows in table.groupby("group", sort=False):
            print(f"  [{group}]")
            for row in rows.itertuples():
                allowed = f"   ({row.allowed})" if row.allowed else ""
                print(f"    {row.name} = {row.default!r}{allowed}")
                print(textwrap.fill(row.help, width=100, initial_indent=" " * 8, subsequent_indent=" " * 8))


def _cli_run(args) -> int:
    if args.list:
        if args.case or args.parameter:
            raise ValueError("--list takes no case or parameters")
        _print_list()
        return 0
    if not args.case:
        raise ValueError(f"give a case study ({', '.join(sorted(CASE_STUDIES))}) or --list")
    out = Path(args.out) if args.out else Path("ecnet_reports") / args.case
    export = None if args.no_export else str((out / "data").resolve())
    params = build_parameters(args.case, args.parameter, data=args.data, export_dir=export)
    print(f"ecnet-lab run {args.case}: executing {CASE_STUDIES[args.case].notebook} -> {out}", file=sys.stderr)
    try:
        result = run_report(args.case, params, out, timeout=args.timeout)
    except ReportError as exc:
        print(f"ecnet-lab run: error: {exc}", file=sys.stderr)
        return 1
    print(f"executed notebook: {result.notebook}")
    print(f"HTML report:       {result.html}")
    print(f"finished in {result.seconds:.1f} s", file=sys.stderr)
    return 0
