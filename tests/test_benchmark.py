"""The benchmark and the learner files read glued figures the way myst-nb's glue records them;
the benchmark reads a process's peak memory."""

from __future__ import annotations

import nbformat

import os

from benchmark import peak_resident_mb

from lesson.learner_files import glued_values


def glue_record(name: str, text: str) -> nbformat.NotebookNode:
    """A display_data output as `glue(name, value, display=False)` emits it."""
    prefix = "application/papermill.record/"
    return nbformat.v4.new_output(
        "display_data",
        data={prefix + "text/plain": text},
        metadata={"scrapbook": {"name": name, "mime_prefix": prefix}},
    )


def test_glued_values_reads_records_and_ignores_other_outputs() -> None:
    cell = nbformat.v4.new_code_cell("glue(...)")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="test accuracy: 0.7\n"),
        glue_record("ep02_best_test_accuracy", "0.7312"),
        nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>"}),
    ]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    assert glued_values(notebook) == {"ep02_best_test_accuracy": "0.7312"}


def test_peak_memory_of_this_process_is_read() -> None:
    ballast = bytearray(64 * 1024 * 1024)  # 64 MB, touched
    assert peak_resident_mb(os.getpid()) >= 64
    del ballast
    assert peak_resident_mb(2**22 + 12345) == 0.0  # no such process
