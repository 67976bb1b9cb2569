"""Write the tree of the branch `notebooks`: every episode as an executed .ipynb.

Binder and Colab cannot run a MyST Markdown notebook, so the site's launch
buttons (_ext/launch_notebooks.py) open `episodes/<name>.ipynb` on the branch
`notebooks`. This script writes that branch's files into a folder (default
_build/notebooks) after `make site`:

- episodes/*.ipynb: the notebooks the build executed (with their outputs),
  each with a first cell that fetches lesson_data.py when it runs on Colab,
  which opens a single notebook without the rest of the repository;
- episodes/lesson_data.py, requirements.txt and runtime.txt (Binder installs
  them), README.md.

tools/publish_notebooks.sh pushes the folder as the branch.
Usage: python tools/make_notebooks.py [--executed DIR] [--out DIR] [--repository URL]
"""

import argparse
import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REPOSITORY = "https://github.com/carpentries-incubator/image-classification-cnns"

COLAB_CELL = '''\
# On Colab, fetch the lesson's data loader (Binder and a local copy already have it).
import pathlib
import sys
import urllib.request

if "google.colab" in sys.modules and not pathlib.Path("lesson_data.py").exists():
    urllib.request.urlretrieve("{raw}/episodes/lesson_data.py", "lesson_data.py")'''

README = """\
# Executed notebooks of the lesson

This branch is generated: `make notebooks` writes it and `tools/publish_notebooks.sh`
pushes it from the branch `main` (see README.md there). Do not edit it by hand;
edit the MyST Markdown episodes in `episodes/` on `main`.
Binder and Colab launch buttons on the lesson's site open the notebooks here.
"""


def repository_setting(config_path):
    """The repository url and the notebooks branch from _config.yml (a tiny reader: no YAML dependency)."""
    text = Path(config_path).read_text(encoding="utf-8")
    block = re.search(r"^repository:\n((?:[ \t]+.*\n)+)", text, re.MULTILINE)
    settings = {}
    if block:
        for line in block.group(1).splitlines():
            key, _, value = line.strip().partition(":")
            settings[key.strip()] = value.split("#")[0].strip()
    branch = re.search(r"^\s*launch_notebooks_branch:\s*(\S+)", text, re.MULTILINE)
    return settings.get("url", DEFAULT_REPOSITORY), branch.group(1) if branch else "notebooks"


def with_colab_cell(notebook, raw_url):
    source = COLAB_CELL.format(raw=raw_url)
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "colab-setup",
        "metadata": {"tags": ["remove-cell"]},
        "outputs": [],
        "source": source.splitlines(keepends=True),
    }
    notebook["cells"].insert(0, cell)
    return notebook


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--executed", type=Path, default=ROOT / "_build/jupyter_execute/episodes")
    parser.add_argument("--out", type=Path, default=ROOT / "_build/notebooks")
    parser.add_argument("--config", type=Path, default=ROOT / "_config.yml")
    args = parser.parse_args(argv)

    episodes = sorted((ROOT / "episodes").glob("[0-9][0-9]-*.md"))
    missing = [e.stem for e in episodes if not (args.executed / f"{e.stem}.ipynb").exists()]
    if missing:
        raise SystemExit(f"No executed notebook for {', '.join(missing)} in {args.executed}: run `make site` first.")

    url, branch = repository_setting(args.config)
    raw_url = url.replace("https://github.com/", "https://raw.githubusercontent.com/") + f"/{branch}"

    if args.out.exists():
        shutil.rmtree(args.out)
    (args.out / "episodes").mkdir(parents=True)
    for episode in episodes:
        notebook = json.loads((args.executed / f"{episode.stem}.ipynb").read_text(encoding="utf-8"))
        notebook = with_colab_cell(notebook, raw_url)
        target = args.out / "episodes" / f"{episode.stem}.ipynb"
        target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    shutil.copy2(ROOT / "episodes/lesson_data.py", args.out / "episodes/lesson_data.py")
    shutil.copy2(ROOT / "requirements.txt", args.out / "requirements.txt")
    # Binder's default Python is older than what numpy 2.4 requires.
    (args.out / "runtime.txt").write_text("python-3.11\n", encoding="utf-8")
    (args.out / "README.md").write_text(README, encoding="utf-8")
    print(f"Wrote {len(episodes)} notebooks to {args.out}")


if __name__ == "__main__":
    main()
