"""The episodes' code is plain Keras 3: it must run unchanged on TensorFlow, JAX and PyTorch.

So no episode imports a backend library (``tensorflow``, ``jax``, ``torch``) or
Keras's private ``keras.src``, and no code names ``tf``, ``tensorflow``, ``jax``,
``jnp`` or ``torch``. This test reads every code cell of every episode the way
jupytext does and checks its syntax tree; ``make backends`` then runs the cells
on JAX and PyTorch to prove it. The tests at the bottom show that the check
catches what it should, on episodes made up in memory.
"""

from __future__ import annotations

import ast
from pathlib import Path

import jupytext
import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from conftest import REPOSITORY, notebook_header

EPISODES = sorted((REPOSITORY / "episodes").glob("[0-9][0-9]-*.md"))
SUPPORT_CODE = [REPOSITORY / "episodes" / "lesson_data.py"]
# Support code may use a backend library inside these functions only: each does nothing
# on the other backends (tested beside the function's other tests).
BACKEND_WORKAROUNDS = {"avoid_tensorflow_epoch_pauses"}

# Libraries that tie code to one backend, and the names code uses for them.
BACKEND_MODULES = {"tensorflow", "jax", "jaxlib", "torch", "keras.src"}
BACKEND_NAMES = {"tf", "tensorflow", "jax", "jnp", "torch"}


def is_backend_module(name: str) -> bool:
    """Whether the dotted module name is, or lies inside, a backend library."""
    return any(name == module or name.startswith(module + ".") for module in BACKEND_MODULES)


def backend_uses(source: str) -> list[str]:
    """Every backend-specific import or name in ``source`` (Python, IPython syntax allowed)."""
    tree = ast.parse(TransformerManager().transform_cell(source))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"import {alias.name}" for alias in node.names if is_backend_module(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if is_backend_module(node.module):
                found.append(f"from {node.module} import ...")
        elif isinstance(node, ast.Name) and node.id in BACKEND_NAMES:
            found.append(f"name {node.id!r} (line {node.lineno})")
        elif isinstance(node, ast.Call) and is_dynamic_import(node):
            found.append(f"import of {node.args[0].value!r} (line {node.lineno})")
    return found


def support_code_uses(source: str) -> list[str]:
    """Backend uses in support code, outside the functions of BACKEND_WORKAROUNDS."""
    tree = ast.parse(source)
    tree.body = [
        node for node in tree.body
        if not (isinstance(node, ast.FunctionDef) and node.name in BACKEND_WORKAROUNDS)
    ]
    return backend_uses(ast.unparse(tree))


def is_dynamic_import(call: ast.Call) -> bool:
    """Whether ``call`` is importlib.import_module("<backend>") or __import__("<backend>")."""
    function = call.func
    name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
    return (
        name in {"import_module", "__import__"}
        and bool(call.args)
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
        and is_backend_module(call.args[0].value)
    )


def episode_problems(notebook) -> list[str]:
    """Backend-specific code in a notebook's code cells, as 'cell N: what'."""
    problems = []
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code_cells):
        problems += [f"code cell {number}: {use}" for use in backend_uses(cell.source)]
    return problems


def test_there_are_episodes():
    assert EPISODES, "no episodes found in episodes/"


@pytest.mark.parametrize("path", EPISODES, ids=lambda path: path.stem)
def test_episode_code_is_backend_agnostic(path):
    problems = episode_problems(jupytext.read(path))
    assert not problems, (
        f"{path.name} uses a backend library directly; write plain Keras 3 "
        f"(keras.ops, NumPy arrays) so it runs on TensorFlow, JAX and PyTorch: {problems}"
    )


@pytest.mark.parametrize("path", SUPPORT_CODE, ids=lambda path: path.name)
def test_support_code_is_backend_agnostic(path):
    problems = support_code_uses(path.read_text())
    assert not problems, f"{path.name} uses a backend library directly: {problems}"


# The check itself, on episodes made up in memory.

