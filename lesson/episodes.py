"""What an episode is: its page, its code cells with their roles, its sections and exercises.

The one place that knows it. The book's extensions (schedule, key points, learner
downloads), the lesson checks, the learner files, the nbval preparation, the
benchmark and the backend runs all take episodes from :func:`read_episodes`.

- A code cell has one role, given by a tag (see ``instructors/conventions.md``):
  ``taught`` (a learner types it), ``provided`` (ready-made in the handout) or
  ``build-only`` (glue and hidden assertions, never in a learner's file).
- A ``##`` or ``###`` section whose heading ends with ``(optional)`` is an extra,
  with its subsections; the rest is the one-day core path.
- An exercise states ``:minutes:`` and, when it is an extra, ``:optional:``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from lesson.sources import Block, Heading, Page, read_page, source_of, toc_files

REPOSITORY = Path(__file__).resolve().parent.parent
EPISODE_FOLDER = "episodes/"
ROLES = ("taught", "provided", "build-only")
TAUGHT, PROVIDED, BUILD_ONLY = ROLES
OPTIONAL_MARK = "(optional)"
# What an exercise asks of a room (``:kind:``); lesson.timing gives each a floor of minutes.
EXERCISE_KINDS = ("question", "discussion", "code")
REF_ROLE = re.compile(r"\{ref\}`(?:[^`<]*<)?([^`<>]+)>?`")


def is_optional_heading(heading: Heading) -> bool:
    return heading.text.rstrip().lower().endswith(OPTIONAL_MARK)


def typed_lines(code: str) -> int:
    """Lines a learner types: neither blank nor a comment."""
    return sum(1 for line in code.splitlines() if line.strip() and not line.lstrip().startswith("#"))


@dataclass(frozen=True)
class Cell:
    """One code cell of an episode, where it sits, and its role."""

    block: Block
    section: Heading | None  # the heading it sits under (None before the first section)
    optional: bool  # in an optional section

    @property
    def source(self) -> str:
        return self.block.body

    @property
    def line(self) -> int:
        return self.block.line

    @property
    def tags(self) -> list[str]:
        tags = self.block.options.get("tags") or []
        return [str(tag) for tag in tags] if isinstance(tags, list) else [str(tags)]

    @property
    def roles(self) -> list[str]:
        return [tag for tag in self.tags if tag in ROLES]

    @property
    def role(self) -> str | None:
        """The cell's role, or None when it has none or several (the checks report both)."""
        return self.roles[0] if len(self.roles) == 1 else None

    @property
    def section_title(self) -> str:
        return self.section.text if self.section else ""

    @property
    def typed_lines(self) -> int:
        return typed_lines(self.source)


@dataclass(frozen=True)
class Exercise:
    """An ``{exercise}`` block: its label, title, minutes and whether it is an extra."""

    block: Block
    in_optional_section: bool

    @property
    def label(self) -> str:
        return self.block.label

    @property
    def title(self) -> str:
        return self.block.argument

    @property
    def minutes(self) -> int | None:
        value = str(self.block.options.get("minutes", "")).strip()
        return int(value) if value.isdigit() else None

    @property
    def kind(self) -> str | None:
        value = str(self.block.options.get("kind", "")).strip()
        return value if value in EXERCISE_KINDS else None

    @property
    def marked_optional(self) -> bool:
        return "optional" in self.block.options

    @property
    def optional(self) -> bool:
        return self.marked_optional or self.in_optional_section


@dataclass(frozen=True)
class Episode:
    """One episode of the lesson, read from its MyST source."""

    number: int
    docname: str  # as in _toc.yml, e.g. episodes/02-build-a-cnn
    path: Path

    @cached_property
    def page(self) -> Page:
        return read_page(self.path)

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def title(self) -> str:
        return self.page.title

    def minutes(self, key: str) -> int:
        """A whole number of minutes from the front matter (0 when it is missing or not a number)."""
        value = self.page.front_matter.get(key, 0)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    @cached_property
    def optional_headings(self) -> list[Heading]:
        """Headings inside an optional section (the optional headings themselves included)."""
        inside: list[Heading] = []
        level = None  # level of the optional heading we are under
        for heading in self.page.headings:
            if level is not None and heading.level <= level:
                level = None
            if level is None and heading.level > 1 and is_optional_heading(heading):
                level = heading.level
            if level is not None:
                inside.append(heading)
        return inside

    def heading_before(self, line: int) -> Heading | None:
        before = [heading for heading in self.page.headings if heading.line < line]
        return before[-1] if before else None

    def in_optional_section(self, line: int) -> bool:
        heading = self.heading_before(line)
        return heading is not None and any(heading is inside for inside in self.optional_headings)

    @cached_property
    def cells(self) -> list[Cell]:
        """The code cells, in order."""
        return [Cell(block, self.heading_before(block.line), self.in_optional_section(block.line))
                for block in self.page.blocks_named("code-cell") if block.parent is None]

    @cached_property
    def exercises(self) -> list[Exercise]:
        return [Exercise(block, self.in_optional_section(block.line))
                for block in self.page.blocks_named("exercise")]

    @property
    def objectives(self) -> list[str]:
        """The bullets of the objectives block, each as one line of text."""
        items: list[str] = []
        for block in self.page.admonitions_of_class("objectives"):
            for line in block.body.splitlines():
                if re.match(r"^\s*[-*] ", line):
                    items.append(re.sub(r"^\s*[-*] ", "", line).strip())
                elif line.strip() and items:
                    items[-1] += " " + line.strip()
        return items

    @staticmethod
    def referenced_labels(text: str) -> list[str]:
        return REF_ROLE.findall(text)


def read_episodes(root: Path = REPOSITORY) -> list[Episode]:
    """Every episode that _toc.yml lists, numbered in its order."""
    episodes: list[Episode] = []
    for docname in toc_files(root / "_toc.yml"):
        if docname.startswith(EPISODE_FOLDER):
            episodes.append(Episode(len(episodes) + 1, docname, source_of(root, docname)))
    return episodes


def select(episodes: list[Episode], prefixes: list[str]) -> list[Episode]:
    """The episodes whose file names start with one of ``prefixes`` (all when there are none)."""
    return [episode for episode in episodes
            if not prefixes or any(episode.name.startswith(prefix) for prefix in prefixes)]
