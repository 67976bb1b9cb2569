"""The Colab files (lesson/colab.py) run alone, in an empty folder, and reach nothing of the lesson's repository.

Every build writes ``learner-files/colab/<episode>.ipynb`` and ``<episode>-handout.ipynb``: the
learner notebook and the type-along handout, each with a first cell (a Colab form) that
writes ``lesson_data.py`` and the data files the episode reads where they are missing. These
tests read that build. Two of its files run every cell with strict nbval (the page's outputs),
each copied alone into an empty folder: episode 3's, the one episode that reads a data file
(``../data/training-times.csv``). Episode 3 loads the model episode 2 saves, which a learner
has beside the notebook; the test copies the build's. CIFAR-10 and the ImageNet weights come
through ``CIFAR10_PATH`` and ``KERAS_HOME``, as in every test (the Makefile sets them).
"""

from __future__ import annotations

import ast
import base64
import copy
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import nbformat
import pytest
import yaml

from conftest import REPOSITORY
from lesson.colab import CELL_ID
from lesson.episodes import PROVIDED, TAUGHT, Episode, read_episodes

COLAB = REPOSITORY / "_build" / "html" / "learner-files" / "colab"
EPISODES = {episode.name: episode for episode in read_episodes()}
RUN_ALONE = "03-share-a-model"  # reads ../data/training-times.csv; about 45 s a run
MODEL = REPOSITORY / "episodes" / "cifar10_cnn.keras"  # episode 2 saves it when the site is built
NBVAL = ["--nbval", "--nbval-current-env", "--nbval-cell-timeout=600",
         "--nbval-sanitize-with", str(REPOSITORY / "tests" / "nbval-sanitize.cfg"), "-p", "no:cacheprovider"]
# What would reach the lesson's repository: its address, GitHub's raw files, or a download call.
REPOSITORY_URL = yaml.safe_load((REPOSITORY / "_config.yml").read_text())["repository"]["url"]
FETCHES = re.compile("|".join([re.escape(REPOSITORY_URL.removeprefix("https://")), r"raw\.githubusercontent\.com",
                               r"\burlretrieve\b", r"\burlopen\b", r"\burllib\b", r"\brequests\b", r"^\s*!\s*(wget|curl|git)\b"]),
                     re.MULTILINE)


def colab_file(name: str) -> nbformat.NotebookNode:
    path = COLAB / f"{name}.ipynb"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make site` first.")
    return nbformat.read(path, as_version=4)


def embedded_files(form: str) -> dict[str, bytes]:
    """The files a Colab form carries, unpacked as the form unpacks them."""
    for node in ast.walk(ast.parse(form)):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "LESSON_FILES":
            packed = ast.literal_eval(node.value)
            return {name: zlib.decompress(base64.b64decode(text)) for name, text in packed.items()}
    raise AssertionError("the Colab form holds no LESSON_FILES")


ANSWER_CELL = re.compile(r"# Exercise \d+: .*\. Your answer:")


def filled(episode: Episode, handout: nbformat.NotebookNode, notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The handout as a learner leaves it who typed the core path from the page: each core cell (taught
    or provided) with the code, execution count and outputs of the notebook's cell. Optional cells and
    exercises' answer cells stay as the handout has them, unrun: nbval runs them but compares nothing."""
    cells = [cell for cell in episode.cells if cell.role in (TAUGHT, PROVIDED)]
    page = iter(zip(cells, [cell for cell in notebook.cells if cell.cell_type == "code" and cell.id != CELL_ID]))
    done = copy.deepcopy(handout)
    for index, cell in enumerate(done.cells):
        if cell.cell_type != "code" or cell.id == CELL_ID or ANSWER_CELL.match(cell.source):
            continue
        episode_cell, typed = next(page)
        if not episode_cell.optional:
            done.cells[index] = copy.deepcopy(typed)
    assert next(page, None) is None, f"{episode.name}: the handout has fewer cells than the notebook"
    return done


KINDS = [f"{name}{kind}" for name in EPISODES for kind in ("", "-handout")]


@pytest.mark.parametrize("name", KINDS)
def test_each_colab_file_starts_with_a_form_that_carries_the_repositorys_files(name: str) -> None:
    notebook = colab_file(name)
    form = notebook.cells[0]
    assert form.id == CELL_ID and form.source.startswith("#@title ") and form.metadata.get("cellView") == "form"
    files = embedded_files(form.source)
    assert "lesson_data.py" in files
    for path, data in files.items():
        assert data == (REPOSITORY / "episodes" / path).read_bytes(), f"{name} carries an old copy of {path}"
    reads = {match for cell in notebook.cells[1:] if cell.cell_type == "code"
             for match in re.findall(r"""["'](\.\./data/[\w.-]+)["']""", cell.source)}
    assert reads <= set(files), f"{name} reads {reads - set(files)} but does not carry it"


@pytest.mark.parametrize("name", KINDS)
def test_no_colab_file_fetches_from_the_lessons_repository(name: str) -> None:
    for cell in colab_file(name).cells:
        if cell.cell_type == "code":
            assert not FETCHES.search(cell.source), f"{name} fetches: {FETCHES.search(cell.source)[0]!r}"


def test_the_fetch_check_would_catch_the_old_download() -> None:
    old = ('import urllib.request\nurllib.request.urlretrieve("https://raw.githubusercontent.com/'
           'carpentries-incubator/image-classification-cnns/notebooks/episodes/lesson_data.py", "lesson_data.py")')
    assert FETCHES.search(old) and FETCHES.search("!wget https://example.org/lesson_data.py")
    assert not FETCHES.search('keras.applications.MobileNet(weights="imagenet")')


def run_alone(notebook: nbformat.NotebookNode, name: str, tmp_path: Path) -> None:
    """Run every cell of ``notebook`` with strict nbval, alone in an empty folder."""
    folder = tmp_path / "alone"
    folder.mkdir()
    if not MODEL.is_file():
        pytest.fail(f"{MODEL} is missing: run `make site` first (episode 2 saves it).")
    shutil.copy(MODEL, folder)  # what a learner has who ran episode 2
    path = folder / f"{name}.ipynb"
    nbformat.write(notebook, path)
    result = subprocess.run([sys.executable, "-m", "pytest", str(path), *NBVAL], cwd=folder,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert (folder / "lesson_data.py").is_file() and (tmp_path / "data" / "training-times.csv").is_file()


def test_the_colab_notebook_runs_alone_and_shows_the_pages_outputs(tmp_path: Path) -> None:
    run_alone(colab_file(RUN_ALONE), RUN_ALONE, tmp_path)


def test_the_filled_colab_handout_runs_alone_and_shows_the_pages_outputs(tmp_path: Path) -> None:
    handout = filled(EPISODES[RUN_ALONE], colab_file(f"{RUN_ALONE}-handout"), colab_file(RUN_ALONE))
    run_alone(handout, f"{RUN_ALONE}-handout", tmp_path)
