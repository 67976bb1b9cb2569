"""Run the learner notebooks on the oldest package versions the lesson claims, the newest, and Colab's.

``check_setup.py`` and the setup page say which versions run the lesson. This
script proves it: for each set of versions it makes a virtual environment
(``.venv-versions/<name>``) with the learner's packages at those versions (plus
pytest and nbval to run the notebooks), and runs every learner notebook that the
last build wrote (``_build/html/learner-files/notebooks``) with ``nbval --nbval-lax``:
every cell runs and any error fails; outputs are not compared, since another
version prints other digits. It ends with a table of each notebook's wall time per
set, and the versions each set installed. The set ``colab`` holds the versions of Google
Colab's runtime (``COLAB_SOURCE``), installed on the Python that runs this script: Colab's
own Python (3.13 then) is not run. Usage (``make versions`` runs it):

    python tools/build/run_versions.py [--sets oldest newest colab] [--episodes 02]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from prepare_nbval import REPOSITORY, prepare, run_lax, summary

from lesson.episodes import read_episodes, select

LEARNER_NOTEBOOKS = REPOSITORY / "_build" / "html" / "learner-files" / "notebooks"
ENVIRONMENTS = REPOSITORY / ".venv-versions"
OUTPUT = REPOSITORY / "_build" / "versions"
RUNNER = ["pytest==9.2.0", "nbval==0.11.0", "ipykernel"]
TENSORFLOW = "tensorflow-cpu" if sys.platform == "linux" and os.uname().machine == "x86_64" else "tensorflow"
# The oldest versions check_setup.py's MINIMUM_VERSIONS and learners/setup.md claim.
VERSION_SETS = {
    "oldest": [f"{TENSORFLOW}==2.16.2", "keras==3.0.5", "numpy==1.26.4", "pandas==2.0.3",
               "matplotlib==3.7.5", "scikit-image==0.22.0"],
    "newest": [TENSORFLOW, "keras", "numpy", "pandas", "matplotlib", "scikit-image"],
    # Google Colab's runtime: the lesson's packages in COLAB_SOURCE (Colab installs tensorflow, with
    # its GPU libraries; tensorflow-cpu is the same code without them).
    "colab": [f"{TENSORFLOW}==2.20.0", "keras==3.13.2", "numpy==2.1.3", "pandas==2.2.3",
              "matplotlib==3.10.0", "scikit-image==0.25.2"],
}
COLAB_SOURCE = ("pip-freeze.txt of github.com/googlecolab/backend-info, commit a724079 of 2026-08-19 "
                "(\"Upgrade to Python 3.13\"; its os-info.txt: Python 3.13.15)")
REPORTED = ("tensorflow", "tensorflow-cpu", "keras", "numpy", "pandas", "matplotlib", "scikit-image")


def environment(name: str) -> Path:
    """The virtual environment of one version set, made (once per change of the set) and filled."""
    folder = ENVIRONMENTS / name
    stamp = folder / ".installed"
    wanted = json.dumps(VERSION_SETS[name])
    if stamp.is_file() and stamp.read_text() == wanted:
        return folder
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(folder)], check=True)
    python = str(folder / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([python, "-m", "pip", "install", "--quiet", *VERSION_SETS[name], *RUNNER], check=True)
    stamp.write_text(wanted)
    return folder


def installed_versions(folder: Path) -> dict[str, str]:
    """The versions of the lesson's packages that an environment holds."""
    code = ("import json\nfrom importlib import metadata\nfound = {}\n"
            f"for name in {REPORTED!r}:\n"
            "    try:\n        found[name] = metadata.version(name)\n"
            "    except metadata.PackageNotFoundError:\n        pass\nprint(json.dumps(found))")
    output = subprocess.run([str(folder / "bin" / "python"), "-c", code], check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output)


def run_notebook(folder: Path, notebook: Path) -> tuple[float, bool]:
    """Run one notebook in the environment ``folder`` (its own packages: no PYTHONPATH)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return run_lax(str(folder / "bin" / "python"), notebook, folder.name, env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", choices=list(VERSION_SETS), default=list(VERSION_SETS))
    parser.add_argument("--episodes", nargs="*", default=[], help="episode numbers or name prefixes (default: all)")
    args = parser.parse_args()

    names = [episode.name for episode in select(read_episodes(REPOSITORY), args.episodes)]
    if not all((LEARNER_NOTEBOOKS / f"{name}.ipynb").is_file() for name in names):
        print(f"No learner notebooks in {LEARNER_NOTEBOOKS}: run `make site` first.", file=sys.stderr)
        return 2
    results: dict[str, dict[str, tuple[float, bool]]] = {}
    versions: dict[str, dict[str, str]] = {}
    for name in args.sets:
        folder = environment(name)
        versions[name] = installed_versions(folder)
        copies = [path for path in prepare(LEARNER_NOTEBOOKS, OUTPUT / name) if path.stem in names]
        results[name] = {path.stem: run_notebook(folder, path) for path in copies}

    print("\nLearner notebooks on each version set (wall seconds; nbval --nbval-lax)\n")
    print("| episode | " + " | ".join(args.sets) + " |")
    print("| --- |" + " --: |" * len(args.sets))
    for episode in names:
        cells = [f"{results[s][episode][0]:.0f}" if results[s][episode][1] else "FAILED" for s in args.sets]
        print(f"| {episode} | " + " | ".join(cells) + " |")
    print("| Python | " + " | ".join(f"{sys.version_info.major}.{sys.version_info.minor}" for _ in args.sets) + " |")
    for package in REPORTED:
        if any(package in versions[s] for s in args.sets):
            print(f"| {package} | " + " | ".join(versions[s].get(package, "") for s in args.sets) + " |")
    if "colab" in args.sets:
        print(f"\ncolab: the versions of {COLAB_SOURCE}, run on Python "
              f"{sys.version_info.major}.{sys.version_info.minor}")
    return summary(results, "learner notebooks")


if __name__ == "__main__":
    raise SystemExit(main())
