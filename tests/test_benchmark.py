"""tools/benchmark.py reads the glued figures the way myst-nb's glue records them."""

from __future__ import annotations

import nbformat

from benchmark import glued_figures


def glue_record(name: str, text: str) -> nbformat.NotebookNode:
    """A display_data output as `glue(name, value, display=False)` emits it."""
    prefix = "application/papermill.record/"
    return nbformat.v4.new_output(
        "display_data",
        data={prefix + "text/plain": text},
        metadata={"scrapbook": {"name": name, "mime_prefix": prefix}},
    )


def test_glued_figures_reads_records_and_ignores_other_outputs() -> None:
    cell = nbformat.v4.new_code_cell("glue(...)")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="test accuracy: 0.7\n"),
        glue_record("ep02_best_test_accuracy", "0.7312"),
        nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>"}),
    ]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    assert glued_figures(notebook) == {"ep02_best_test_accuracy": "0.7312"}
