"""The learner files (lesson/learner_files.py): what a learner gets holds the page's code and nothing of the build.

Unit tests build the files from a small episode; the tests on the real build read
_build/html/learner-files, which every `make site` writes.
"""

from __future__ import annotations

import ast
import re
import sys
import zipfile
from dataclasses import replace
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement

from conftest import REPOSITORY, notebook_header
from lesson.episodes import BUILD_ONLY, PROVIDED, TAUGHT, Episode, read_episodes
from lesson.timing import Clock, TrainingTime
from lesson.colab import colab_notebook
from lesson.learner_files import (
    OPTIONAL_CELL,
    LearnerFileError,
    Prose,
    names_needed_later,
    training_note,
    learner_notebook,
    write_learner_files,
)

LEARNER_FILES = REPOSITORY / "_build" / "html" / "learner-files"
EPISODES = read_episodes()

SMALL_EPISODE = notebook_header(teaching=5, exercises=5, teaching_optional=0) + """
# A small episode

:::{admonition} Instructor note
:class: instructor
Type slowly.
:::

## 1. Count

```{code-cell} ipython3
:tags: [provided]
import numpy as np
```

```{code-cell} ipython3
:tags: [taught]
numbers = np.arange(4)
numbers.sum()
```

```{code-cell} ipython3
:tags: [build-only, remove-cell]
from myst_nb import glue

glue("small_total", int(numbers.sum()), display=False)
```

The total is {glue:text}`small_total:,d`, a {term}`sum <Sum>`; see [episode 2](02-other.md)
and the [setup](../learners/setup.md#install).

::::{exercise} Count again
:label: small-count
:kind: question
:minutes: 5
Count to {glue:text}`small_total`.
::::

:::{solution} small-count
:class: dropdown
Use `np.arange(7).sum()`, because arange counts from 0.
:::

:::{figure} ../fig/dot.svg
:width: 10%
:alt: A black dot on white.
One dot.
:::

::::{exercise} Count in code
:label: small-code
:kind: code
:minutes: 17
Fill in the blanks:

```python
total = ___.sum()
```
::::

```{code-cell} ipython3
:tags: [provided]
print(numbers)
```

## 2. Count more (optional)

```{code-cell} ipython3
:tags: [provided]
more = np.arange(8)
print(more.sum())
```

## 3. Back to the core path
"""


def executed_notebook(episode: Episode) -> nbformat.NotebookNode:
    """The episode as the build leaves it: outputs, and the glue record."""
    import jupytext

    notebook = jupytext.read(episode.path)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    code[1].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "6"}, execution_count=2)]
    prefix = "application/papermill.record/"
    code[2].outputs = [nbformat.v4.new_output("display_data", data={prefix + "text/plain": "6"},
                                              metadata={"scrapbook": {"name": "small_total", "mime_prefix": prefix}})]
    return notebook


