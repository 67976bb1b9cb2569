"""lesson/checks.py: the real lesson passes every rule, and each rule catches a bad page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPOSITORY, notebook_header
from lesson import checks as lesson_checks
from lesson.checks import Book, Problem, check_book, read_book
from lesson.sources import read_page
from lesson.timing import Clock

EPISODE_HEADER = notebook_header(teaching=30, exercises=15, teaching_optional=5)
GOOD_EPISODE = EPISODE_HEADER.removesuffix("---\n") + "when_late:\n  - good-draw-a-line\n---\n" + """
# A good episode

:::{admonition} Questions
:class: questions
- What does a good episode hold?
:::

:::{admonition} Objectives
:class: objectives
- Write an episode that passes the checks ({ref}`good-draw-a-line`).
:::

## 1. Look at a figure

![A cat sits on a mat.](../fig/cat.png)

:::{figure} ../fig/cat.png
:alt: A cat sits on a mat.
A cat.
:::

```{code-cell} ipython3
---
tags: [taught]
mystnb:
  image:
    alt: A straight line rises from the bottom left to the top right.
---
import matplotlib.pyplot as plt

plt.plot([0, 1], [0, 1])
```

```{code-cell} ipython3
:tags: [build-only, remove-cell]
from myst_nb import glue

slope = 1
glue("good_slope", slope, display=False)
```

```{code-cell} ipython3
:tags: [provided]
import matplotlib.pyplot as plt
```

See [the section on figures](#1-look-at-a-figure), the [glossary](../learners/reference.md#glossary)
and an {term}`epoch`. A Python comment in a cell is no heading:

```{code-cell} ipython3
:tags: [taught]
# Not a heading
print("here")
```

A cell that only defines a plotting function draws nothing, so it needs no alt text:

```{code-cell} ipython3
:tags: [provided]
def plot_line():
    slope = -1  # a local name, not the build-only one
    plt.plot([0, 1], [1, 1 + slope])
    plt.show()
```

::::{exercise} Draw a line
:label: good-draw-a-line
:kind: discussion
:minutes: 10
Draw a line.
::::

:::{solution} good-draw-a-line
:class: dropdown
Call `plt.plot`, because it draws lines.
:::

:::{admonition} Keypoints
:class: keypoints
- A good episode passes the checks.
:::

## 2. Go further (optional)

```{code-cell} ipython3
:tags: [taught]
plot_line()
```

::::{exercise} Draw a curve
:label: good-draw-a-curve
:kind: discussion
:minutes: 10
:optional:
Draw a curve.
::::
"""
REFERENCE = """# Reference

(terms)=
## Glossary

:::{glossary}
Epoch
  One pass over the training set.
:::
"""


def write_book(root: Path, episode: str, extra_pages: dict[str, str] | None = None) -> Book:
    """A small book: an index, one episode, a glossary, a figure, and _config.yml's exclusions."""
    pages = {"index.md": "# Index\n\n[The episode](episodes/01-good.md)\n",
             "episodes/01-good.md": episode, "learners/reference.md": REFERENCE, **(extra_pages or {})}
    for name, text in pages.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "fig").mkdir(exist_ok=True)
    (root / "fig" / "cat.png").write_bytes(b"\x89PNG")
    shutil.copy(REPOSITORY / "_config.yml", root / "_config.yml")
    chapters = "".join(f"  - file: {name[:-3]}\n" for name in pages if name != "index.md")
    (root / "_toc.yml").write_text(f"format: jb-book\nroot: index\nchapters:\n{chapters}")
    return read_book(root)


def problems_of(tmp_path: Path, episode: str, **extra: str) -> list[Problem]:
    return check_book(write_book(tmp_path, episode, {name.replace("__", "/") + ".md": text
                                                     for name, text in extra.items()}))


def rules(problems: list[Problem]) -> set[str]:
    return {problem.rule for problem in problems}


def test_the_real_lesson_passes_every_check() -> None:
    problems = check_book(read_book(REPOSITORY))
    assert problems == [], "\n".join(map(str, problems))


def test_the_real_lesson_has_pages_and_a_glossary() -> None:
    book = read_book(REPOSITORY)
    assert len(book.pages) == len(book.docnames) >= 8
    assert {"epoch", "convolution", "transfer learning"} <= book.glossary


def test_a_good_episode_passes(tmp_path: Path) -> None:
    assert problems_of(tmp_path, GOOD_EPISODE) == []


def test_instructor_notes_and_code_may_speak_of_other_ways(tmp_path: Path) -> None:
    episode = GOOD_EPISODE.replace("# Not a heading", "# paste nothing here") + (
        "\n:::{admonition} Instructor note\n:class: instructor\nPaste the plotting cell yourself.\n:::\n")
    assert problems_of(tmp_path, episode) == []


def test_command_line_reports_problems_with_their_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    book = write_book(tmp_path, GOOD_EPISODE.replace(":alt: A cat sits on a mat.\n", ""))
    monkeypatch.setattr(lesson_checks, "read_book", lambda: book)
    assert lesson_checks.main() == 1
    assert "01-good.md:33: alt-text: the figure ../fig/cat.png has no :alt: text" in capsys.readouterr().out


