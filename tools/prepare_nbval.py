"""Copy the build's executed episodes into a folder where nbval can re-run them.

nbval starts each notebook's kernel in the notebook's folder, so the copies sit
in ``<target>/episodes/`` next to a link to ``lesson_data.py``, with ``data/``
and ``fig/`` linked beside, as in the repository. Usage:

    python tools/prepare_nbval.py _build/jupyter_execute/episodes _build/nbval
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
LINKED = ("episodes/lesson_data.py", "data", "fig")


def prepare(executed: Path, target: Path) -> list[Path]:
    """Copy executed notebooks to ``target/episodes``; return the copies."""
    notebooks = sorted(executed.glob("*.ipynb"))
    if not notebooks:
        raise SystemExit(f"No executed notebooks in {executed}: build the site first (make site).")
    shutil.rmtree(target, ignore_errors=True)
    (target / "episodes").mkdir(parents=True)
    for name in LINKED:
        (target / name).symlink_to(REPOSITORY / name)
    return [Path(shutil.copy(notebook, target / "episodes")) for notebook in notebooks]


if __name__ == "__main__":
    copies = prepare(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{len(copies)} executed episodes ready for nbval in {sys.argv[2]}")