@pytest.fixture
def small(tmp_path: Path) -> tuple[Episode, nbformat.NotebookNode]:
    (tmp_path / "episodes").mkdir()
    (tmp_path / "fig").mkdir()
    (tmp_path / "fig" / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    path = tmp_path / "episodes" / "01-small.md"
    path.write_text(SMALL_EPISODE)
    episode = Episode(1, "episodes/01-small", path)
    return episode, executed_notebook(episode)


def code_sources(notebook: nbformat.NotebookNode) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def text_of(notebook: nbformat.NotebookNode) -> str:
    return "\n".join(cell.source for cell in notebook.cells)


def test_the_learner_notebook_holds_the_page_without_the_build(small) -> None:
    episode, executed = small
    notebook = learner_notebook(episode, executed, site_url="https://example.org/lesson/")
    nbformat.validate(notebook)
    assert code_sources(notebook) == ["import numpy as np", "numbers = np.arange(4)\nnumbers.sum()",
                                      "print(numbers)", "more = np.arange(8)\nprint(more.sum())"]
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code[1].outputs[0]["data"]["text/plain"] == "6"
    assert "made from [the episode's page](https://example.org/lesson/episodes/01-small.html)" in notebook.cells[1].source
    prose = text_of(notebook)
    assert "myst_nb" not in prose and "glue" not in prose and "{term}" not in prose
    assert "Type slowly" not in prose, "instructor notes are for instructors"
    assert "The total is 6, a sum; see [episode 2](https://example.org/lesson/episodes/02-other.html)" in prose
    assert "[setup](https://example.org/lesson/learners/setup.html#install)" in prose
    assert "> **Exercise 1: Count again** (Core, 5 min)" in prose and "> Count to 6." in prose
    assert "> **Exercise 2: Count in code** (Core, 17 min)" in prose and "total = ___.sum()" in prose
    assert "<summary>Solution</summary>" in prose and "because arange counts from 0" in prose
    figure = next(cell for cell in notebook.cells if "attachment:dot.svg" in cell.source)
    assert "![A black dot on white.](attachment:dot.svg)\n\n*One dot.*" in figure.source and "image/svg+xml" in figure.attachments["dot.svg"]
    assert set(notebook.metadata) <= {"kernelspec", "language_info"}


def test_the_handout_leaves_taught_cells_to_type_and_holds_no_solution(small) -> None:
    episode, executed = small
    handout = learner_notebook(episode, executed, handout=True)
    assert code_sources(handout) == [
        "import numpy as np",
        '# Type the code from section "1. Count" of the page, starting: numbers = np.arange(4)\n'
        "# Later cells use the names it defines, so keep them: numbers",
        "# Exercise 2: Count in code. Your answer:\ntotal = ___.sum()",
        "print(numbers)",
        OPTIONAL_CELL + "# more = np.arange(8)\n# print(more.sum())"]
    assert all(not cell.outputs for cell in handout.cells if cell.cell_type == "code")
    text = text_of(handout)
    assert "because arange counts from 0" not in text and "Solution" not in text
    assert "Count to 6." in text and "Fill in the blanks `___` in the cell below" in text
    assert "see [episode 2](02-other-handout.ipynb)" in text, "a link leads to the neighbouring handout"
    answer = next(cell for cell in handout.cells if cell.source.startswith("# Exercise 2"))
    assert answer.metadata["tags"] == ["raises-exception"], "unfilled blanks do not stop Run all"
    note = next(cell.source for cell in handout.cells if "**Optional section.**" in cell.source)
    assert "the core path goes on at “3. Back to the core path”" in note


def test_a_handout_runs_top_to_bottom_and_runs_nothing_optional(small) -> None:
    episode, executed = small
    handout = learner_notebook(episode, executed, handout=True)
    namespace: dict = {}
    for cell in handout.cells:
        if cell.cell_type != "code" or "raises-exception" in cell.metadata.get("tags", []):
            continue
        source = cell.source if not cell.source.startswith("# Type") else "import numpy as np\nnumbers = np.arange(4)"
        exec(compile(source, "handout", "exec"), namespace)
    assert "numbers" in namespace and "more" not in namespace


def test_long_training_cells_say_how_long_they_take(small, tmp_path: Path) -> None:
    episode, executed = small
    assert training_note(Clock([]), episode, episode.cells[0]) == ""
    times = [TrainingTime(episode.name, "1. Count", "history = model.fit(x, y)", "3", 45.0)]
    cell = replace(episode.cells[0], block=replace(episode.cells[0].block, body="history = model.fit(x, y)"))
    note = training_note(Clock(times), episode, cell)
    assert "about 40 seconds on the machine that built the lesson" in note and "1.5 minutes on a laptop" in note


def test_the_colab_form_carries_the_files_it_needs_and_writes_only_the_missing(small, tmp_path, monkeypatch) -> None:
    episode, executed = small
    learner = learner_notebook(episode, executed)
    learner.cells.append(nbformat.v4.new_code_cell('pd.read_csv("../data/training-times.csv")'))
    colab = colab_notebook(learner, REPOSITORY)
    first = colab.cells[0]
    assert first.source.startswith("#@title ") and first.metadata["cellView"] == "form"
    assert not first.outputs and first.execution_count is None, "unrun: what it prints depends on the folder"
    assert "http" not in first.source and "urllib" not in first.source, "the form downloads nothing"
    assert colab.cells[1:] == learner.cells
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "lesson_data.py").write_text("# the learner's own copy\n")
    monkeypatch.chdir(folder)
    exec(compile(first.source, "colab-setup", "exec"), {})  # what the kernel runs
    assert (folder / "lesson_data.py").read_text() == "# the learner's own copy\n", "an existing file is kept"
    assert (tmp_path / "data" / "training-times.csv").read_bytes() == (REPOSITORY / "data" / "training-times.csv").read_bytes()
    handout = colab_notebook(learner_notebook(episode, executed, handout=True), REPOSITORY, reads=[])
    assert "lesson_data.py" in handout.cells[0].source and "training-times" not in handout.cells[0].source


def test_a_missing_glued_value_is_a_clear_error(small) -> None:
    episode, executed = small
    with pytest.raises(LearnerFileError, match="no glued value 'small_total'"):
        Prose(episode, glue={}).convert("{glue:text}`small_total`")


def test_an_executed_notebook_of_another_shape_is_a_clear_error(small, tmp_path: Path) -> None:
    episode, executed = small
    executed.cells = [cell for cell in executed.cells if "arange" not in cell.source]
    nbformat.write(executed, tmp_path / "01-small.ipynb")
    with pytest.raises(LearnerFileError, match="make site"):
        write_learner_files([episode], tmp_path, tmp_path / "out")


# The real build ------------------------------------------------------------------------------