BAD_EPISODES = {
    "figure without alt": ("alt-text", GOOD_EPISODE.replace(":alt: A cat sits on a mat.\n", "")),
    "figure alt over two lines": ("alt-text", GOOD_EPISODE.replace(":alt: A cat sits on a mat.\n",
                                                                   ":alt: A cat sits\n  on a mat.\n")),
    "empty markdown alt": ("alt-text", GOOD_EPISODE.replace("![A cat sits on a mat.]", "![]")),
    "html image without alt": ("alt-text", GOOD_EPISODE + '\n<img src="../fig/cat.png">\n'),
    "plotting cell without alt": ("alt-text", GOOD_EPISODE.replace(
        "    alt: A straight line rises from the bottom left to the top right.\n", "    width: 50%\n")),
    "missing local file": ("local-links", GOOD_EPISODE.replace("../learners/reference.md#", "../learners/nothing.md#")),
    "missing anchor": ("local-links", GOOD_EPISODE.replace("#1-look-at-a-figure", "#2-no-such-section")),
    "missing anchor in another page": ("local-links", GOOD_EPISODE.replace("reference.md#glossary", "reference.md#nope")),
    "label of another page as an anchor": ("local-links", GOOD_EPISODE.replace("reference.md#glossary", "reference.md#terms")),
    "missing figure file": ("local-links", GOOD_EPISODE.replace(":::{figure} ../fig/cat.png", ":::{figure} ../fig/dog.png")),
    "vague link text": ("link-text", GOOD_EPISODE.replace("[the section on figures]", "[Click here]")),
    "vague role text": ("link-text", GOOD_EPISODE + "\nSee {doc}`more <../learners/reference>`.\n"),
    "second title": ("headings", GOOD_EPISODE.replace("## 1. Look at a figure", "# 1. Look at a figure")),
    "skipped level": ("headings", GOOD_EPISODE.replace("## 1. Look at a figure", "### 1. Look at a figure")),
    "no title first": ("headings", GOOD_EPISODE.replace("# A good episode\n", "")),
    "no questions": ("episode-blocks", GOOD_EPISODE.replace(":class: questions", ":class: callout")),
    "no objectives": ("episode-blocks", GOOD_EPISODE.replace(":class: objectives", ":class: note")),
    "no keypoints": ("episode-blocks", GOOD_EPISODE.replace(":class: keypoints", "")),
    "minutes as text": ("episode-blocks", GOOD_EPISODE.replace("teaching: 30", "teaching: half an hour")),
    "no exercises minutes": ("episode-blocks", GOOD_EPISODE.replace("exercises: 15\n", "")),
    "solution names no exercise": ("solutions", GOOD_EPISODE.replace(
        ":::{solution} good-draw-a-line", ":::{solution} good-draw-a-circle")),
    "solution apart from its exercise": ("solutions", GOOD_EPISODE.replace(
        "::::\n\n:::{solution}", "::::\n\nSome words in between.\n\n:::{solution}")),
    "exercise without label": ("solutions", GOOD_EPISODE.replace(":label: good-draw-a-curve\n", "")),
    "unknown glossary term": ("glossary-terms", GOOD_EPISODE.replace("{term}`epoch`", "{term}`epochs <epok>`")),
    "cell without a role": ("cell-roles", GOOD_EPISODE.replace(":tags: [provided]\nimport", "import")),
    "cell with two roles": ("cell-roles", GOOD_EPISODE.replace(":tags: [provided]\nimport", ":tags: [provided, taught]\nimport")),
    "build-only cell shown": ("cell-roles", GOOD_EPISODE.replace(":tags: [build-only, remove-cell]", ":tags: [build-only]")),
    "taught cell hidden": ("cell-roles", GOOD_EPISODE.replace(":tags: [taught]\n# Not", ":tags: [taught, remove-cell]\n# Not")),
    "glue in a provided cell": ("cell-roles", GOOD_EPISODE.replace("import matplotlib.pyplot as plt\n```",
                                                                   "import matplotlib.pyplot as plt\nfrom myst_nb import glue\n```")),
    "learner code needs a build-only name": ("build-only-names", GOOD_EPISODE.replace(
        'print("here")', 'print("here", slope)')),
    "exercise without minutes": ("exercise-minutes", GOOD_EPISODE.replace(":minutes: 10\nDraw a line.", "Draw a line.")),
    "exercise without kind": ("exercise-minutes", GOOD_EPISODE.replace(":kind: discussion\n:minutes: 10\nDraw a line.",
                                                                       ":minutes: 10\nDraw a line.").replace("exercises: 15", "exercises: 17")),
    "exercise below its kind's floor": ("exercise-minutes", GOOD_EPISODE.replace(":kind: discussion\n:minutes: 10\nDraw a line.",
                                                                                 ":kind: code\n:minutes: 10\nDraw a line.").replace("exercises: 15", "exercises: 17")),
    "optional section, exercise not marked": ("exercise-minutes", GOOD_EPISODE.replace(":optional:\n", "")),
    "core exercises longer than declared": ("clock", GOOD_EPISODE.replace("exercises: 15", "exercises: 5")),
    "more typed lines than minutes": ("clock", GOOD_EPISODE.replace("teaching: 30", "teaching: 2")),
    "provided lines not counted": ("clock", GOOD_EPISODE.replace("teaching: 30", "teaching: 3")),
    "more optional typed lines than minutes": ("clock", GOOD_EPISODE.replace("teaching_optional: 5", "teaching_optional: 0")),
    "no optional teaching minutes": ("clock", GOOD_EPISODE.replace("teaching_optional: 5\n", "")),
    "training cell never measured": ("clock", GOOD_EPISODE.replace('print("here")', 'print("here")\nmodel.fit(x, y)')),
    "no running-late list": ("when-late", GOOD_EPISODE.replace("when_late:\n  - good-draw-a-line\n", "")),
    "running-late list names an extra": ("when-late", GOOD_EPISODE.replace("  - good-draw-a-line\n",
                                                                           "  - good-draw-a-curve\n")),
    "core cell needs an optional name": ("optional-names", GOOD_EPISODE + "\n```{code-cell} ipython3\n:tags: [provided]\n"
                                         "curve = 2\n```\n\n## 3. Back on the core path\n\n```{code-cell} ipython3\n"
                                         ":tags: [provided]\nprint(curve)\n```\n"),
    "learners sent to paste": ("one-way", GOOD_EPISODE.replace("A Python comment in a cell is no heading:",
                                                                "Paste this cell; a comment is no heading:")),
    "learners sent to a notebook of their own": ("one-way", GOOD_EPISODE.replace(
        "A Python comment in a cell is no heading:", "Open a new notebook; a comment is no heading:")),
    "objective without exercise": ("objective-exercises", GOOD_EPISODE.replace(" ({ref}`good-draw-a-line`)", "")),
    "objective checked only by an optional exercise": ("objective-exercises", GOOD_EPISODE.replace(
        "({ref}`good-draw-a-line`)", "({ref}`good-draw-a-curve`)")),
}


