"""The Colab form of a learner file: a notebook that runs on Colab, or alone in any folder.

``colab_notebook`` takes a learner notebook (or handout) from :mod:`lesson.learner_files`
and puts a first cell in front of it that carries what the episode needs besides its
packages: ``lesson_data.py`` and the small files under ``../data`` that its code reads,
copied from the repository when the site is built. The cell writes each file that is
missing next to the notebook, so a downloaded copy runs in an empty folder, on Colab or
in any Jupyter; it downloads nothing (CIFAR-10 and the pretrained weights still come
through Keras). On Colab the cell is a form (``#@title``): it shows its title, not its code.
"""

from __future__ import annotations

import base64
import copy
import textwrap
import zlib
from collections.abc import Iterable
from pathlib import Path

import nbformat

from lesson.episodes import REPOSITORY
from lesson.learner_files import data_files

CELL_ID = "colab-setup"
HEADER = """\
#@title Run this cell first: it writes the lesson's files that this notebook needs
# The notebook needs these files (paths from the notebook's folder):
{listing}
# This cell holds copies of them, packed (zlib, then base64) when the lesson's site was
# built, and writes each one that is missing; open the written files to read them.
# It downloads nothing: CIFAR-10 and the pretrained weights come through Keras.
import base64
import pathlib
import zlib

"""
WRITER = """
for name, packed in LESSON_FILES.items():
    path = pathlib.Path(name)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(zlib.decompress(base64.b64decode(packed)))
        print("Wrote", name)"""


def packed(data: bytes) -> str:
    """A file's bytes as the cell holds them: zlib, base64, lines of 96 characters."""
    text = base64.b64encode(zlib.compress(data, 9)).decode("ascii")
    return "\n".join(textwrap.wrap(text, 96))


def files_needed(notebook: nbformat.NotebookNode, reads: Iterable[str] | None = None) -> list[str]:
    """What the first cell writes, as paths from the notebook's folder."""
    return ["lesson_data.py", *sorted(data_files(notebook) if reads is None else reads)]


def colab_notebook(notebook: nbformat.NotebookNode, root: Path = REPOSITORY,
                   reads: Iterable[str] | None = None) -> nbformat.NotebookNode:
    """The learner notebook (or handout) with a first cell that writes the files it needs.

    ``root`` is the repository whose files the cell carries; ``reads`` the ``../data`` files
    the episode reads, by default those the notebook's own code names (a handout, whose
    taught cells are empty, passes its learner notebook's).
    """
    names = files_needed(notebook, reads)
    sources = {name: root / "episodes" / name for name in names}
    missing = [str(path) for path in sources.values() if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"The Colab notebook needs {', '.join(missing)}")
    listing = "\n".join(f"#   {name}" for name in names)
    files = "".join(f'    "{name}": """\n{packed(path.read_bytes())}\n""",\n' for name, path in sources.items())
    first = nbformat.v4.new_code_cell(HEADER.format(listing=listing) + "LESSON_FILES = {\n" + files + "}" + WRITER)
    first.id = CELL_ID
    # Colab shows a form's title and hides its code; JupyterLab hides the code too.
    first.metadata = {"cellView": "form", "jupyter": {"source_hidden": True}}
    colab = copy.deepcopy(notebook)
    colab.cells.insert(0, first)
    return colab
