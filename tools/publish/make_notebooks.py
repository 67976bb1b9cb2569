"""Write the tree of the branch `notebooks`, which the site's Binder and Colab buttons open.

Binder and Colab cannot run a MyST Markdown notebook, so the launch buttons
(lesson/sphinx/launch_notebooks.py) open `episodes/<name>.ipynb` on the branch
`notebooks`. Those are the Colab notebooks that every build writes
(_build/html/learner-files/colab: the learner notebook with a first cell that, on
Colab only, downloads lesson_data.py and the data files it reads). This script lays
them out with what they need (default folder _build/notebooks):

- episodes/*.ipynb and episodes/lesson_data.py;
- the data files the notebooks read (data/...);
- requirements.txt (the learner's packages) and runtime.txt, which Binder installs; README.md.

tools/publish/publish_notebooks.sh pushes the folder as the branch.
Usage: python tools/publish/make_notebooks.py [--colab DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import nbformat

from lesson.episodes import read_episodes
from lesson.learner_files import data_files

ROOT = Path(__file__).resolve().parents[2]

README = """\
# Notebooks of the lesson, for Binder and Colab

This branch is generated: `make notebooks` writes it and `tools/publish/publish_notebooks.sh`
pushes it from the branch `main` (see README.md there). Do not edit it by hand;
edit the MyST Markdown episodes in `episodes/` on `main`.
The Binder and Colab launch buttons on the lesson's site open the notebooks here.
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--colab", type=Path, default=ROOT / "_build/html/learner-files/colab")
    parser.add_argument("--out", type=Path, default=ROOT / "_build/notebooks")
    args = parser.parse_args(argv)

    names = [episode.name for episode in read_episodes(ROOT)]
    missing = [name for name in names if not (args.colab / f"{name}.ipynb").exists()]
    if missing:
        raise SystemExit(f"No Colab notebook for {', '.join(missing)} in {args.colab}: run `make site` first.")
    if args.out.exists():
        shutil.rmtree(args.out)
    (args.out / "episodes").mkdir(parents=True)
    needed = {"episodes/lesson_data.py", "requirements.txt"}
    for name in names:
        source = args.colab / f"{name}.ipynb"
        shutil.copy2(source, args.out / "episodes" / source.name)
        needed |= {path.removeprefix("../") for path in data_files(nbformat.read(source, as_version=4))}
    for name in sorted(needed):
        (args.out / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, args.out / name)
    # Binder's default Python is older than what numpy 2.4 requires.
    (args.out / "runtime.txt").write_text("python-3.11\n", encoding="utf-8")
    (args.out / "README.md").write_text(README, encoding="utf-8")
    print(f"Wrote {len(names)} notebooks to {args.out}")


if __name__ == "__main__":
    main()
