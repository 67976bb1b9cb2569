"""The branch `notebooks` that Binder and Colab open: tools/publish/make_notebooks.py and publish_notebooks.sh."""

import json
import os
import re
import subprocess
from pathlib import Path

import make_notebooks
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
EPISODES = sorted(path.stem for path in (ROOT / "episodes").glob("[0-9][0-9]-*.md"))


@pytest.fixture
def executed(tmp_path):
    """Colab notebooks and handouts as the build writes them, one of each per episode."""
    folder = tmp_path / "colab"
    folder.mkdir()
    for name in EPISODES:
        for kind in ("", "-handout"):
            cell = nbformat.v4.new_code_cell('pd.read_csv("../data/training-times.csv")', execution_count=1)
            cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)]
            nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# {name}{kind}"), cell]),
                           folder / f"{name}{kind}.ipynb")
    return folder


def test_make_notebooks_writes_the_branch_tree(executed, tmp_path):
    out = tmp_path / "notebooks"
    make_notebooks.main(["--colab", str(executed), "--out", str(out)])
    for name in (f"{episode}{kind}.ipynb" for episode in EPISODES for kind in ("", "-handout")):
        notebook = nbformat.read(out / "episodes" / name, as_version=4)
        assert notebook == nbformat.read(executed / name, as_version=4)
    for name in ("requirements.txt", "runtime.txt", "README.md"):
        assert (out / name).exists(), name
    assert (out / "requirements.txt").read_text() == (ROOT / "requirements.txt").read_text()
    # Each notebook carries lesson_data.py and its data (lesson/colab.py): the branch needs no copies.
    assert not (out / "episodes" / "lesson_data.py").exists() and not (out / "data").exists()


def test_make_notebooks_needs_every_episode_built(executed, tmp_path):
    (executed / f"{EPISODES[0]}-handout.ipynb").unlink()
    with pytest.raises(SystemExit, match=f"{EPISODES[0]}-handout.ipynb .*make site"):
        make_notebooks.main(["--colab", str(executed), "--out", str(tmp_path / "out")])


def test_the_repository_address_gives_the_site_address():
    from lesson.sphinx.launch_notebooks import site_address

    assert site_address("https://github.com/carpentries-incubator/image-classification-cnns") == (
        "https://carpentries-incubator.github.io/image-classification-cnns/")
    assert site_address("https://github.com/A-Fork/cnn-lesson.git/") == "https://a-fork.github.io/cnn-lesson/"
    assert site_address("https://github.com/someone/someone.github.io") == "https://someone.github.io/"
    assert site_address("https://gitlab.com/someone/lesson") == ""


def test_the_config_names_the_repository_once():
    """A fork changes repository.url; the site's address follows it unless html.baseurl is set."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["url"].startswith("https://github.com/")
    assert "baseurl" not in config.get("html", {}), "html.baseurl is derived from repository.url"
    addresses = set(re.findall(r"https://github\.com/[\w.-]+/[\w.-]+", (ROOT / "_config.yml").read_text()))
    assert addresses == {config["repository"]["url"]}


def test_launch_buttons_open_what_make_notebooks_writes():
    from lesson.sphinx import launch_notebooks

    class Config:
        html_theme_options = {"launch_buttons": {
            "binderhub_url": "https://mybinder.org", "colab_url": "https://colab.research.google.com",
            "notebook_interface": "jupyterlab"}}

    context = {"github_user": "carpentries-incubator", "github_repo": "image-classification-cnns"}
    page = "episodes/02-build-a-cnn"
    colab = launch_notebooks._notebook_url("Colab", "", page, "notebooks", context, Config)
    binder = launch_notebooks._notebook_url("Binder", "", page, "notebooks", context, Config)
    assert colab == ("https://colab.research.google.com/github/carpentries-incubator/"
                     "image-classification-cnns/blob/notebooks/episodes/02-build-a-cnn.ipynb")
    assert binder == ("https://mybinder.org/v2/gh/carpentries-incubator/image-classification-cnns/"
                      "notebooks?urlpath=lab/tree/episodes/02-build-a-cnn.ipynb")


def test_publish_pushes_the_tree_as_one_commit(executed, tmp_path):
    out = tmp_path / "notebooks"
    make_notebooks.main(["--colab", str(executed), "--out", str(out)])
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    for _ in range(2):  # a second publish replaces the branch
        subprocess.run(["sh", "tools/publish/publish_notebooks.sh", str(remote)], cwd=ROOT, check=True, capture_output=True,
                       env={**os.environ, "NOTEBOOKS_DIR": str(out)})
    files = subprocess.run(["git", "-C", str(remote), "ls-tree", "-r", "--name-only", "notebooks"],
                           check=True, capture_output=True, text=True).stdout.split()
    assert set(files) >= {f"episodes/{name}.ipynb" for name in EPISODES} | {"requirements.txt", "runtime.txt"}
    log = subprocess.run(["git", "-C", str(remote), "rev-list", "--count", "notebooks"],
                         check=True, capture_output=True, text=True).stdout
    assert log.strip() == "1"
    json.loads((out / "episodes" / f"{EPISODES[0]}.ipynb").read_text())
