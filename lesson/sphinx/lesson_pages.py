"""Sphinx extension: the lesson's summary pages, computed from the episodes at build time.

- ``{lesson-keypoints}`` gathers the key points block (``:class: keypoints``) of every episode.
- ``{lesson-schedule}`` lays the episodes out in time, by the workshop clock: ``:plan: one-day``
  teaches each episode's core path, ``:plan: two-day`` adds its extras (optional sections and
  exercises); setup, breaks, lunch, a recap each morning after the first and a wrap-up at the end
  of each day are on the clock too.
- ``{lesson-budget}`` tabulates, per episode, the minutes it declares against what the workshop
  clock (``lesson.timing``) counts, and which exercise checks each objective.
- ``{lesson-when-late}`` lists each episode's ``when_late`` items with the minutes each saves.
- ``{lesson-training-cells}`` lists every training cell's measured time (data/training-cells.csv).
- ``{lesson-ingredients}`` tabulates the ingredients benchmark's saved runs (data/ingredients.csv).
- ``exercise`` is sphinx-exercise's directive plus ``:minutes:`` and ``:optional:``.

Every directive notes the episodes as dependencies, so editing one rebuilds the pages.
Every page depends on ``_static/``: Sphinx copies static files only when it writes a page,
so without that an edit to them alone would never reach _build/html.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx_exercise.directive import ExerciseDirective

from lesson.episodes import EXERCISE_KINDS, OPTIONAL_MARK, Episode, read_episodes
from lesson.timing import INGREDIENTS_TABLE, LAPTOP_FACTOR, TRAINING_CELLS, Clock, fit_line, read_training_times, whole_minutes

# {glue}`key`, {glue:text}`key:format` and the like, not yet naming another document.
GLUE_ROLE = re.compile(r"\{(glue(?::\w+)?)\}`(?![^`]*::)([^`]+)`")


def episode_link(episode: Episode) -> str:
    return f"[{episode.number}. {episode.title}](/{episode.docname}.md)"


def glue_from_here(episode: Episode, markdown: str) -> str:
    """Point the episode's glue roles at the episode, for use on another page."""
    return GLUE_ROLE.sub(lambda role: f"{{{role[1]}}}`/{episode.docname}.md::{role[2]}`", markdown)


class EpisodeDirective(SphinxDirective):
    """A directive that reads the episodes listed in _toc.yml and renders Markdown from them."""

    def episodes(self) -> list[Episode]:
        root = Path(self.env.srcdir)
        self.env.note_dependency(str(root / "_toc.yml"))
        episodes = read_episodes(root)
        for episode in episodes:
            self.env.note_dependency(str(episode.path))
        return episodes

    def clock(self) -> Clock:
        """The workshop clock, with the measured training times (a dependency of the page)."""
        self.env.note_dependency(str(TRAINING_CELLS))
        return Clock()

    def render(self, markdown: str) -> list[nodes.Node]:
        """Parse generated MyST Markdown (headings allowed) in place of the directive."""
        container = nodes.container()
        self.state.nested_parse(StringList(markdown.splitlines(), source=self.env.docname),
                                self.content_offset, container, match_titles=True)
        return container.children


class KeypointsDirective(EpisodeDirective):
    """Every episode's key points, under the episode's title."""

    def run(self) -> list[nodes.Node]:
        sections = []
        for episode in self.episodes():
            blocks = episode.page.admonitions_of_class("keypoints")
            points = "\n\n".join(glue_from_here(episode, block.body.strip()) for block in blocks) \
                or "(This episode has no key points yet.)"
            sections.append(f"## {episode_link(episode)}\n\n{points}\n")
        return self.render("\n".join(sections))


# The timetable ---------------------------------------------------------------------------------

def clock_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def parse_clock(text: str) -> int:
    hours, _, minutes = str(text).partition(":")
    return int(hours) * 60 + int(minutes or 0)


@dataclass(frozen=True)
class Slot:
    day: int
    start: int  # minutes after midnight
    minutes: int
    what: str
    teaching: bool  # episode time, as opposed to setup, breaks and lunch