EPISODE_TEMPLATE = notebook_header() + """
# An episode

Prose may mention `tf.data`, `import torch` or jax.numpy freely.

```{{code-cell}} ipython3
%matplotlib inline
import keras
import numpy as np
```

```{{code-cell}} ipython3
{code}
```
"""


def episode(code: str):
    """An in-memory episode whose second code cell holds ``code``."""
    return jupytext.reads(EPISODE_TEMPLATE.format(code=code), fmt="md:myst")


@pytest.mark.parametrize("code", [
    "import tensorflow as tf",
    "import tensorflow",
    "import tensorflow.keras.layers",
    "from tensorflow import keras",
    "from tensorflow.keras import layers",
    "images = tf.image.resize(images, (96, 96))",
    "dataset = tensorflow.data.Dataset.from_tensor_slices(images)",
    "import jax.numpy as jnp",
    "from jax import numpy",
    "import torch",
    "from torch.utils.data import DataLoader",
    "from keras.src.layers import Dense",
    "x = jnp.ones(3)",
    "device = torch.device('cpu')",
    "tf",
    "def augment(image):\n    return tf.image.flip_left_right(image)",
    "import importlib\nlibrary = importlib.import_module('tensorflow')",
    "library = __import__('torch')",
    "!pip install keras\nimport tensorflow as tf",
])
def test_check_rejects_backend_code(code):
    assert episode_problems(episode(code)), f"the check missed: {code!r}"


@pytest.mark.parametrize("code", [
    "model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten()])",
    "scores = keras.ops.softmax(keras.ops.convert_to_tensor(np.ones((2, 10))))",
    "print(keras.backend.backend())",
    "if keras.backend.backend() == 'tensorflow':\n    print('TensorFlow')",
    "# import tensorflow as tf  -- a comment is not code",
    "tf_count = 3  # a name that merely starts with tf",
    "results = {'tf': 0.7}",
    "%time model = keras.Sequential()",
])
def test_check_accepts_plain_keras(code):
    assert episode_problems(episode(code)) == []


def test_problems_name_the_cell():
    problems = episode_problems(episode("import tensorflow as tf\nx = tf.constant(1)"))
    assert problems == ["code cell 1: import tensorflow", "code cell 1: name 'tf' (line 2)"]


def test_support_code_may_use_a_backend_only_in_a_named_workaround():
    workaround = "def avoid_tensorflow_epoch_pauses():\n    import tensorflow as tf\n    tf.data.Options()\n"
    assert support_code_uses(workaround) == []
    elsewhere = "def load():\n    import torch\n"
    assert support_code_uses(workaround + elsewhere) == ["import torch"]
    assert support_code_uses(workaround.replace("avoid", "cause")) != []


# tools/run_backends.py, which `make backends` runs: what it can get wrong without running a kernel.

def test_runner_turns_skip_execution_into_nbval_skip(tmp_path):
    from run_backends import to_notebook

    source = tmp_path / "09-skip.md"
    cell = "```{code-cell} ipython3\n"
    text = EPISODE_TEMPLATE.format(code="download_everything()")
    source.write_text(text.replace(cell + "download", cell + ":tags: [skip-execution]\n\ndownload"))
    notebook = nbformat.read(to_notebook(source, tmp_path), as_version=4)
    tags = [cell.metadata.get("tags", []) for cell in notebook.cells if cell.cell_type == "code"]
    assert tags == [[], ["skip-execution", "nbval-skip"]]


def test_runner_table_shows_failures_and_totals(capsys):
    from run_backends import print_table

    print_table({"jax": {"01-a": (2.0, True), "02-b": (3.0, False)},
                 "torch": {"01-a": (4.0, True), "02-b": (5.5, True)}}, ["01-a", "02-b"])
    rows = capsys.readouterr().out.splitlines()
    assert rows[-3].split() == ["|", "01-a", "|", "2.0", "|", "4.0", "|"]
    assert rows[-2].split() == ["|", "02-b", "|", "FAILED", "|", "5.5", "|"]
    assert rows[-1].split() == ["|", "total", "|", "5.0", "|", "9.5", "|"]
