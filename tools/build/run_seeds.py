"""Run every episode with its seeds replaced by others, and list the hidden assertions that fail.

The page's numbers come from the build's run with seed 42; a learner's machine does not
repeat those digits. What the prose states, and the hidden (build-only) assertions check,
must hold under other seeds too. For each seed this script turns the episodes' MyST
sources into notebooks (jupytext) in ``_build/seeds/<seed>/episodes/``, next to links to
``lesson_data.py``, ``data/`` and ``fig/`` (as ``make backends`` does), replaces every
seed in the copies' code cells, and runs them in order on TensorFlow, in a fresh kernel
each, with nbclient's ``allow_errors``: every cell runs even after one fails. Episode 3
loads the model episode 2 saved in the same folder, as on a learner's machine.

What it replaces, in every code cell (the episodes' sources keep their literal seeds),
is every whole number written right after ``(`` or ``=`` that follows a name containing
``seed`` (in any case) or one of ``default_rng``, ``RandomState``, ``Random``, ``PRNGKey``,
``random_state`` (:data:`SEED_LITERAL`). The build's seed, 42, becomes the run's seed S;
any other number n becomes S + n + 1 (:func:`new_seed`): seeds that were equal stay equal,
and seeds that differed stay different. In the episodes that is:

- episode 2: the validation split's ``np.random.default_rng(42)``, the batch-loss
  demonstration's ``default_rng(0)`` and all six ``keras.utils.set_random_seed(42)``;
- episode 3: ``np.random.default_rng(42)``, episode 2's validation split made again, and
  both ``keras.utils.set_random_seed(3)``;
- episode 4: ``SEED = 42``, which its subset and split (``default_rng(SEED)``), its
  ``set_random_seed(SEED)`` calls and ``image_dataset_from_directory(seed=SEED)`` use;
- episode 5: the training pairs' ``default_rng(2021)``, ``keras.utils.set_random_seed(42)``
  and the test pairs' ``default_rng(7)``.

Episodes 2 and 3 make the same 5,000 validation images with the same seed, 42; both get S,
so the split stays one split, and episode 3 still measures episode 2's model on images it
never trained on. lesson_data.py draws no random numbers.

Usage (``make seeds SEEDS="1234 7" EPISODES="02 04"`` runs it):

    python tools/build/run_seeds.py [--seeds 1234 7] [--episodes 02 04]

It ends with two tables: each episode's wall time and failures under each seed, then
every failed cell with its error and, for a failed ``assert``, the values its operands
had (re-evaluated in the kernel right after the failure). ``_build/seeds/results.json``
keeps the same, with the glued figures of every run.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbclient
import nbformat

from prepare_nbval import LINKED, REPOSITORY, summary
from run_backends import add_episodes_option, selected_episodes, to_notebook

from lesson.episodes import BUILD_ONLY, read_episodes
from lesson.learner_files import glued_values

OUTPUT = REPOSITORY / "_build" / "seeds"
BUILD_SEED = 42  # the seed the page's numbers come from
DEFAULT_SEEDS = (1234, 7)
CELL_TIMEOUT_S = 600
SEED_LITERAL = re.compile(
    r"(?P<before>\b(?:(?i:\w*seed\w*)|default_rng|RandomState|Random|PRNGKey|random_state)\s*[(=]\s*)"
    r"(?P<seed>\d+)\b"
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Calls that train or predict: an operand that makes one is not re-evaluated.
COSTLY_CALLS = {"fit", "evaluate", "predict", "train_on_batch", "load_model", "save", "load_weights"}
VALUE_CHARS = 160
COMPREHENSIONS = (ast.GeneratorExp, ast.ListComp, ast.SetComp)


@dataclass
class Failure:
    """One cell that raised: where it is, what it raised and what its assertion saw."""

    cell: str  # e.g. "02-build-a-cnn.md:1131 build-only"
    error: str  # "AssertionError: ...", the exception's type and message
    statement: str = ""  # the failing line (the whole assert statement when it is one)
    values: dict[str, str] = field(default_factory=dict)  # operand source -> repr


@dataclass
class EpisodeRun:
    """One episode under one seed."""

    episode: str
    seed: int
    wall_s: float
    failures: list[Failure] = field(default_factory=list)
    figures: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.failures


def new_seed(seed: int, literal: int) -> int:
    """What a seed ``literal`` of the episodes becomes in the run with ``seed``: equal stay equal, different stay different."""
    return seed if literal == BUILD_SEED else seed + literal + 1


def replace_seeds(source: str, seed: int) -> tuple[str, int]:
    """``source`` with every seed literal (:data:`SEED_LITERAL`) replaced for ``seed``; how many there were."""
    return SEED_LITERAL.subn(lambda match: f"{match['before']}{new_seed(seed, int(match['seed']))}", source)


def failing_line(traceback: list[str], execution_count: int | None) -> int | None:
    """The line of the cell (run as ``In[execution_count]``) where an exception rose.

    IPython names each frame of a cell's code ``Cell In[n], line k``; the last frame of
    this cell is the statement that raised, or called what raised.
    """
    frame = re.compile(rf"^Cell In\[{execution_count}\], line (\d+)", re.MULTILINE)
    lines = frame.findall(ANSI.sub("", "\n".join(traceback)))
    return int(lines[-1]) if lines else None


def parse(source: str) -> ast.Module | None:
    """The cell's syntax tree (None for IPython syntax, such as magics)."""
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def statement_at(tree: ast.Module, line: int) -> ast.stmt | None:
    """The innermost ``assert`` statement of ``tree`` that spans ``line``, else the innermost statement."""
    spanning = [node for node in ast.walk(tree)
                if isinstance(node, ast.stmt) and node.lineno <= line <= (node.end_lineno or node.lineno)]
    asserts = [node for node in spanning if isinstance(node, ast.Assert)]
    candidates = asserts or spanning
    return max(candidates, key=lambda node: node.lineno) if candidates else None