@dataclass(frozen=True)
class Day:
    start: int = 9 * 60
    setup: int = 15
    pause: int = 15
    lunch: int = 60
    lunch_from: int = 11 * 60 + 45  # the first break from then on is lunch
    stretch: int = 90  # longest stretch of teaching without a break
    end: int = 16 * 60  # the day ends here, its wrap-up included
    shortest_part: int = 20  # never split off a piece of an episode shorter than this
    wrap_up: int = 10  # the end of every day: what we learned, feedback
    recap: int = 15  # the start of every day but the first


WRAP_UP = "Wrap-up: what we learned, and feedback"


def timetable(parts: list[tuple[str, int]], day: Day = Day()) -> list[Slot]:
    """Lay ``parts`` (what, minutes) out over as many days as they need.

    A break comes whenever the next piece would make a stretch longer than ``day.stretch``;
    a part is split there (or at the end of the day) unless a piece would be shorter than
    ``day.shortest_part``, in which case the break comes first.
    """
    slots: list[Slot] = []
    number, now, since_break, lunched = 1, day.start, 0, False

    def add(minutes: int, what: str, teaching: bool) -> None:
        nonlocal now
        slots.append(Slot(number, now, minutes, what, teaching))
        now += minutes

    add(day.setup, "Setup: everyone runs `python check_setup.py` ([Setup](/learners/setup.md))", False)
    since_break = day.setup
    last_teaching = day.end - day.wrap_up
    for what, minutes in parts:
        left, piece = minutes, 0
        while left > 0:
            room = min(day.stretch - since_break, last_teaching - now)
            take = min(left, room)
            if 0 < left - take < day.shortest_part:  # do not leave a crumb for after the break
                take = left - day.shortest_part
            if take < min(left, day.shortest_part):
                if last_teaching - now < min(left, day.shortest_part):  # the day is over
                    add(day.wrap_up, WRAP_UP, False)
                    number, now, since_break, lunched = number + 1, day.start, 0, False
                    add(day.recap, "Recap of the day before; questions", False)
                    since_break = day.recap
                    continue
                if not lunched and now >= day.lunch_from:
                    add(day.lunch, "Lunch", False)
                    lunched = True
                else:
                    add(day.pause, "Break", False)
                since_break = 0
                continue
            piece += 1
            label = what if take == minutes else f"{what} ({'start' if piece == 1 else 'continued'})"
            add(take, label, True)
            left -= take
            since_break += take
    add(day.wrap_up, WRAP_UP, False)
    return slots


def schedule_table(slots: list[Slot]) -> str:
    days = sorted({slot.day for slot in slots})
    rows = []
    for number in days:
        day_slots = [slot for slot in slots if slot.day == number]
        for slot in day_slots:
            prefix = f"Day {number}, " if len(days) > 1 else ""
            rows.append(f"| {prefix}{clock_time(slot.start)} | {slot.what} | {slot.minutes} |")
        last = day_slots[-1]
        rows.append(f"| {'Day %d, ' % number if len(days) > 1 else ''}{clock_time(last.start + last.minutes)} "
                    f"| {'Finish' if number == days[-1] else 'End of the day'} | |")
    return "| Time | What | Minutes |\n| --- | --- | --: |\n" + "\n".join(rows)


