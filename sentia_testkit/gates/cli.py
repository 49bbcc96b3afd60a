"""`quality-gates`: run the gates (or evaluate reports produced earlier), print the table, write the reports.

Exit codes: 0 every gate passed; 1 the tests gate failed; 3 another gate failed; 4 a gate could not be evaluated
(an ERROR, or an UNAVAILABLE the configuration does not tolerate) or the configuration is invalid.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console

from sentia_testkit.gates.base import GateContext
from sentia_testkit.gates.config import GATE_NAMES, ConfigError, load_config
from sentia_testkit.gates.model import EXIT_NOT_EVALUATED, GateRun
from sentia_testkit.gates.registry import all_gates
from sentia_testkit.gates.report import html, json_report, markdown, terminal
from sentia_testkit.gates.runner import run_gates


def _gate_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in GATE_NAMES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown gate(s) {', '.join(unknown)}; gates: {', '.join(GATE_NAMES)}")
    return names


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="quality-gates", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--root", type=Path, default=Path.cwd(), help="project root (default: the current directory)")
    p.add_argument("--config", type=Path, help="pyproject.toml with [tool.sentia.gates] (default: ROOT/pyproject.toml)")
    p.add_argument("--reports-dir", type=Path, help="where tools write their reports (default: config reports_dir)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--from-reports", type=Path, metavar="DIR", help="evaluate the reports in DIR; run no tools")
    mode.add_argument(
        "--produce-only", action="store_true", help="run the tools and write their reports; judge nothing"
    )
    p.add_argument("--only", type=_gate_list, default=None, metavar="GATES", help="comma-separated gates to run")
    p.add_argument("--skip", type=_gate_list, default=[], metavar="GATES", help="comma-separated gates to leave out")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    root = args.root.resolve()
    # CI logs are not terminals: rich would wrap the table at 80 columns there.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
    try:
        config = load_config(args.config or root / "pyproject.toml")
    except ConfigError as error:
        console.print(f"quality-gates: configuration error: {error}", markup=False)
        return EXIT_NOT_EVALUATED
    reports_dir = (args.from_reports or args.reports_dir or root / config.reports_dir).resolve()
    ctx = GateContext(root=root, reports_dir=reports_dir, config=config)
    selected = [
        gate for gate in all_gates() if (args.only is None or gate.name in args.only) and gate.name not in args.skip
    ]
    with terminal.live_progress(console) as progress:
        run = run_gates(
            ctx, selected, produce=args.from_reports is None, evaluate=not args.produce_only, progress=progress
        )
    if args.produce_only:
        console.print(f"reports written to {reports_dir}")
        return EXIT_NOT_EVALUATED if run.results else 0
    write_reports(run, reports_dir, console)
    terminal.render(run, console)
    return run.exit_code


def write_reports(run: GateRun, reports_dir: Path, console: Console) -> None:
    reports_dir.mkdir(parents=True, exist_ok=True)
    summary = markdown.render(run)
    (reports_dir / "quality-gates.json").write_text(json_report.render(run))
    (reports_dir / "quality-gates.md").write_text(summary)
    (reports_dir / "quality-gates.html").write_text(html.render(run))
    if step_summary := os.environ.get("GITHUB_STEP_SUMMARY"):
        with Path(step_summary).open("a") as handle:
            handle.write(summary)
    console.print(f"reports: {reports_dir}/quality-gates.{{json,md,html}}", markup=False, style="dim")
