"""Cell tags must mean the same to Jupyter Book (the build) and nbval (the tests)."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest

from lesson.episodes import read_episodes

EPISODES = [episode.path for episode in read_episodes()]

# Jupyter Book tag -> the nbval tag that must go with it. `raises-exception` is read by both.
PAIRED_TAGS = {"skip-execution": "nbval-skip"}


def unpaired_tags(notebook: nbformat.NotebookNode) -> list[str]:
    """Cells whose Jupyter Book tag lacks the nbval tag with the same meaning, or the reverse."""
    problems = []
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code_cells):
        tags = set(cell.metadata.get("tags", []))
        for book_tag, nbval_tag in PAIRED_TAGS.items():
            if (book_tag in tags) != (nbval_tag in tags):
                problems.append(f"code cell {number}: tag {book_tag!r} needs {nbval_tag!r} and the reverse")
    return problems


@pytest.mark.parametrize("episode", EPISODES, ids=lambda path: path.stem)
def test_episode_tags_are_paired(episode: Path) -> None:
    assert not unpaired_tags(jupytext.read(episode))


def test_a_skipped_cell_without_nbval_skip_is_reported() -> None:
    source = "```{code-cell} ipython3\n:tags: [skip-execution]\nprint(1)\n```\n"
    notebook = jupytext.reads(source, fmt="md:myst")
    assert unpaired_tags(notebook) == [
        "code cell 0: tag 'skip-execution' needs 'nbval-skip' and the reverse"
    ]
