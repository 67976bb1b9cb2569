"""Run the episodes and print one table: wall time, longest cell, peak memory and key figures.

Each episode runs from its MyST source in ``episodes/``, as in the build, in a
fresh kernel. The peak memory is the kernel process's peak resident set size
(Linux's VmHWM), which is what a learner's laptop must hold. The key figures are the
values an episode glues with myst-nb's ``glue`` (accuracies, parameter counts). Usage:

    python tools/build/benchmark.py [--backend jax] [--episodes 02 04] [--cells]
    python tools/build/benchmark.py --backend tensorflow jax torch   # one table per backend
    python tools/build/benchmark.py --save   # also write data/episode-timings.csv, data/training-cells.csv
                                             # (one row per training cell: the workshop clock, lesson.timing)
                                             # and data/setup-check-reference.csv (instructor notes, check_setup.py)
    python tools/build/benchmark.py --ingredients [--seeds 1 2 3] [--variants flip flip+warmup] [--save]
    python tools/build/benchmark.py --ingredients --from-logs /tmp/ingredients*.log [--save]   # no training
        # episode 2's improved CNN with each ingredient and combinations (tools/build/ingredients.py);
        # --save writes data/ingredients.csv

JAX and PyTorch are installed in .venv-backends, not .venv: `make benchmark
BENCHMARK_OPTIONS="--backend jax"` runs this script there (TensorFlow is there too).

Targets (the issues' numbers) are read off this table, never asserted in timed tests.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import jupytext
import nbclient
import nbformat

from lesson.episodes import REPOSITORY, read_episodes, select
from lesson.learner_files import glued_values
from lesson.timing import INGREDIENTS_TABLE, TRAINING_CELLS, training_rows, write_training_rows

from ingredients import DEFAULT_VARIANTS
from ingredients import read_results, report
from ingredients import run as run_ingredients

EPISODES = REPOSITORY / "episodes"


@dataclass
class EpisodeRun:
    """What one execution of an episode measured."""

    name: str
    wall_s: float
    cell_s: list[float] = field(default_factory=list)
    cell_sources: list[str] = field(default_factory=list)
    figures: dict[str, str] = field(default_factory=dict)
    error: str = ""
    peak_mb: float = 0.0  # the kernel's peak resident memory

    @property
    def longest_cell(self) -> tuple[float, int]:
        """(seconds, index among code cells) of the slowest cell."""
        if not self.cell_s:
            return 0.0, -1
        index = max(range(len(self.cell_s)), key=self.cell_s.__getitem__)
        return self.cell_s[index], index


def cell_seconds(cell: nbformat.NotebookNode) -> float:
    """Seconds a cell ran, from the timing nbclient records in its metadata."""
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def peak_resident_mb(pid: int) -> float:
    """A process's peak resident set size in MB (Linux's VmHWM; 0 where /proc has none)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match[1]) / 1024 if match else 0.0


