"""lesson/timing.py: the workshop clock counts lines, training and exercises as the conventions page says."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import notebook_header
from lesson.episodes import Episode
from lesson.timing import (
    LAPTOP_FACTOR,
    Clock,
    TrainingTime,
    epochs_of,
    fit_line,
    read_training_times,
    training_rows,
    write_training_rows,
)

EPISODE = notebook_header(teaching=20, exercises=20, teaching_optional=20).removesuffix("---\n") + """when_late:
  - small-talk
  - "2. Train"
---
# Small

## 1. Load

```{code-cell} ipython3
:tags: [taught]
import numpy as np
x = np.zeros(3)
```

```{code-cell} ipython3
:tags: [provided]
# a comment is not a line
y = x + 1
z = y * 2
```

::::{exercise} Talk about it
:label: small-talk
:kind: discussion
:minutes: 7
Why?
::::

## 2. Train

```{code-cell} ipython3
:tags: [provided]
history = model.fit(x, y, epochs=EPOCHS, verbose=2)
```

```{code-cell} ipython3
:tags: [build-only, remove-cell]
assert history
```

## 3. More (optional)

```{code-cell} ipython3
:tags: [taught]
model.fit(x, y, epochs=2)
```

::::{exercise} Write it
:label: small-write
:kind: code
:minutes: 20
:optional:
Write it.
::::
"""


@pytest.fixture
def episode(tmp_path: Path) -> Episode:
    path = tmp_path / "episodes" / "01-small.md"
    path.parent.mkdir()
    path.write_text(EPISODE)
    return Episode(1, "episodes/01-small", path)


def test_fit_lines_and_epochs_are_read_from_the_code() -> None:
    assert fit_line("x = 1\nhistory = model.fit(\n    x, epochs=3)") == "history = model.fit("
    assert fit_line("# model.fit(x)\nprint(1)") == ""
    assert epochs_of("model.fit(x, epochs=EPOCHS, verbose=2)") == "EPOCHS"
    assert epochs_of("model.fit(x)") == ""


def test_the_clock_counts_lines_training_and_exercise_floors(episode: Episode) -> None:
    times = [TrainingTime("01-small", "2. Train", "history = model.fit(x, y, epochs=EPOCHS, verbose=2)", "EPOCHS", 30.0),
             TrainingTime("01-small", "3. More (optional)", "model.fit(x, y, epochs=2)", "2", 6.0)]
    clock = Clock(times)
    core, extras = clock.cost(episode), clock.cost(episode, optional=True)
    assert (core.taught_lines, core.provided_lines, core.training_s) == (2, 3, 30.0)
    assert core.teaching == pytest.approx(2 * 1.0 + 3 * 0.15 + 30 * LAPTOP_FACTOR / 60)
    assert core.exercises == 9, "a discussion counts at least its floor of 9 minutes, not its declared 7"
    assert extras.exercises == 20 and extras.training_s == 6.0
    assert clock.when_late(episode) == [("exercise “Talk about it”", 9), ("section “2. Train”", pytest.approx(1.15))]


def test_a_renamed_training_cell_keeps_its_time_by_its_place_in_its_section(episode: Episode) -> None:
    clock = Clock([TrainingTime("01-small", "2. Train", "history = model.fit(x, y, epochs=7)", "7", 30.0)])
    assert clock.cost(episode).training_s == 30.0
    assert Clock([]).cost(episode).unmeasured == ("01-small: history = model.fit(x, y, epochs=EPOCHS, verbose=2)",)


def test_the_benchmark_writes_one_row_per_training_cell(episode: Episode, tmp_path: Path) -> None:
    rows = training_rows(episode, [0.5, 0.1, 31.0, 0.2, 7.0], "tensorflow", 2, "2026-12-07")
    assert [(row["section"], row["seconds"], row["epochs"]) for row in rows] == [
        ("2. Train", "31.0", "EPOCHS"), ("3. More (optional)", "7.0", "2")]
    table = tmp_path / "training-cells.csv"
    write_training_rows([{**rows[0], "episode": "02-other"}], ["02-other"], table)
    write_training_rows(rows, ["01-small"], table)  # keeps the other episode's row
    assert [time.episode for time in read_training_times(table)] == ["01-small", "01-small", "02-other"]
    with pytest.raises(ValueError, match="5 code cells"):
        training_rows(episode, [1.0], "tensorflow", 2, "2026-12-07")