@pytest.mark.parametrize("name", BAD_EPISODES)
def test_each_rule_catches_its_bad_page(tmp_path: Path, name: str) -> None:
    rule, episode = BAD_EPISODES[name]
    assert rules(problems_of(tmp_path, episode)) == {rule}


def test_every_rule_has_a_bad_page() -> None:
    every_rule = set(lesson_checks.PAGE_RULES) | set(lesson_checks.EPISODE_RULES) | {"toc"}
    assert every_rule == {rule for rule, _ in BAD_EPISODES.values()} | {"toc"}


def test_taught_lines_count_neither_blanks_nor_comments(tmp_path: Path) -> None:
    book = write_book(tmp_path, GOOD_EPISODE)
    episode = book.episode(book.pages["episodes/01-good"])
    # core: 2 lines in the plotting cell and 1 in the print cell; the optional section: 1.
    core, extras = Clock([]).cost(episode), Clock([]).cost(episode, optional=True)
    assert (core.taught_lines, extras.taught_lines) == (3, 1)
    assert (core.exercises, extras.exercises) == (10, 10)


def test_a_page_missing_from_the_toc_is_caught(tmp_path: Path) -> None:
    book = write_book(tmp_path, GOOD_EPISODE)
    (tmp_path / "learners" / "forgotten.md").write_text("# Forgotten\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "notes.md").write_text("# Excluded by _config.yml\n")
    problems = check_book(book)
    assert [(problem.rule, problem.path.name) for problem in problems] == [("toc", "forgotten.md")]


def test_a_toc_entry_without_a_file_is_caught(tmp_path: Path) -> None:
    write_book(tmp_path, GOOD_EPISODE)
    with (tmp_path / "_toc.yml").open("a") as toc:
        toc.write("  - file: learners/missing\n")
    problems = check_book(read_book(tmp_path))
    assert [(problem.rule, "missing" in problem.message) for problem in problems] == [("toc", True)]


def test_a_solution_inside_its_exercise_or_a_second_solution_passes(tmp_path: Path) -> None:
    nested = GOOD_EPISODE.replace("Draw a line.\n::::\n\n:::{solution} good-draw-a-line\n:class: dropdown\n"
                                  "Call `plt.plot`, because it draws lines.\n:::\n",
                                  "Draw a line.\n\n:::{solution} good-draw-a-line\n:class: dropdown\nCall it.\n:::\n::::\n")
    assert nested != GOOD_EPISODE
    assert problems_of(tmp_path, nested) == []
    second = GOOD_EPISODE.replace("lines.\n:::\n", "lines.\n:::\n\n:::{solution} good-draw-a-line\n:class: dropdown\n"
                                  "Or use `ax.plot`, because axes draw too.\n:::\n")
    assert problems_of(tmp_path, second) == []


def test_code_in_fences_is_not_read_as_markdown(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n````markdown\n# Not a title\n[here](missing.md)\n![](x.png)\n````\n")
    parsed = read_page(page)
    assert [heading.text for heading in parsed.headings] == ["Title"] and parsed.links == []