def built(kind: str, episode: Episode) -> nbformat.NotebookNode:
    name = f"{episode.name}-handout.ipynb" if kind == "handouts" else f"{episode.name}.ipynb"
    path = LEARNER_FILES / kind / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make site` first.")
    return nbformat.read(path, as_version=4)


@pytest.mark.parametrize("episode", EPISODES, ids=lambda episode: episode.name)
def test_learner_notebooks_hold_the_taught_and_provided_cells_in_order(episode: Episode) -> None:
    expected = [cell.source for cell in episode.cells if cell.role in (TAUGHT, PROVIDED)]
    assert code_sources(built("notebooks", episode)) == expected
    assert code_sources(built("colab", episode))[1:] == expected


@pytest.mark.parametrize("episode", EPISODES, ids=lambda episode: episode.name)
def test_handouts_empty_the_taught_cells_and_keep_the_provided_ones(episode: Episode) -> None:
    notebook = built("handouts", episode)
    answers = [cell.source for cell in notebook.cells if cell.cell_type == "code"
               and "raises-exception" in cell.metadata.get("tags", []) and cell.source.startswith("# Exercise ")]
    assert len(answers) == sum(1 for exercise in episode.exercises if exercise.kind == "code"), \
        f"{episode.name}: every coding exercise has an answer cell"
    handout = [source for source in code_sources(notebook) if source not in answers]
    cells = [cell for cell in episode.cells if cell.role != BUILD_ONLY]
    assert len(handout) == len(cells)
    needed = names_needed_later(episode)
    for source, cell in zip(handout, cells):
        if cell.role == TAUGHT:
            assert source.startswith("# Type the code from ") and all(line.startswith("# ") for line in source.splitlines())
            for name in needed[cell.line]:
                assert re.search(rf"\b{re.escape(name)}\b", source), f"{episode.name}: the prompt for {cell.source[:40]!r} " \
                                                                     f"does not name {name}, which later cells use"
        elif cell.optional:  # Run all trains nothing optional
            assert source.startswith(OPTIONAL_CELL) and all(line.startswith("#") for line in source.splitlines())
        else:
            assert source == cell.source
    text = text_of(built("handouts", episode))
    assert "<summary>Solution" not in text
    for solution in episode.page.blocks_named("solution"):
        explanation = next(line.strip() for line in solution.body.splitlines()[::-1] if len(line.strip()) > 30)
        assert explanation not in text, f"a solution of {episode.name} is in its handout"


@pytest.mark.parametrize("episode", EPISODES, ids=lambda episode: episode.name)
def test_exercises_carry_the_pages_numbers(episode: Episode) -> None:
    page = (REPOSITORY / "_build" / "html" / f"{episode.docname}.html").read_text(encoding="utf-8")
    on_page = list(dict.fromkeys(re.findall(r"Exercise (\d+) \(", page)))  # solutions repeat the title
    in_notebook = re.findall(r"\*\*Exercise (\d+): ", text_of(built("notebooks", episode)))
    assert in_notebook == on_page and len(on_page) == len(episode.exercises)


def learner_import_names() -> set[str]:
    """The modules the learner requirements install (by the distributions' own records)."""
    wanted = set()
    for line in (REPOSITORY / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            wanted.add(re.sub(r"[-_.]+", "-", Requirement(line).name.lower()))
    return {module for module, distributions in metadata.packages_distributions().items()
            if any(re.sub(r"[-_.]+", "-", name.lower()) in wanted for name in distributions)}


def imported_modules(source: str) -> set[str]:
    tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("kind", ["notebooks", "handouts", "colab"])
def test_learner_files_import_only_what_learners_install(kind: str) -> None:
    allowed = set(sys.stdlib_module_names) | {"lesson_data"} | learner_import_names()
    assert {"keras", "numpy", "skimage", "matplotlib", "pandas"} <= allowed
    for episode in EPISODES:
        notebook = built(kind, episode)
        for source in code_sources(notebook):
            assert not imported_modules(source) - allowed, f"{episode.name} ({kind}) imports {source!r}"
        assert "myst_nb" not in text_of(notebook)


def test_the_import_check_would_catch_the_build_toolchain() -> None:
    allowed = set(sys.stdlib_module_names) | {"lesson_data"} | learner_import_names()
    assert imported_modules("from myst_nb import glue\nimport pytest") - allowed == {"myst_nb", "pytest"}


def test_the_organisers_zip_holds_every_handout_and_the_support_files() -> None:
    path = LEARNER_FILES / "workshop-handouts.zip"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make site` first.")
    names = set(zipfile.ZipFile(path).namelist())
    assert {f"cnn-lesson/episodes/{episode.name}-handout.ipynb" for episode in EPISODES} <= names
    assert {"cnn-lesson/episodes/lesson_data.py", "cnn-lesson/episodes/check_setup.py",
            "cnn-lesson/requirements.txt"} <= names