def rest_after(source: str, tree: ast.Module, statement: ast.stmt) -> tuple[str, int] | None:
    """After a failed top-level ``assert``, the cell's remaining code and its first line's offset.

    An assertion defines nothing, so the statements after it can still run: each failing
    assertion of a cell is then reported, not the first alone.
    """
    if not isinstance(statement, ast.Assert) or statement not in tree.body:
        return None
    following = tree.body[tree.body.index(statement) + 1:]
    if not following:
        return None
    offset = following[0].lineno - 1
    return "\n".join(source.splitlines()[offset:]), offset


def is_costly(node: ast.AST) -> bool:
    """Whether evaluating ``node`` again would call something that trains, predicts or writes."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call):
            name = inner.func.attr if isinstance(inner.func, ast.Attribute) else getattr(inner.func, "id", "")
            if name in COSTLY_CALLS:
                return True
    return False


def operands(node: ast.AST) -> list[ast.AST]:
    """The parts of an assertion's test worth showing: comparison sides, and the arguments of calls."""
    if isinstance(node, ast.Compare):
        parts = [node.left, *node.comparators]
        return parts + [inner for part in parts for inner in operands(part) if inner not in parts]
    if isinstance(node, ast.BoolOp):
        return [inner for value in node.values for inner in operands(value)]
    if isinstance(node, ast.UnaryOp):
        return operands(node.operand)
    if isinstance(node, ast.Call):  # all(...), len(...), abs(...): what they were given
        arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
        return [inner for argument in arguments for inner in given(argument)]
    if isinstance(node, COMPREHENSIONS):  # what it iterates over (its own variables are gone)
        return [inner for generator in node.generators for inner in given(generator.iter)]
    return [] if isinstance(node, ast.Constant) else [node]


def given(argument: ast.AST) -> list[ast.AST]:
    """An argument of a call, or what it is made of when it is itself a call or a comprehension (zip(a, b))."""
    if isinstance(argument, ast.Constant):
        return []
    return operands(argument) if isinstance(argument, (ast.Call, *COMPREHENSIONS)) else [argument]


def expressions_to_show(statement: ast.stmt | None) -> list[str]:
    """The source of each operand of a failed ``assert``, to evaluate in the kernel (none for other statements)."""
    if not isinstance(statement, ast.Assert):
        return []
    shown: list[str] = []
    for node in operands(statement.test):
        text = ast.unparse(node)
        if isinstance(node, ast.Constant) or is_costly(node) or text in shown:
            continue
        shown.append(text)
    return shown


