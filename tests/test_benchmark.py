"""The benchmark and the learner files read glued figures the way myst-nb's glue records them;
the benchmark reads a process's peak memory; the ingredients benchmark (issue 23) parses its
variants, sums them up per seed and counts the improved network's FLOPs."""

from __future__ import annotations

import nbformat

import os
import re

import pytest
from benchmark import peak_resident_mb
from ingredients import (ADOPTED, EPISODE, Recipe, Result, episode_split_cell, format_table, forward_flops,
                         parse_variant, read_results, summary_rows)

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


def test_variants_combine_ingredients_and_count_typed_lines() -> None:
    assert parse_variant("baseline") == Recipe("baseline")
    recipe = parse_variant("flip+warmup+batch512+epochs9")
    assert (recipe.flip, recipe.warmup, recipe.batch_size, recipe.epochs) == (True, True, 512, 9)
    assert recipe.learning_rate == pytest.approx(4 * 3e-3)  # the warmup peak and the batch each double it
    assert recipe.typed_lines == 3
    assert parse_variant("smooth").smoothing == 0.1
    assert parse_variant("lr2e-2+flip+warmup").learning_rate == pytest.approx(2e-2)  # set last
    assert parse_variant("flip+shift").shift
    with pytest.raises(ValueError, match="unknown ingredient 'mixup'"):
        parse_variant("flip+mixup")


def test_summary_gives_mean_and_spread_per_variant_with_and_without_tta() -> None:
    results = [Result("baseline", seed, 0.70 + seed / 100, 0.72 + seed / 100, 0.73 + seed / 100, 60.0, 7, 0)
               for seed in (1, 2, 3)]
    rows = summary_rows(results)
    assert [row["variant"] for row in rows] == ["baseline", "baseline + tta"]
    assert rows[0]["test_accuracy"] == "0.7400" and rows[0]["test_spread"] == "0.0100"
    assert rows[1]["test_per_seed"] == "0.7400 0.7500 0.7600" and rows[1]["typed_lines"] == "3"
    table = format_table(rows).splitlines()
    assert table[2].startswith("| baseline | 3 | 0.7200 ± 0.0100 | 0.7400 ± 0.0100 |")


def test_flops_of_the_improved_network() -> None:
    # 3x3 convolutions of 16, 32 and 64 filters on 32, 16 and 8 pixels, then 4 x 4 x 64 -> 10
    macs = 32 * 32 * 16 * 27 + 16 * 16 * 32 * 144 + 8 * 8 * 64 * 288 + 4 * 4 * 64 * 10
    assert forward_flops((16, 32, 64)) == 2 * macs


def test_the_split_is_episode_twos_own_cell() -> None:
    cell = episode_split_cell()
    assert "VALIDATION_SIZE = 5000" in cell and "default_rng(42)" in cell and "x_val" in cell


def test_episode_two_teaches_the_variant_the_benchmark_adopted() -> None:
    # the improved network flips its training images, and its schedule warms up from a tenth
    # of the peak to the peak over one epoch, then decays over the others, as train() does
    recipe = parse_variant(ADOPTED)
    text = EPISODE.read_text(encoding="utf-8")
    model_cell = text[text.index("def conv_block"):text.index("model_improved.summary()")]
    assert ('x = layers.RandomFlip("horizontal")(x)' in model_cell) == recipe.flip
    schedule_cell = text[text.index("EPOCHS = "):text.index("model_improved.compile(")]
    numbers = {name: float(value) for name, value in
               re.findall(r"(initial_learning_rate|warmup_target)=([0-9.e-]+)", schedule_cell)}
    assert recipe.warmup and numbers == {"initial_learning_rate": pytest.approx(recipe.learning_rate / 10),
                                         "warmup_target": pytest.approx(recipe.learning_rate)}
    assert "warmup_steps=steps_per_epoch" in schedule_cell
    assert "decay_steps=(EPOCHS - 1) * steps_per_epoch" in schedule_cell
    assert f"EPOCHS = {recipe.epochs}\n" in schedule_cell and "BATCH_SIZE = 256" in text


def test_results_are_read_back_from_a_log() -> None:
    log = ("I0000 tensorflow noise, 1, 2, 3, 4, 5, 6\n"
           "variant, seed, val accuracy, test accuracy, tta test accuracy, fit s, epochs\n"
           "baseline, 1, 0.7236, 0.7316, 0.7497, 157.5, 7\n"
           "flip+warmup, 2, 0.7400, 0.7500, 0.7600, 150.0, 6\n"
           "baseline, 1, 0.7236, 0.7316, 0.7497, 140.0, 7\n")  # the same run again, from a second log
    results = read_results(log)
    assert [(r.variant, r.seed, r.epochs_run, r.typed_lines) for r in results] == [
        ("baseline", 1, 7, 0), ("flip+warmup", 2, 6, 2)]
    assert results[0].fit_s == 140.0 and results[1].fit_s == 150.0