class ScheduleDirective(EpisodeDirective):
    """A timetable of the core path (one day) or of everything (two days)."""

    option_spec = {
        "plan": lambda value: directives.choice(value, ("one-day", "two-day")),
        "start": directives.unchanged,
        "setup": directives.nonnegative_int,
        "break": directives.nonnegative_int,
        "lunch": directives.nonnegative_int,
        "break-after": directives.positive_int,
        "end": directives.unchanged,
        "wrap-up": directives.nonnegative_int,
        "recap": directives.nonnegative_int,
    }

    def run(self) -> list[nodes.Node]:
        options: dict[str, Any] = self.options
        day = Day(start=parse_clock(options.get("start", "09:00")), setup=options.get("setup", 15),
                  pause=options.get("break", 15), lunch=options.get("lunch", 60),
                  stretch=options.get("break-after", 90), end=parse_clock(options.get("end", "16:00")),
                  wrap_up=options.get("wrap-up", 10), recap=options.get("recap", 15))
        two_days = options.get("plan", "one-day") == "two-day"
        parts: list[tuple[str, int]] = []
        clock = self.clock()
        for episode in self.episodes():
            core, extras = clock.cost(episode), clock.cost(episode, optional=True)
            parts.append((episode_link(episode), whole_minutes(core.teaching) + whole_minutes(core.exercises)))
            if two_days and extras.minutes:
                parts.append((f"{episode_link(episode)}: extras",
                              whole_minutes(extras.teaching) + whole_minutes(extras.exercises)))
        slots = timetable(parts, day)
        taught = sum(slot.minutes for slot in slots if slot.teaching)
        days = slots[-1].day
        ends = slots[-1].start + slots[-1].minutes
        summary = (f"By the clock, teaching and exercises take {duration(taught)}; with setup, breaks, lunch "
                   f"and wrap-up the plan takes {days} day{'s' if days > 1 else ''} and ends at {clock_time(ends)}.")
        return self.render(f"{schedule_table(slots)}\n\n{summary}\n")


class BudgetDirective(EpisodeDirective):
    """Per episode: what the clock counts against what the episode declares; objectives' exercises."""

    def run(self) -> list[nodes.Node]:
        rows, objectives = [], []
        clock = self.clock()
        for episode in self.episodes():
            core, extras = clock.cost(episode), clock.cost(episode, optional=True)
            rows.append(
                f"| {episode_link(episode)} | {core.taught_lines} | {core.provided_lines} | {core.training_s:.0f} "
                f"| {whole_minutes(core.teaching)} / {episode.minutes('teaching')} "
                f"| {whole_minutes(core.exercises)} / {episode.minutes('exercises')} "
                f"| {whole_minutes(extras.teaching)} / {episode.minutes('teaching_optional')} "
                f"| {whole_minutes(extras.exercises)} |")
            titles = {exercise.label: exercise.title for exercise in episode.exercises}
            for objective in episode.objectives:
                checked_by = ", ".join(f"*{titles.get(label, label)}*"
                                       for label in episode.referenced_labels(objective)) or "(none)"
                objectives.append(f"| {episode.number} | {strip_refs(objective)} | {checked_by} |")
        table = ("| Episode | Core: taught lines | provided lines | training s (build machine) "
                 "| teaching min: clock / declared | exercise min: clock / declared "
                 "| Extras: teaching min: clock / declared | Extras: exercise min |\n"
                 "| --- | --: | --: | --: | --: | --: | --: | --: |\n" + "\n".join(rows))
        checks = "| Episode | Objective | Checked by |\n| --: | --- | --- |\n" + "\n".join(objectives)
        return self.render(f"{table}\n\n{checks}\n")


class WhenLateDirective(EpisodeDirective):
    """Per episode, the core items to demote first when the room runs late, with the minutes each saves."""

    def run(self) -> list[nodes.Node]:
        clock = self.clock()
        rows = []
        for episode in self.episodes():
            for order, (item, saves) in enumerate(clock.when_late(episode), start=1):
                rows.append(f"| {episode_link(episode) if order == 1 else ''} | {order}. {item} "
                            f"| {whole_minutes(saves or 0)} |")
        return self.render("| Episode | Demote, in this order | Saves (min) |\n| --- | --- | --: |\n"
                           + "\n".join(rows) + "\n")


class TrainingCellsDirective(EpisodeDirective):
    """Every training cell with its measured seconds (data/training-cells.csv) and a laptop's estimate."""

    def run(self) -> list[nodes.Node]:
        episodes = {episode.name: episode for episode in self.episodes()}
        self.env.note_dependency(str(TRAINING_CELLS))
        rows = []
        for row in read_training_times():
            episode = episodes.get(row.episode)
            if episode is None:
                continue
            optional = any(cell.optional for cell in episode.cells if fit_line(cell.source) == row.fit)
            extra = " (in an optional section)" if optional and OPTIONAL_MARK not in row.section.lower() else ""
            rows.append(f"| {episode.number} | {row.section}{extra} "
                        f"| `{row.fit[:48]}` | {row.epochs} | {row.seconds:.0f} | {row.seconds * LAPTOP_FACTOR:.0f} |")
        return self.render("| Episode | Section | Cell | Epochs | Seconds, build machine | Seconds, a laptop "
                           f"{LAPTOP_FACTOR:g}x slower |\n| --: | --- | --- | --- | --: | --: |\n" + "\n".join(rows) + "\n")


