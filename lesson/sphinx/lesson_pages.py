"""Sphinx extension: the lesson's summary pages, computed from the episodes at build time.

- ``{lesson-keypoints}`` gathers the key points block (``:class: keypoints``) of every episode.
- ``{lesson-schedule}`` lays the episodes out in time: ``:plan: one-day`` teaches each
  episode's core path, ``:plan: two-day`` adds its extras (optional sections and
  exercises); setup, breaks and lunch are counted in the clock.
- ``{lesson-budget}`` tabulates, per episode, the minutes it declares against the lines a
  learner types and the minutes of its exercises, and which exercise checks each objective.
- ``exercise`` is sphinx-exercise's directive plus ``:minutes:`` and ``:optional:``.

Every directive notes the episodes as dependencies, so editing one rebuilds the pages.
Every page depends on ``_static/``: Sphinx copies static files only when it writes a page,
so without that an edit to them alone would never reach _build/html.
"""

from __future__ import annotations

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

from lesson.episodes import EXERCISE_KINDS, Episode, read_episodes

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

def clock(minutes: int) -> str:
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
    end: int = 16 * 60  # no teaching after this
    shortest_part: int = 20  # never split off a piece of an episode shorter than this


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
    for what, minutes in parts:
        left, piece = minutes, 0
        while left > 0:
            room = min(day.stretch - since_break, day.end - now)
            take = min(left, room)
            if 0 < left - take < day.shortest_part:  # do not leave a crumb for after the break
                take = left - day.shortest_part
            if take < min(left, day.shortest_part):
                if day.end - now < min(left, day.shortest_part):  # the day is over
                    number, now, since_break, lunched = number + 1, day.start, 0, False
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
    return slots


def schedule_table(slots: list[Slot]) -> str:
    days = sorted({slot.day for slot in slots})
    rows = []
    for number in days:
        day_slots = [slot for slot in slots if slot.day == number]
        for slot in day_slots:
            prefix = f"Day {number}, " if len(days) > 1 else ""
            rows.append(f"| {prefix}{clock(slot.start)} | {slot.what} | {slot.minutes} |")
        last = day_slots[-1]
        rows.append(f"| {'Day %d, ' % number if len(days) > 1 else ''}{clock(last.start + last.minutes)} "
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
    }

    def run(self) -> list[nodes.Node]:
        options: dict[str, Any] = self.options
        day = Day(start=parse_clock(options.get("start", "09:00")), setup=options.get("setup", 15),
                  pause=options.get("break", 15), lunch=options.get("lunch", 60),
                  stretch=options.get("break-after", 90), end=parse_clock(options.get("end", "16:00")))
        two_days = options.get("plan", "one-day") == "two-day"
        parts: list[tuple[str, int]] = []
        for episode in self.episodes():
            parts.append((episode_link(episode), episode.core_minutes))
            if two_days and episode.optional_minutes:
                parts.append((f"{episode_link(episode)}: extras", episode.optional_minutes))
        slots = timetable(parts, day)
        taught = sum(slot.minutes for slot in slots if slot.teaching)
        days = slots[-1].day
        ends = slots[-1].start + slots[-1].minutes
        summary = (f"Teaching and exercises take {duration(taught)}; with setup, breaks and lunch the "
                   f"plan takes {days} day{'s' if days > 1 else ''} and ends at {clock(ends)}.")
        return self.render(f"{schedule_table(slots)}\n\n{summary}\n")


class BudgetDirective(EpisodeDirective):
    """Per episode: declared minutes against typed lines and exercise minutes; objectives' exercises."""

    def run(self) -> list[nodes.Node]:
        rows, objectives = [], []
        for episode in self.episodes():
            rows.append(
                f"| {episode_link(episode)} | {episode.minutes('teaching')} / {episode.taught_lines()} "
                f"| {episode.minutes('exercises')} / {episode.exercise_minutes()} "
                f"| {episode.minutes('teaching_optional')} / {episode.taught_lines(optional=True)} "
                f"/ {episode.exercise_minutes(optional=True)} |")
            titles = {exercise.label: exercise.title for exercise in episode.exercises}
            for objective in episode.objectives:
                checked_by = ", ".join(f"*{titles.get(label, label)}*"
                                       for label in episode.referenced_labels(objective)) or "(none)"
                objectives.append(f"| {episode.number} | {strip_refs(objective)} | {checked_by} |")
        table = ("| Episode | Core teaching: minutes / typed lines | Core exercises: minutes declared / "
                 "minutes of the exercises | Extras: teaching minutes / typed lines / exercise minutes |\n"
                 "| --- | --: | --: | --: |\n" + "\n".join(rows))
        checks = "| Episode | Objective | Checked by |\n| --: | --- | --- |\n" + "\n".join(objectives)
        return self.render(f"{table}\n\n{checks}\n")


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
    app.add_directive("exercise", TimedExercise, override=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
