"""The workshop clock: the minutes a room spends on an episode, computed from the episode.

The model (its constants and their sources are on ``instructors/conventions.md``):

- each line a learner types (a ``taught`` cell) costs ``TAUGHT_LINE`` minutes: typed and explained;
- each line of a ``provided`` cell costs ``PROVIDED_LINE`` minutes: read and explained;
- each training cell (a cell that calls ``.fit(``) costs its measured seconds on the build machine
  (``data/training-cells.csv``, written by ``make benchmark BENCHMARK_OPTIONS=--save``) times
  ``LAPTOP_FACTOR``, for a learner's laptop;
- each exercise costs its declared ``:minutes:``, and at least the floor of its ``:kind:``.

The lesson checks fail when an episode's front matter declares less than the model; the schedule,
the budget table and the instructors' running-late list take their minutes from here.

    python -m lesson.timing            # the model per episode, and per section
"""

from __future__ import annotations

import csv
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from lesson.episodes import PROVIDED, REPOSITORY, TAUGHT, Cell, Episode, Exercise, read_episodes
from lesson.sources import Heading

TAUGHT_LINE = 1.0
PROVIDED_LINE = 0.15
LAPTOP_FACTOR = 2.0
EXERCISE_FLOORS = {"question": 5, "discussion": 9, "code": 17}
TRAINING_CELLS = REPOSITORY / "data" / "training-cells.csv"
INGREDIENTS_TABLE = REPOSITORY / "data" / "ingredients.csv"  # benchmark.py --ingredients --save
TRAINING_COLUMNS = ["episode", "section", "fit", "epochs", "seconds", "backend", "cores", "date"]
FIT_CALL = re.compile(r"\.fit\(")
EPOCHS = re.compile(r"\bepochs\s*=\s*([^,)\n]+)")


def fit_line(code: str) -> str:
    """The line of a cell that calls ``.fit(`` (stripped), or "" when it trains nothing."""
    return next((line.strip() for line in code.splitlines() if FIT_CALL.search(line)
                 and not line.lstrip().startswith("#")), "")


def epochs_of(code: str) -> str:
    match = EPOCHS.search(code)
    return match[1].strip() if match else ""


@dataclass(frozen=True)
class TrainingTime:
    """One row of data/training-cells.csv: a training cell and its measured seconds."""

    episode: str
    section: str
    fit: str
    epochs: str
    seconds: float


def read_training_times(path: Path = TRAINING_CELLS) -> list[TrainingTime]:
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as file:
        return [TrainingTime(row["episode"], row["section"], row["fit"], row["epochs"], float(row["seconds"]))
                for row in csv.DictReader(file)]


def training_rows(episode: Episode, seconds: list[float], backend: str, cores: int, date: str) -> list[dict]:
    """The rows of data/training-cells.csv for one run of ``episode`` (``seconds`` per code cell)."""
    if len(seconds) != len(episode.cells):
        raise ValueError(f"{episode.name}: {len(seconds)} timed cells for {len(episode.cells)} code cells")
    return [dict(zip(TRAINING_COLUMNS, [episode.name, cell.section_title, fit_line(cell.source),
                                        epochs_of(cell.source), f"{took:.1f}", backend, cores, date]))
            for cell, took in zip(episode.cells, seconds) if fit_line(cell.source) and cell.role != "build-only"]


def write_training_rows(rows: list[dict], episodes_run: list[str], path: Path = TRAINING_CELLS) -> None:
    """Replace the rows of the episodes that ran; keep the others."""
    kept = []
    if path.is_file():
        with path.open(newline="", encoding="utf-8") as file:
            kept = [row for row in csv.DictReader(file) if row["episode"] not in episodes_run]
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, TRAINING_COLUMNS)
        writer.writeheader()
        writer.writerows(sorted(kept + rows, key=lambda row: row["episode"]))


@dataclass
class Cost:
    """What a stretch of an episode asks of a room."""

    taught_lines: int = 0
    provided_lines: int = 0
    training_s: float = 0.0  # measured on the build machine
    exercises: float = 0.0  # minutes, each exercise at least its kind's floor
    unmeasured: tuple[str, ...] = ()  # training cells with no measured time

    @property
    def teaching(self) -> float:
        return (self.taught_lines * TAUGHT_LINE + self.provided_lines * PROVIDED_LINE
                + self.training_s * LAPTOP_FACTOR / 60)

    @property
    def minutes(self) -> float:
        return self.teaching + self.exercises

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.taught_lines + other.taught_lines, self.provided_lines + other.provided_lines,
                    self.training_s + other.training_s, self.exercises + other.exercises,
                    self.unmeasured + other.unmeasured)