def probe_code(expressions: list[str]) -> str:
    """Code that prints, as one JSON line, each expression's repr in the kernel's namespace."""
    return (
        "def _seed_probe(expressions):\n"
        "    import json\n"
        "    values = {}\n"
        "    for expression in expressions:\n"
        "        try:\n"
        f"            values[expression] = repr(eval(expression, globals()))[:{VALUE_CHARS}]\n"
        "        except Exception as error:\n"
        "            values[expression] = f'<{type(error).__name__}: {error}>'\n"
        "    print(json.dumps(values))\n"
        f"_seed_probe({expressions!r})\n"
        "del _seed_probe\n"
    )


def error_of(cell: nbformat.NotebookNode) -> dict | None:
    """The error output of an executed cell, if it raised (a cell tagged raises-exception may)."""
    if "raises-exception" in cell.metadata.get("tags", []):
        return None
    return next((output for output in cell.get("outputs", []) if output.output_type == "error"), None)


def cell_labels(source: Path) -> list[str]:
    """For each code cell of an episode, ``file:line role`` (the MyST source's line, the cell's role)."""
    episode = next(episode for episode in read_episodes(REPOSITORY) if episode.path == source)
    return [f"{source.name}:{cell.line} {cell.role or 'no role'}" for cell in episode.cells]


def prepare(seed: int, sources: list[Path]) -> list[Path]:
    """A fresh folder for one seed's run, laid out like the repository, its notebooks' seeds replaced."""
    folder = OUTPUT / str(seed)
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "episodes").mkdir(parents=True)
    for name in LINKED:
        (folder / name).symlink_to(REPOSITORY / name)
    notebooks = []
    for source in sources:
        path = to_notebook(source, folder / "episodes")
        notebook = nbformat.read(path, as_version=4)
        replaced = 0
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.source, count = replace_seeds(cell.source, seed)
                replaced += count
        nbformat.write(notebook, path)
        print(f"{path.relative_to(REPOSITORY)}: {replaced} seeds replaced for seed {seed}", flush=True)
        notebooks.append(path)
    return notebooks


def execute_aside(client: nbclient.NotebookClient, cell: nbformat.NotebookNode, index: int) -> None:
    """Run a cell that is not the notebook's (a probe, the rest of a cell) in the kernel.

    nbclient puts the cell it runs in the notebook at ``index``; the notebook's own cell goes back there.
    """
    own = client.nb.cells[index]
    try:
        client.execute_cell(cell, index)
    finally:
        client.nb.cells[index] = own


def describe(client: nbclient.NotebookClient, cell: nbformat.NotebookNode, index: int,
             label: str, offset: int) -> tuple[Failure, ast.Module | None, ast.stmt | None]:
    """What a failed cell raised; for an ``assert``, the values of its operands, read in the kernel.

    ``offset`` is how many lines of the episode's cell come before ``cell``'s source
    (0 unless ``cell`` is the rest of a cell after a failed assertion).
    """
    error = error_of(cell)
    assert error is not None
    failure = Failure(cell=label, error=f"{error.ename}: {error.evalue}".strip().rstrip(":"))
    line = failing_line(error.traceback, cell.get("execution_count"))
    tree = parse(cell.source)
    if line is None:
        return failure, tree, None
    failure.cell = f"{label}, cell line {line + offset}"
    statement = statement_at(tree, line) if tree else None
    if statement is None:
        lines = cell.source.splitlines()
        failure.statement = lines[line - 1].strip() if line <= len(lines) else ""
        return failure, tree, None
    failure.statement = " ".join((ast.get_source_segment(cell.source, statement) or "").split())
    expressions = expressions_to_show(statement) if error.ename == "AssertionError" else []
    if expressions:
        probe = nbformat.v4.new_code_cell(probe_code(expressions))
        execute_aside(client, probe, index)
        printed = "".join(output.get("text", "") for output in probe.outputs if output.output_type == "stream")
        try:
            failure.values = json.loads(printed.strip().splitlines()[-1])
        except (ValueError, IndexError):
            failure.values = {"(probe)": printed.strip()[:VALUE_CHARS]}
    return failure, tree, statement


def run_cell(client: nbclient.NotebookClient, cell: nbformat.NotebookNode, index: int, label: str) -> list[Failure]:
    """Run one cell; on a failed top-level ``assert``, run the rest of the cell too. Every failure."""
    client.execute_cell(cell, index)
    failures: list[Failure] = []
    current, offset = cell, 0
    while error_of(current) is not None:
        failure, tree, statement = describe(client, current, index, label, offset)
        failures.append(failure)
        print(f"  FAILED {failure.cell}: {failure.error} {failure.statement} {failure.values}", flush=True)
        rest = rest_after(current.source, tree, statement) if tree and statement else None
        if rest is None:
            break
        current = nbformat.v4.new_code_cell(rest[0])
        offset += rest[1]
        execute_aside(client, current, index)
        cell.outputs += current.outputs  # the rest's glued figures, as if the cell had run on
    return failures


