"""Copy the learner notebooks of the build into a folder where nbval can re-run them.

The learner notebooks (_build/html/learner-files/notebooks, written by every build)
hold the code learners see, with the page's outputs: nbval re-running them proves
that typing the page reproduces the page. nbval starts each notebook's kernel in
the notebook's folder, so the copies sit in ``<target>/episodes/`` next to a link to
``lesson_data.py``, with ``data/`` and ``fig/`` linked beside, as in the repository. Usage:

    python tools/build/prepare_nbval.py _build/html/learner-files/notebooks _build/nbval
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
LINKED = ("episodes/lesson_data.py", "data", "fig")
# Every cell runs and any error fails; no output is compared (other backends and versions print other digits).
NBVAL_LAX = ["--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=600"]


def prepare(executed: Path, target: Path) -> list[Path]:
    """Copy the notebooks in ``executed`` to ``target/episodes``; return the copies."""
    notebooks = sorted(executed.glob("*.ipynb"))
    if not notebooks:
        raise SystemExit(f"No notebooks in {executed}: build the site first (make site).")
    shutil.rmtree(target, ignore_errors=True)
    (target / "episodes").mkdir(parents=True)
    for name in LINKED:
        (target / name).symlink_to(REPOSITORY / name)
    return [Path(shutil.copy(notebook, target / "episodes")) for notebook in notebooks]


def run_lax(python: str, notebook: Path, label: str, env: dict[str, str] | None = None) -> tuple[float, bool]:
    """Run one notebook's cells with ``python``'s nbval in lax mode; return (seconds, passed)."""
    print(f"\n=== {notebook.stem} on {label}", flush=True)
    start = time.perf_counter()
    result = subprocess.run([python, "-m", "pytest", str(notebook), *NBVAL_LAX], env=env, cwd=REPOSITORY)
    return time.perf_counter() - start, result.returncode == 0


def summary(results: dict[str, dict[str, tuple[float, bool]]], what: str) -> int:
    """Print the closing line of a run of notebooks; the exit status (1 when one failed)."""
    failed = sum(not passed for runs in results.values() for _, passed in runs.values())
    ran = sum(len(runs) for runs in results.values())
    print(f"\n{ran - failed} passed, {failed} failed ({what} on {', '.join(results)})")
    return 1 if failed else 0


if __name__ == "__main__":
    copies = prepare(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{len(copies)} notebooks ready for nbval in {sys.argv[2]}")