def run_episode(path: Path, timeout_s: int = 600) -> EpisodeRun:
    """Execute one episode in its folder and measure it."""
    notebook = jupytext.read(path)
    client = nbclient.NotebookClient(
        notebook, timeout=timeout_s, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    error, peak_mb = "", 0.0
    with client.setup_kernel():
        try:
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
        except nbclient.exceptions.CellExecutionError as failure:
            error = str(failure).strip().splitlines()[-1]
        pid = getattr(client.km.provisioner, "pid", None)
        if pid:
            peak_mb = peak_resident_mb(pid)
    wall_s = time.perf_counter() - start
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    return EpisodeRun(
        name=path.stem,
        wall_s=wall_s,
        cell_s=[cell_seconds(cell) for cell in code_cells],
        cell_sources=[cell.source for cell in code_cells],
        figures=glued_values(notebook),
        error=error,
        peak_mb=peak_mb,
    )


def print_table(runs: list[EpisodeRun], backend: str, show_cells: bool) -> None:
    """Print the benchmark table, one row per episode."""
    print(f"\nBackend: {backend}")
    print(f"| {'episode':<22} | {'wall s':>7} | {'longest cell s':>14} | {'peak MB':>7} | key figures")
    print(f"|{'-' * 24}|{'-' * 9}|{'-' * 16}|{'-' * 9}|{'-' * 40}")
    for run in runs:
        longest_s, index = run.longest_cell
        figures = ", ".join(f"{name}={value}" for name, value in run.figures.items())
        if run.error:
            figures = f"FAILED: {run.error}"
        print(f"| {run.name:<22} | {run.wall_s:7.1f} | {longest_s:9.1f} (#{index:>2}) | {run.peak_mb:7.0f} | {figures}")
        if show_cells:
            for number, (seconds, source) in enumerate(zip(run.cell_s, run.cell_sources)):
                first_line = source.strip().splitlines()[0] if source.strip() else ""
                print(f"|    cell {number:>2}: {seconds:6.1f} s  {first_line[:70]}")
    print(f"| {'total':<22} | {sum(run.wall_s for run in runs):7.1f} |")


def save_timings(runs: list[EpisodeRun], backend: str, folder: Path) -> None:
    """The table the instructor notes show, and check_setup.py's training step on this machine."""
    date = datetime.now().date().isoformat()
    cores = os.cpu_count() or 0
    table = folder / "episode-timings.csv"
    columns = ["episode", "wall_s", "longest_cell_s", "longest_cell", "peak_mb", "backend", "cores", "date"]
    rows = {}
    if table.is_file():  # keep the rows of the episodes that did not run this time
        with table.open(newline="", encoding="utf-8") as file:
            rows = {row["episode"]: row for row in csv.DictReader(file)}
    for run in runs:
        seconds, index = run.longest_cell
        first_line = run.cell_sources[index].strip().splitlines()[0] if index >= 0 else ""
        rows[run.name] = dict(zip(columns, [run.name, f"{run.wall_s:.0f}", f"{seconds:.0f}", first_line[:60],
                                            f"{run.peak_mb:.0f}", backend, cores, date]))
    with table.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, columns)
        writer.writeheader()
        writer.writerows(rows[name] for name in sorted(rows))
    probe = ("import json, os, pathlib, check_setup; archive = os.environ.get('CIFAR10_PATH');"
             "step, first, source = check_setup.training_step_ms(pathlib.Path(archive) if archive else None, 20);"
             "print(json.dumps(step))")
    step_ms = json.loads(subprocess.run([sys.executable, "-c", probe], cwd=EPISODES, check=True,
                                        capture_output=True, text=True).stdout.strip().splitlines()[-1])
    with (folder / "setup-check-reference.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["cores", "step_ms", "backend", "date"])
        writer.writerow([cores, f"{step_ms:.1f}", backend, date])
    episodes = {episode.name: episode for episode in read_episodes()}
    training = [row for run in runs for row in training_rows(episodes[run.name], run.cell_s, backend, cores, date)]
    write_training_rows(training, [run.name for run in runs], folder / TRAINING_CELLS.name)
    print(f"Wrote {folder / 'episode-timings.csv'}, {folder / TRAINING_CELLS.name} "
          f"and {folder / 'setup-check-reference.csv'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", nargs="+",
                        default=[os.environ.get("KERAS_BACKEND", "tensorflow")],
                        help="Keras backends: tensorflow, jax or torch; one table each")
    parser.add_argument("--episodes", nargs="*", default=[],
                        help="episode numbers or name prefixes to run (default: all)")
    parser.add_argument("--cells", action="store_true", help="also print every cell's time")
    parser.add_argument("--save", action="store_true",
                        help="write the episodes' rows of data/episode-timings.csv, and data/setup-check-reference.csv")
    parser.add_argument("--ingredients", action="store_true",
                        help="instead of the episodes, train episode 2's improved CNN with each variant")
    parser.add_argument("--variants", nargs="+", default=list(DEFAULT_VARIANTS),
                        help="with --ingredients: baseline, or ingredients joined by + (flip+warmup+epochs9)")
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3], help="with --ingredients")
    parser.add_argument("--from-logs", nargs="+", type=Path, default=[],
                        help="with --ingredients: train nothing, make the table of the runs these logs hold")
    args = parser.parse_args()

    if args.ingredients:
        os.environ.setdefault("KERAS_BACKEND", args.backend[0])
        save_to = INGREDIENTS_TABLE if args.save else None
        if args.from_logs:
            report(read_results("\n".join(log.read_text() for log in args.from_logs)), save_to)
        else:
            run_ingredients(args.variants, args.seeds, save_to)
        return 0

    paths = [episode.path for episode in select(read_episodes(), args.episodes)]
    runs_by_backend = {}
    for backend in args.backend:
        os.environ["KERAS_BACKEND"] = backend  # the kernels inherit it
        runs = []
        for path in paths:
            print(f"running {path.name} on {backend} ...", flush=True)
            runs.append(run_episode(path))
        runs_by_backend[backend] = runs
    for backend, runs in runs_by_backend.items():
        print_table(runs, backend, args.cells)
    failed = any(run.error for runs in runs_by_backend.values() for run in runs)
    if args.save and not failed and len(args.backend) == 1:
        save_timings(runs_by_backend[args.backend[0]], args.backend[0], EPISODES.parent / "data")
    return 1 if any(run.error for runs in runs_by_backend.values() for run in runs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
