"""The Colab form of a learner file: a notebook that runs on Colab, or alone in any folder.

``colab_notebook`` takes a learner notebook (or handout) from :mod:`lesson.learner_files`
and puts a first cell in front of it.
"""

from __future__ import annotations

import copy

import nbformat

from lesson.learner_files import data_files

COLAB_CELL = '''\
# On Colab, download the lesson's data loader (a local copy or Binder already has it).
import pathlib
import sys
import urllib.request

if "google.colab" in sys.modules:
    for name, url in {files}.items():
        if not pathlib.Path(name).exists():
            pathlib.Path(name).parent.mkdir(parents=True, exist_ok=True)
            urllib.request.urlretrieve(url, name)'''


def colab_notebook(notebook: nbformat.NotebookNode, raw_url: str) -> nbformat.NotebookNode:
    """The learner notebook with a first cell that fetches the lesson's files on Colab."""
    files = {"lesson_data.py": f"{raw_url}/episodes/lesson_data.py"}
    files.update({name: f"{raw_url}/{name.removeprefix('../')}" for name in data_files(notebook)})
    listing = "{\n" + "".join(f"        {name!r}: {url!r},\n" for name, url in files.items()) + "    }"
    colab = copy.deepcopy(notebook)
    first = nbformat.v4.new_code_cell(COLAB_CELL.format(files=listing))
    first.id = "colab-setup"
    colab.cells.insert(0, first)
    return colab
