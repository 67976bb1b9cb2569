"""Sphinx extension: the lesson's summary pages, computed from the episodes at build time.

``{lesson-keypoints}`` gathers the key points block (``:class: keypoints``) of
every episode in _toc.yml; ``{lesson-schedule}`` adds up each episode's
``teaching`` and ``exercises`` minutes into a timetable with setup and breaks.
Both note every episode as a dependency, so editing an episode rebuilds them.
(Jupyter Book itself adds ``_static/lesson.css`` and ``_static/lesson.js``: the
block colours and the learner/instructor view switch.) Every page depends on those
two files: Sphinx copies static files only when it writes a page, so without that
an edit to them alone would never reach _build/html.
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

from lesson_sources import Page, read_page, source_of, toc_files

EPISODE_FOLDER = "episodes/"


# {glue}`key`, {glue:text}`key:format` and the like, not yet naming another document.
GLUE_ROLE = re.compile(r"\{(glue(?::\w+)?)\}`(?![^`]*::)([^`]+)`")


@dataclass(frozen=True)
class Episode:
    number: int
    docname: str
    page: Page

    @property
    def link(self) -> str:
        return f"[{self.number}. {self.page.title}](/{self.docname}.md)"

    def glue_from_here(self, markdown: str) -> str:
        """Point the episode's glue roles at the episode, for use on another page."""
        return GLUE_ROLE.sub(lambda role: f"{{{role[1]}}}`/{self.docname}.md::{role[2]}`", markdown)

    @property
    def minutes(self) -> int:
        return int(self.page.front_matter.get("teaching", 0)) + int(self.page.front_matter.get("exercises", 0))


class EpisodeDirective(SphinxDirective):
    """A directive that reads the episodes listed in _toc.yml and renders Markdown from them."""

    def episodes(self) -> list[Episode]:
        root = Path(self.env.srcdir)
        toc = root / str(getattr(self.config, "external_toc_path", "_toc.yml"))
        self.env.note_dependency(str(toc))
        episodes = []
        for docname in toc_files(toc):
            if docname.startswith(EPISODE_FOLDER):
                path = source_of(root, docname)
                self.env.note_dependency(str(path))
                episodes.append(Episode(len(episodes) + 1, docname, read_page(path)))
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
            points = "\n\n".join(episode.glue_from_here(block.body.strip()) for block in blocks) \
                or "(This episode has no key points yet.)"
            sections.append(f"## {episode.link}\n\n{points}\n")
        return self.render("\n".join(sections))


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def parse_clock(text: str) -> int:
    hours, _, minutes = text.partition(":")
    return int(hours) * 60 + int(minutes or 0)


class ScheduleDirective(EpisodeDirective):
    """A timetable: setup, then each episode, with a break whenever ~90 minutes have passed."""

    option_spec = {
        "start": directives.unchanged,           # clock time of the start, default 09:00
        "setup": directives.nonnegative_int,     # minutes to check everyone's setup, default 15
        "break": directives.nonnegative_int,     # minutes of each break, default 15
        "break-after": directives.positive_int,  # longest stretch without a break, default 90
    }

    def run(self) -> list[nodes.Node]:
        options: dict[str, Any] = self.options
        start = parse_clock(options.get("start", "09:00"))
        setup, pause, stretch = options.get("setup", 15), options.get("break", 15), options.get("break-after", 90)
        rows = [f"| {clock(start)} | Setup: everyone runs `python check_setup.py` ([Setup](/learners/setup.md)) "
                f"| {setup} | |"]
        now, since_break, taught = start + setup, setup, 0
        for episode in self.episodes():
            if since_break and since_break + episode.minutes > stretch:
                rows.append(f"| {clock(now)} | Break | {pause} | |")
                now, since_break = now + pause, 0
            front = episode.page.front_matter
            note = " (break halfway)" if episode.minutes > stretch else ""
            rows.append(f"| {clock(now)} | {episode.link}{note} | {front.get('teaching', 0)} "
                        f"| {front.get('exercises', 0)} |")
            now, since_break, taught = now + episode.minutes, since_break + episode.minutes, taught + episode.minutes
        rows.append(f"| {clock(now)} | Finish | | |")
        table = "| Time | Episode | Teaching (min) | Exercises (min) |\n| --- | --- | --: | --: |\n" + "\n".join(rows)
        summary = (f"Teaching and exercises take {duration(taught)}; with setup and breaks the lesson "
                   f"takes {duration(now - start)}.")
        return self.render(f"{table}\n\n{summary}\n")


class TimedExercise(ExerciseDirective):
    """sphinx-exercise's ``exercise``, plus the minutes it takes and whether it is optional.

    ``:minutes: 10`` is required; ``:optional:`` marks an extra beyond the one-day core path.
    Both show as a first line in the exercise ("Core · 10 min"), and the lesson checks add
    the core exercises' minutes up against the episode's ``exercises`` minutes.
    """

    option_spec = {**ExerciseDirective.option_spec,
                   "minutes": directives.positive_int, "optional": directives.flag}

    def run(self) -> list[nodes.Node]:
        minutes = self.options.pop("minutes", None)
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
    app.add_directive("exercise", TimedExercise, override=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
