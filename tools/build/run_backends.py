"""Run every episode's cells on other Keras backends (JAX, PyTorch) with nbval's lax mode.

The lesson's code is plain Keras 3, so it must run unchanged on each backend.
For each backend this script turns the episodes' MyST sources into notebooks
(jupytext) in ``_build/backends/<backend>/episodes/``, next to links to
``lesson_data.py``, ``data/`` and ``fig/``, and runs each notebook with
``pytest --nbval-lax`` in a fresh kernel with ``KERAS_BACKEND`` set. Lax mode
runs every cell, hidden assertion cells included, and fails on any error, but
compares no output: numbers differ slightly from backend to backend. Usage
(``make backends`` runs it in ``.venv-backends``):

    python tools/build/run_backends.py [--backends jax torch] [--episodes 02 04] [--require-gpu]

It ends with one table: each episode's wall time on each backend, or FAILED.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat

from prepare_nbval import LINKED, REPOSITORY, run_lax, summary

from lesson.episodes import read_episodes, select

OUTPUT = REPOSITORY / "_build" / "backends"
# Jupyter Book skips cells tagged skip-execution; nbval's name for the same is nbval-skip.
SKIP_TAGS = {"skip-execution": "nbval-skip"}


def episode_paths(selected: list[str]) -> list[Path]:
    """The episodes' MyST sources, all or those whose names start with a selected prefix."""
    return [episode.path for episode in select(read_episodes(REPOSITORY), selected)]


def add_episodes_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--episodes", nargs="*", default=[],
                        help="episode numbers or name prefixes to run (default: all)")


def selected_episodes(parser: argparse.ArgumentParser, selected: list[str]) -> list[Path]:
    """The sources of ``--episodes``; a selection that matches none ends the command with usage (exit 2)."""
    sources = episode_paths(selected)
    if not sources:
        parser.error(f"no episode matches {selected} in _toc.yml")
    return sources


def to_notebook(source: Path, target_dir: Path) -> Path:
    """Write the episode at ``source`` as a notebook in ``target_dir``; return its path."""
    notebook = jupytext.read(source)
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        extra = [SKIP_TAGS[tag] for tag in tags if tag in SKIP_TAGS]
        if extra:
            cell.metadata["tags"] = tags + extra
    target = target_dir / f"{source.stem}.ipynb"
    nbformat.write(notebook, target)
    return target


def prepare(backend: str, sources: list[Path]) -> list[Path]:
    """A fresh folder for one backend's run, laid out like the repository."""
    folder = OUTPUT / backend
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "episodes").mkdir(parents=True)
    for name in LINKED:
        (folder / name).symlink_to(REPOSITORY / name)
    return [to_notebook(source, folder / "episodes") for source in sources]


def check_gpu(backend: str) -> bool:
    """Whether tools/build/check_gpu.py finds a GPU for ``backend`` (it says which)."""
    script = REPOSITORY / "tools" / "build" / "check_gpu.py"
    return subprocess.run([sys.executable, str(script), backend]).returncode == 0


def run_notebook(notebook: Path, backend: str) -> tuple[float, bool]:
    """Run one notebook's cells with nbval on ``backend``; return (seconds, passed)."""
    return run_lax(sys.executable, notebook, backend, dict(os.environ, KERAS_BACKEND=backend))


def print_table(results: dict[str, dict[str, tuple[float, bool]]], names: list[str]) -> None:
    """One row per episode, one column of wall seconds per backend."""
    backends = list(results)
    print("\nEpisodes on each backend (wall seconds; nbval --nbval-lax)")
    print("| episode                | " + " | ".join(f"{b:>10}" for b in backends) + " |")
    print("|------------------------|" + "|".join("-" * 12 for _ in backends) + "|")
    for name in names:
        cells = []
        for backend in backends:
            seconds, passed = results[backend][name]
            cells.append(f"{seconds:10.1f}" if passed else f"{'FAILED':>10}")
        print(f"| {name:<22} | " + " | ".join(cells) + " |")
    totals = [sum(seconds for seconds, _ in results[b].values()) for b in backends]
    print(f"| {'total':<22} | " + " | ".join(f"{t:10.1f}" for t in totals) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["jax", "torch"],
                        help="Keras backends to run: jax, torch, tensorflow (default: jax torch)")
    add_episodes_option(parser)
    parser.add_argument("--require-gpu", action="store_true",
                        help="fail at once unless Keras sees a GPU on each backend")
    args = parser.parse_args()

    sources = selected_episodes(parser, args.episodes)
    results: dict[str, dict[str, tuple[float, bool]]] = {}
    for backend in args.backends:
        if args.require_gpu and not check_gpu(backend):
            return 1
        notebooks = prepare(backend, sources)
        results[backend] = {nb.stem: run_notebook(nb, backend) for nb in notebooks}
    print_table(results, [source.stem for source in sources])
    return summary(results, "episode runs")


if __name__ == "__main__":
    raise SystemExit(main())