def exercise_floor(exercise: Exercise) -> int:
    return EXERCISE_FLOORS.get(exercise.kind or "", max(EXERCISE_FLOORS.values()))


def exercise_minutes(exercise: Exercise) -> float:
    return max(exercise.minutes or 0, exercise_floor(exercise))


class Clock:
    """The model's minutes for the episodes, with the measured training times."""

    def __init__(self, times: list[TrainingTime] | None = None) -> None:
        self.times = read_training_times() if times is None else times

    def training_seconds(self, episode: Episode, cell: Cell) -> float | None:
        """The cell's measured seconds: by its fit line, else by its place among its section's."""
        line = fit_line(cell.source)
        rows = [row for row in self.times if row.episode == episode.name]
        for row in rows:
            if row.fit == line:
                return row.seconds
        same_section = [other for other in episode.cells if other.role != "build-only"
                        and other.section_title == cell.section_title and fit_line(other.source)]
        measured = [row for row in rows if row.section == cell.section_title]
        if len(measured) == len(same_section):
            return measured[same_section.index(cell)].seconds
        return None

    def cell_cost(self, episode: Episode, cell: Cell) -> Cost:
        if cell.role not in (TAUGHT, PROVIDED):
            return Cost()
        lines = cell.typed_lines
        cost = Cost(taught_lines=lines) if cell.role == TAUGHT else Cost(provided_lines=lines)
        if fit_line(cell.source):
            seconds = self.training_seconds(episode, cell)
            if seconds is None:
                cost.unmeasured = (f"{episode.name}: {fit_line(cell.source)}",)
            else:
                cost.training_s = seconds
        return cost

    def cost(self, episode: Episode, optional: bool = False, lines: range | None = None) -> Cost:
        """The core path's cost (or the extras'), in all the episode or within ``lines``."""
        total = Cost()
        for cell in episode.cells:
            if cell.optional == optional and (lines is None or cell.line in lines):
                total += self.cell_cost(episode, cell)
        for exercise in episode.exercises:
            if exercise.optional == optional and (lines is None or exercise.block.line in lines):
                total += Cost(exercises=exercise_minutes(exercise))
        return total

    def section_cost(self, episode: Episode, heading: Heading) -> Cost:
        """The core cost of a heading's section, its subsections included."""
        after = [other.line for other in episode.page.headings
                 if other.line > heading.line and other.level <= heading.level]
        return self.cost(episode, lines=range(heading.line, min(after, default=10**9)))

    def when_late(self, episode: Episode) -> list[tuple[str, float | None]]:
        """The front matter's ``when_late`` items with the minutes each saves (None: not a core item)."""
        items = episode.page.front_matter.get("when_late") or []
        headings = {heading.text.strip(): heading for heading in episode.page.headings}
        exercises = {exercise.label: exercise for exercise in episode.exercises}
        found: list[tuple[str, float | None]] = []
        for item in items if isinstance(items, list) else [items]:
            item = str(item)
            if item in exercises and not exercises[item].optional:
                found.append((f"exercise “{exercises[item].title}”", exercise_minutes(exercises[item])))
            elif item in headings and not episode.in_optional_section(headings[item].line + 1):
                found.append((f"section “{item}”", self.section_cost(episode, headings[item]).minutes))
            else:
                found.append((item, None))
        return found


def whole_minutes(minutes: float) -> int:
    return math.ceil(minutes - 1e-9)


def main() -> int:
    clock = Clock()
    total = 0
    for episode in read_episodes():
        core, extras = clock.cost(episode), clock.cost(episode, optional=True)
        total += whole_minutes(core.teaching) + whole_minutes(core.exercises)
        print(f"{episode.name}: core {whole_minutes(core.teaching)} + {whole_minutes(core.exercises)} min "
              f"(declared {episode.minutes('teaching')} + {episode.minutes('exercises')}); taught "
              f"{core.taught_lines}, provided {core.provided_lines} lines, training {core.training_s:.0f} s; "
              f"extras {whole_minutes(extras.teaching)} + {whole_minutes(extras.exercises)} min "
              f"(declared teaching_optional {episode.minutes('teaching_optional')})")
        for heading in episode.page.headings:
            if heading.level == 2 and not episode.in_optional_section(heading.line + 1):
                cost = clock.section_cost(episode, heading)
                print(f"    {cost.minutes:5.1f} min  {heading.text}")
        for item, saves in clock.when_late(episode):
            print(f"    when late: {item}: " + (f"saves {saves:.0f} min" if saves is not None else "NOT A CORE ITEM"))
        for missing in (core + extras).unmeasured:
            print(f"    unmeasured training cell: {missing}")
    print(f"core path of the whole lesson: {total} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