def run_episode(notebook_path: Path, source: Path, seed: int) -> EpisodeRun:
    """Run every cell of one notebook, recording each cell that raises, and go on."""
    print(f"\n=== {notebook_path.stem} with seed {seed}", flush=True)
    notebook = nbformat.read(notebook_path, as_version=4)
    code_indices = [index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    labels = cell_labels(source)
    if len(labels) != len(code_indices):  # jupytext and lesson.episodes disagree: number the cells instead
        labels = [f"{source.name} code cell {number}" for number in range(1, len(code_indices) + 1)]
    client = nbclient.NotebookClient(
        notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3", allow_errors=True,
        resources={"metadata": {"path": str(notebook_path.parent)}},
    )
    run = EpisodeRun(episode=notebook_path.stem, seed=seed, wall_s=0.0)
    start = time.perf_counter()
    with client.setup_kernel():
        for index, label in zip(code_indices, labels):
            try:
                run.failures += run_cell(client, notebook.cells[index], index, label)
            except (nbclient.exceptions.CellTimeoutError, nbclient.exceptions.DeadKernelError) as stop:
                run.failures.append(Failure(cell=label, error=f"{type(stop).__name__}: {stop}".splitlines()[0]))
                break
    run.wall_s = time.perf_counter() - start
    run.figures = glued_values(notebook)
    nbformat.write(notebook, notebook_path)  # the executed copy, outputs and all, to read afterwards
    return run


def table_cell(text: str) -> str:
    """``text`` on one line, fit for a cell of a Markdown table."""
    return " ".join(text.split()).replace("|", "\\|")


def print_tables(runs: list[EpisodeRun]) -> None:
    """Wall time and failures per episode and seed; then every failure with the values it saw."""
    print("\nEpisodes under other seeds (TensorFlow; wall seconds; failed cells, build-only ones in brackets)")
    print(f"| {'episode':<22} | {'seed':>6} | {'wall s':>7} | {'failed':>10} |")
    print(f"|{'-' * 24}|{'-' * 8}|{'-' * 9}|{'-' * 12}|")
    for run in runs:
        hidden = sum(BUILD_ONLY in failure.cell for failure in run.failures)
        failed = f"{len(run.failures)} ({hidden})" if run.failures else "0"
        print(f"| {run.episode:<22} | {run.seed:>6} | {run.wall_s:7.1f} | {failed:>10} |")
    failures = [(run, failure) for run in runs for failure in run.failures]
    if not failures:
        print("\nEvery cell passed under every seed.")
        return
    print("\nFailed cells")
    print("| episode | seed | cell | error | statement | values it saw |")
    print("|---|---|---|---|---|---|")
    for run, failure in failures:
        values = "; ".join(f"`{name}` = {value}" for name, value in failure.values.items())
        statement = f"`{failure.statement}`" if failure.statement else ""
        cells = [run.episode, str(run.seed), failure.cell, failure.error[:200], statement, values]
        print("| " + " | ".join(table_cell(text) for text in cells) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=list(DEFAULT_SEEDS),
                        help=f"seeds to run every episode with (default: {' '.join(map(str, DEFAULT_SEEDS))})")
    add_episodes_option(parser)
    args = parser.parse_args()

    sources = selected_episodes(parser, args.episodes)
    os.environ["KERAS_BACKEND"] = "tensorflow"  # the kernels inherit it
    runs: list[EpisodeRun] = []
    for seed in args.seeds:
        for notebook, source in zip(prepare(seed, sources), sources):
            runs.append(run_episode(notebook, source, seed))
            # Written after every episode, so that a long run can be read before it ends.
            (OUTPUT / "results.json").write_text(json.dumps([asdict(run) for run in runs], indent=1))
    print_tables(runs)
    results = {str(seed): {run.episode: (run.wall_s, run.passed) for run in runs if run.seed == seed}
               for seed in args.seeds}
    return summary(results, "episode runs with seeds")


if __name__ == "__main__":
    raise SystemExit(main())