def ingredients_table(rows: list[dict[str, str]]) -> str:
    """Markdown for data/ingredients.csv: each variant's test accuracy, alone and with test-time
    flips (its "<variant> + tta" row), as mean ± half the range over the seeds."""
    tta = {row["variant"].removesuffix(" + tta"): row for row in rows if row["variant"].endswith(" + tta")}
    lines = ["| Variant | Test accuracy | With mirror images | Epochs run |", "| --- | --: | --: | --: |"]
    for row in rows:
        flipped = tta.get(row["variant"])
        if flipped is not None:
            lines.append(f"| `{row['variant']}` | {row['test_accuracy']} ± {row['test_spread']} "
                         f"| {flipped['test_accuracy']} ± {flipped['test_spread']} | {row['epochs_run']} |")
    return "\n".join(lines) + "\n"


class IngredientsDirective(EpisodeDirective):
    """The ingredients benchmark's saved table (data/ingredients.csv), so no figure is copied by hand."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(INGREDIENTS_TABLE))
        with INGREDIENTS_TABLE.open(newline="", encoding="utf-8") as file:
            return self.render(ingredients_table(list(csv.DictReader(file))))


def strip_refs(text: str) -> str:
    """An objective without its trailing ``({ref}`...`)`` references."""
    return re.sub(r"\s*\((?:[^()]*\{ref\}`[^`]*`[^()]*)\)\s*(?=[.]?$)", "", text).strip()


class TimedExercise(ExerciseDirective):
    """sphinx-exercise's ``exercise``, plus the minutes it takes and whether it is optional.

    ``:minutes: 10`` is required; ``:optional:`` marks an extra beyond the one-day core path.
    Both show as the exercise's first line ("Core · 10 min"); the lesson checks add the core
    exercises' minutes up against the episode's ``exercises`` minutes.
    """

    option_spec = {**ExerciseDirective.option_spec,
                   "minutes": directives.positive_int, "optional": directives.flag,
                   "kind": lambda value: directives.choice(value, EXERCISE_KINDS)}

    def run(self) -> list[nodes.Node]:
        minutes = self.options.pop("minutes", None)
        self.options.pop("kind", None)  # what the clock counts it as (lesson.timing)
        optional = self.options.pop("optional", False) is not False
        if minutes is None:
            raise self.error("an exercise needs :minutes: (whole minutes it takes in a workshop)")
        kind = "optional" if optional else "core"
        self.options["class"] = [*self.options.get("class", []), f"exercise-{kind}"]
        result = super().run()
        for node in result:
            section = next(iter(node.findall(nodes.section)), None)
            if section is not None:
                badge = nodes.paragraph("", f"{kind.capitalize()} · {minutes} min",
                                        classes=["exercise-time", f"exercise-time-{kind}"])
                section.insert(0, badge)
        return result


def depend_on_static_files(app: Sphinx, docname: str, source: list[str]) -> None:
    for path in sorted(Path(app.srcdir, "_static").glob("*.*")):
        app.env.note_dependency(str(path))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("source-read", depend_on_static_files)
    app.add_directive("lesson-keypoints", KeypointsDirective)
    app.add_directive("lesson-schedule", ScheduleDirective)
    app.add_directive("lesson-budget", BudgetDirective)
    app.add_directive("lesson-when-late", WhenLateDirective)
    app.add_directive("lesson-training-cells", TrainingCellsDirective)
    app.add_directive("lesson-ingredients", IngredientsDirective)
    app.add_directive("exercise", TimedExercise, override=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
