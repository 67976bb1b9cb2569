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
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
LINKED = ("episodes/lesson_data.py", "data", "fig")


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


if __name__ == "__main__":
    copies = prepare(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{len(copies)} notebooks ready for nbval in {sys.argv[2]}")
