"""Write the tree of the branch `notebooks`, which the site's Binder and Colab buttons open.

Binder and Colab cannot run a MyST Markdown notebook, so the launch buttons
(lesson/sphinx/launch_notebooks.py) open `episodes/<name>.ipynb` on the branch
`notebooks`. Those are the Colab notebooks that every build writes
(_build/html/learner-files/colab, lesson/colab.py: the learner notebook and the handout,
each with a first cell that writes lesson_data.py and the data files it reads where they
are missing). This script lays them out with what Binder needs (default folder _build/notebooks):

- episodes/<name>.ipynb and episodes/<name>-handout.ipynb;
- requirements.txt (the learner's packages) and runtime.txt, which Binder installs; README.md.

tools/publish/publish_notebooks.sh pushes the folder as the branch.
Usage: python tools/publish/make_notebooks.py [--colab DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from lesson.episodes import read_episodes

ROOT = Path(__file__).resolve().parents[2]

README = """\
# Notebooks of the lesson, for Binder and Colab

This branch is generated: `make notebooks` writes it and `tools/publish/publish_notebooks.sh`
pushes it from the branch `main` (see README.md there). Do not edit it by hand;
edit the MyST Markdown episodes in `episodes/` on `main`.
The Binder and Colab launch buttons on the lesson's site open the notebooks here;
each `-handout.ipynb` is the type-along handout of its episode. Every notebook's first
cell writes the lesson's files it needs (`lesson_data.py`, `../data/...`) where they are missing.
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--colab", type=Path, default=ROOT / "_build/html/learner-files/colab")
    parser.add_argument("--out", type=Path, default=ROOT / "_build/notebooks")
    args = parser.parse_args(argv)

    names = [episode.name for episode in read_episodes(ROOT)]
    notebooks = [args.colab / f"{name}{kind}.ipynb" for name in names for kind in ("", "-handout")]
    missing = [path.name for path in notebooks if not path.exists()]
    if missing:
        raise SystemExit(f"No {', '.join(missing)} in {args.colab}: run `make site` first.")
    if args.out.exists():
        shutil.rmtree(args.out)
    (args.out / "episodes").mkdir(parents=True)
    for notebook in notebooks:
        shutil.copy2(notebook, args.out / "episodes" / notebook.name)
    shutil.copy2(ROOT / "requirements.txt", args.out / "requirements.txt")
    # Binder's default Python is older than what numpy 2.4 requires.
    (args.out / "runtime.txt").write_text("python-3.11\n", encoding="utf-8")
    (args.out / "README.md").write_text(README, encoding="utf-8")
    print(f"Wrote {len(notebooks)} notebooks to {args.out}")


if __name__ == "__main__":
    main()
