"""Check every page of the lesson against its conventions; print each problem with its line.

Usage (from the repository root; exit status 1 when a check finds a problem):

    python -m lesson.checks

Each rule is one function that takes a parsed page (or the whole book) and
returns the problems it finds. The conventions are shown, block by block, on
the page instructors/conventions.md; tests/test_lesson_checks.py runs every
rule on the real lesson and on a small bad page that each rule must catch.
"""

from __future__ import annotations

import ast
import builtins
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from lesson.episodes import BUILD_ONLY, EXERCISE_KINDS, REPOSITORY, ROLES, Cell, Episode
from lesson.names import defined_names, used_names
from lesson.timing import EXERCISE_FLOORS, Clock, exercise_floor, whole_minutes
from lesson.sources import Block, Page, glossary_terms, read_page, source_of, split_front_matter, toc_files

VAGUE_LINK_TEXTS = frozenset({"here", "click here", "link", "this", "more", "read more", "this link"})
PLOTTING_CALL = re.compile(r"\bplt\.|\bmatplotlib\b|\.plot\(|\bimshow\(|\bplot_model\(")
HIDDEN_OUTPUT_TAGS = frozenset({"remove-cell", "remove-output"})
EPISODE_BLOCKS = ("questions", "objectives", "keypoints")
EPISODE_FOLDER = "episodes"


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        try:
            where = self.path.relative_to(REPOSITORY)
        except ValueError:
            where = self.path
        return f"{where}:{self.line}: {self.rule}: {self.message}"


@dataclass
class Book:
    """The lesson's pages, in the order of _toc.yml."""

    root: Path
    docnames: list[str]
    pages: dict[str, Page]

    @property
    def glossary(self) -> set[str]:
        return glossary_terms(list(self.pages.values()))

    def is_episode(self, page: Page) -> bool:
        return page.path.parent == self.root / EPISODE_FOLDER

    def episode(self, page: Page) -> Episode:
        """The page as an episode (its cells, sections and exercises)."""
        docname = next(name for name, other in self.pages.items() if other is page)
        episode = Episode(self.docnames.index(docname) + 1, docname, page.path)
        episode.__dict__["page"] = page  # already parsed
        return episode


def read_book(root: Path = REPOSITORY) -> Book:
    """Parse every page that _toc.yml lists."""
    docnames = toc_files(root / "_toc.yml")
    pages = {name: read_page(source_of(root, name)) for name in docnames if source_of(root, name).is_file()}
    return Book(root, docnames, pages)


# Rule: every image and figure has alt text ----------------------------------------------

def top_level_code(code: str) -> str:
    """The cell's code without the bodies of the functions and classes it defines."""
    try:
        tree = ast.parse(code)
    except SyntaxError:  # IPython syntax: judge the whole cell
        return code
    definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return "\n".join(ast.get_source_segment(code, node) or "" for node in tree.body
                     if not isinstance(node, definitions))


def plotting_cell_lacks_alt(cell: Block) -> bool:
    """A code cell that draws a figure, shown on the page, with no alt text or caption."""
    tags = set(cell.options.get("tags") or [])
    if tags & HIDDEN_OUTPUT_TAGS:
        return False
    code = "\n".join(line for line in top_level_code(cell.body).splitlines()
                     if not re.match(r"\s*(import|from)\s", line) and not line.lstrip().startswith("#"))
    if not PLOTTING_CALL.search(code):
        return False
    mystnb = cell.options.get("mystnb") or {}
    image = mystnb.get("image") or {} if isinstance(mystnb, dict) else {}
    figure = mystnb.get("figure") or {} if isinstance(mystnb, dict) else {}
    return not (str(image.get("alt", "")).strip() or str(figure.get("caption", "")).strip())


def check_alt_text(page: Page) -> list[Problem]:
    """Figures and images carry :alt:, Markdown images alt text, plotting cells mystnb alt metadata."""
    problems = []
    for block in page.blocks_named("figure", "image"):
        if not str(block.options.get("alt", "")).strip():
            problems.append(Problem(page.path, block.line, "alt-text",
                                    f"the {block.name} {block.argument} has no :alt: text"))
        elif re.match(r"^[ \t]+\S", block.body):  # MyST ends a :key: value option at the line's end
            problems.append(Problem(page.path, block.line, "alt-text",
                                    f"the {block.name} {block.argument}'s options go on over a line: MyST "
                                    "reads only the first line and puts the rest in the caption; write each on one line"))
    for link in page.links:
        if link.kind == "image" and not link.text.strip():
            problems.append(Problem(page.path, link.line, "alt-text",
                                    f"the image {link.target} has empty alt text: ![what it shows]({link.target})"))
    for tag, line in page.html_images:
        if not re.search(r"""\balt\s*=\s*("[^"]*\S[^"]*"|'[^']*\S[^']*')""", tag):
            problems.append(Problem(page.path, line, "alt-text", f"the HTML image {tag} has no alt text"))
    for cell in page.blocks_named("code-cell"):
        if plotting_cell_lacks_alt(cell):
            problems.append(Problem(page.path, cell.line, "alt-text",
                                    "this cell draws a figure but has no alt text: add mystnb: image: alt: "
                                    "(what the figure shows) to the cell's metadata"))
    return problems


# Rule: links to local files and anchors resolve -----------------------------------------

def is_external(target: str) -> bool:
    return bool(urlsplit(target).scheme) or target.startswith("//")


def resolve_local(page: Page, book: Book, target: str) -> tuple[Path | None, str]:
    """The file a local link points to (None if it is missing) and its #fragment."""
    path_part, _, fragment = target.partition("#")
    if not path_part:
        return page.path, fragment
    path_part = unquote(path_part)
    base = book.root if path_part.startswith("/") else page.path.parent
    candidate = (base / path_part.lstrip("/")).resolve()
    for option in (candidate, candidate.with_name(candidate.name + ".md")):
        if option.is_file():
            return option, fragment
    return None, fragment


def check_local_links(page: Page, book: Book) -> list[Problem]:
    """Links and images that point into the lesson reach an existing file and anchor."""
    problems = []
    for link in page.links:
        if link.kind not in ("link", "image", "doc") or not link.target or is_external(link.target):
            continue
        target = link.target if link.kind != "doc" else link.target + ".md"
        path, fragment = resolve_local(page, book, target)
        if path is None:
            problems.append(Problem(page.path, link.line, "local-links",
                                    f"{link.target} does not exist (relative to {page.path.parent.name}/)"))
            continue
        if fragment and path.suffix == ".md":
            anchors = page.anchors() if path == page.path else read_page(path).heading_anchors()
            if fragment not in anchors:
                problems.append(Problem(page.path, link.line, "local-links",
                                        f"{link.target}: no heading #{fragment} in {path.name} (to reach a "
                                        "label on another page, use {ref}`text <label>`)"))
    for block in page.blocks_named("figure", "image"):
        if block.argument and not is_external(block.argument):
            if resolve_local(page, book, block.argument)[0] is None:
                problems.append(Problem(page.path, block.line, "local-links",
                                        f"the {block.name} file {block.argument} does not exist"))
    return problems


# Rule: link text says where it goes --------------------------------------------------------

def check_link_text(page: Page) -> list[Problem]:
    """No link reads "here", "click here", "link", "this", "more" or "read more"."""
    problems = []
    for link in page.links:
        if link.kind in ("link", "doc", "ref") and link.text:
            text = re.sub(r"[\s.:!?,;]+$", "", link.text.strip().lower())
            if text in VAGUE_LINK_TEXTS:
                problems.append(Problem(page.path, link.line, "link-text",
                                        f'the link text "{link.text}" does not say where the link goes'))
    return problems


# Rule: one title, no skipped heading levels ------------------------------------------------

def check_headings(page: Page, episode: bool) -> list[Problem]:
    """An episode has one level-1 heading, its title, first; no page skips a heading level."""
    problems = []
    level_ones = [heading for heading in page.headings if heading.level == 1]
    if episode and (not page.headings or page.headings[0].level != 1):
        problems.append(Problem(page.path, page.headings[0].line if page.headings else 1, "headings",
                                "an episode starts with its title as the only level-1 heading (# Title)"))
    if episode:
        for heading in level_ones[1:]:
            problems.append(Problem(page.path, heading.line, "headings",
                                    f'"# {heading.text}" is a second level-1 heading: use ## for a section'))
    previous = 0
    for heading in page.headings:
        if previous and heading.level > previous + 1:
            problems.append(Problem(page.path, heading.line, "headings",
                                    f'"{"#" * heading.level} {heading.text}" skips a level after a '
                                    f"level-{previous} heading"))
        previous = heading.level
    return problems


# Rule: every episode has its blocks and its minutes --------------------------------------

def check_episode_blocks(page: Page) -> list[Problem]:
    """Questions, objectives and keypoints blocks, and integer teaching and exercises minutes."""
    problems = []
    for css_class in EPISODE_BLOCKS:
        if not page.admonitions_of_class(css_class):
            problems.append(Problem(page.path, 1, "episode-blocks",
                                    f"no {css_class} block (:::{{admonition}} {css_class.capitalize()} "
                                    f"with :class: {css_class})"))
    for key in ("teaching", "exercises"):
        value = page.front_matter.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(Problem(page.path, 1, "episode-blocks",
                                    f"the front matter needs `{key}:` as whole minutes (found {value!r})"))
    return problems


# Rule: every solution follows its challenge ------------------------------------------------

def solves(solution: Block, exercise: Block | None) -> bool:
    return exercise is not None and exercise.name == "exercise" and exercise.label == solution.argument


def check_solutions(page: Page) -> list[Problem]:
    """Each {solution} names an {exercise} label of the page and sits right after it (or inside it)."""
    problems = []
    labels = {block.label for block in page.blocks_named("exercise")}
    for exercise in page.blocks_named("exercise"):
        if not exercise.label:
            problems.append(Problem(page.path, exercise.line, "solutions",
                                    f'the exercise "{exercise.argument}" has no :label: for its solution'))
    for solution in page.blocks_named("solution"):
        if solution.argument not in labels:
            problems.append(Problem(page.path, solution.line, "solutions",
                                    f'the solution names "{solution.argument}", which is no exercise label '
                                    "of this page"))
            continue
        before = solution.previous
        while before is not None and before.name == "solution" and before.argument == solution.argument:
            before = before.previous  # a second solution to the same exercise
        if not (solves(solution, before) or solves(solution, solution.parent)):
            problems.append(Problem(page.path, solution.line, "solutions",
                                    f'the solution to "{solution.argument}" must come right after its exercise'))
    return problems


# Rule: every glossary term exists ------------------------------------------------------------

def check_glossary_terms(page: Page, terms: set[str]) -> list[Problem]:
    """Every {term} role names a term of the glossary (learners/reference.md)."""
    return [Problem(page.path, link.line, "glossary-terms",
                    f'"{link.target}" is not in the glossary (learners/reference.md)')
            for link in page.links if link.kind == "term" and link.target.strip().lower() not in terms]


# Rule: every page is in the table of contents ------------------------------------------------

def excluded_patterns(root: Path) -> list[str]:
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    return [str(pattern) for pattern in config.get("exclude_patterns") or []]


def check_toc(book: Book) -> list[Problem]:
    """Every page of the site is listed in _toc.yml, and every entry of _toc.yml exists."""
    from sphinx.util.matching import Matcher

    excluded = Matcher(excluded_patterns(book.root) + ["_build", "**.ipynb_checkpoints"])
    listed = {source_of(book.root, name) for name in book.docnames}
    problems = [Problem(book.root / "_toc.yml", 1, "toc", f"{name} is listed but has no source file")
                for name in book.docnames if not source_of(book.root, name).is_file()]
    for path in sorted(book.root.rglob("*.md")):
        parts = path.relative_to(book.root).parts
        prefixes = ["/".join(parts[: end + 1]) for end in range(len(parts))]
        if any(part.startswith(".") for part in parts) or any(excluded(prefix) for prefix in prefixes):
            continue
        if path not in listed:
            problems.append(Problem(path, 1, "toc", "this page is not in _toc.yml, so the site hides it"))
    return problems


# Rule: every code cell has one role ---------------------------------------------------------

HIDING_TAGS = frozenset({"remove-cell", "remove-input", "hide-cell", "hide-input"})
MYST_NB_USE = re.compile(r"\bmyst_nb\b|\bglue\(")


def check_cell_roles(episode: Episode) -> list[Problem]:
    """One role tag per code cell; build-only cells hidden and the only ones to use myst_nb."""
    problems = []
    for cell in episode.cells:
        if len(cell.roles) != 1:
            problems.append(Problem(episode.path, cell.line, "cell-roles",
                                    f"a code cell needs exactly one role tag of {', '.join(ROLES)} "
                                    f"(found {cell.roles or 'none'})"))
            continue
        hidden = bool(HIDING_TAGS & set(cell.tags))
        if cell.role == BUILD_ONLY and "remove-cell" not in cell.tags:
            problems.append(Problem(episode.path, cell.line, "cell-roles",
                                    "a build-only cell must also be tagged remove-cell: learners never see it"))
        if cell.role != BUILD_ONLY and hidden:
            problems.append(Problem(episode.path, cell.line, "cell-roles",
                                    f"a {cell.role} cell is hidden on the page: what a learner gets must "
                                    "show on the page (hide only build-only cells)"))
        if cell.role != BUILD_ONLY and MYST_NB_USE.search(cell.source):
            problems.append(Problem(episode.path, cell.line, "cell-roles",
                                    f"a {cell.role} cell uses myst_nb or glue: move that into a build-only "
                                    "cell, since learners have no myst_nb"))
    return problems


# Rule: no learner code needs a name that only build-only cells define ----------------------

def names_only_from(episode: Episode, hidden: Callable[[Cell], bool],
                    checked: Callable[[Cell], bool]) -> list[tuple[Cell, list[str]]]:
    """The ``checked`` cells that read a name which, so far, only ``hidden`` cells define."""
    visible: set[str] = set(dir(builtins))
    hidden_names: set[str] = set()
    found = []
    for cell in episode.cells:
        if hidden(cell):
            hidden_names |= defined_names(cell.source)
        elif checked(cell):
            needed = sorted((used_names(cell.source) & hidden_names) - visible - defined_names(cell.source))
            if needed:
                found.append((cell, needed))
            visible |= defined_names(cell.source)
    return found


def check_build_only_names(episode: Episode) -> list[Problem]:
    """A taught or provided cell reads no name that, so far, only build-only cells define."""
    return [Problem(episode.path, cell.line, "build-only-names",
                    f"this {cell.role or 'visible'} cell needs {', '.join(needed)}, which only "
                    "a build-only cell defines: learners never get those cells")
            for cell, needed in names_only_from(episode, lambda cell: cell.role == BUILD_ONLY, lambda cell: True)]


# Rule: learners work in one way, the handout ---------------------------------------------------

OTHER_WAYS = re.compile(r"\bpast(e|ing)\b|\bnew notebook\b|\bnotebook of (your|their) own\b|\bjupytext\b|"
                        r"\bopen with\b", re.IGNORECASE)
INSTRUCTORS_FOLDER = "instructors"


def check_one_way(page: Page, book: Book) -> list[Problem]:
    """A learner-facing page never sends learners to pasting, a notebook of their own or Jupytext."""
    if page.path.parent == book.root / INSTRUCTORS_FOLDER:
        return []
    text = page.path.read_text(encoding="utf-8")
    _, front_lines = split_front_matter(text)
    hidden = [block.body for block in page.blocks if block.name == "code-cell" or "instructor" in block.classes]
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if number <= front_lines or any(line.strip() and line in body for body in hidden):
            continue
        match = OTHER_WAYS.search(line)
        if match:
            problems.append(Problem(page.path, number, "one-way", f"“{match[0]}”: learners work in one way, the "
                                    "handout (type this cell in your handout; this cell is ready in your handout)"))
    return problems


# Rule: every exercise states its minutes and kind, at least its kind's floor -------------------

def check_exercise_minutes(episode: Episode) -> list[Problem]:
    problems = []
    for exercise in episode.exercises:
        where = (episode.path, exercise.block.line, "exercise-minutes")
        if exercise.minutes is None:
            problems.append(Problem(*where, f'the exercise "{exercise.title}" needs :minutes: (whole minutes)'))
        if exercise.kind is None:
            problems.append(Problem(*where, f'the exercise "{exercise.title}" needs :kind: (one of '
                                            f'{", ".join(EXERCISE_KINDS)}), which sets its floor of minutes'))
        elif exercise.minutes is not None and exercise.minutes < exercise_floor(exercise):
            problems.append(Problem(*where, f'the exercise "{exercise.title}" is a {exercise.kind} exercise: a room '
                                            f"spends at least {exercise_floor(exercise)} minutes on one, not "
                                            f"{exercise.minutes} (floors: {EXERCISE_FLOORS})"))
        if exercise.in_optional_section and not exercise.marked_optional:
            problems.append(Problem(*where, f'the exercise "{exercise.title}" sits in an optional section: '
                                            "mark it :optional:"))
    return problems


# Rule: the declared minutes meet the workshop clock (lesson.timing) --------------------------

def check_clock(episode: Episode, clock: Clock | None = None) -> list[Problem]:
    """``teaching``, ``exercises`` and ``teaching_optional`` are at least what the model counts."""
    clock = clock or Clock()
    problems = []
    value = episode.page.front_matter.get("teaching_optional")
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        problems.append(Problem(episode.path, 1, "clock",
                                f"the front matter needs `teaching_optional:` as whole minutes (found {value!r})"))
    core, extras = clock.cost(episode), clock.cost(episode, optional=True)
    for missing in (core + extras).unmeasured:
        problems.append(Problem(episode.path, 1, "clock",
                                f"no measured time for the training cell `{missing}`: run "
                                "make benchmark BENCHMARK_OPTIONS=--save (it writes data/training-cells.csv)"))
    for key, needed, what in (("teaching", core.teaching, "the core path's cells"),
                              ("exercises", core.exercises, "the core exercises"),
                              ("teaching_optional", extras.teaching, "the optional sections' cells")):
        declared = episode.page.front_matter.get(key)
        if isinstance(declared, int) and declared < whole_minutes(needed):  # else another rule says
            problems.append(Problem(episode.path, 1, "clock",
                                    f"`{key}: {declared}` is less than the {whole_minutes(needed)} minutes the clock "
                                    f"counts for {what} (python -m lesson.timing shows how): raise it, or move "
                                    "material out of the core path"))
    return problems


# Rule: the running-late list names core items ------------------------------------------------

def check_when_late(episode: Episode) -> list[Problem]:
    """Front matter ``when_late``: core exercises (by label) or core sections (by heading), in order."""
    items = Clock([]).when_late(episode)
    if not items:
        return [Problem(episode.path, 1, "when-late", "the front matter needs `when_late:`, the core items an "
                                                      "instructor who runs late demotes first, in order")]
    return [Problem(episode.path, 1, "when-late", f"when_late: {item!r} is neither a core exercise's label nor "
                                                  "the heading of a core section")
            for item, saves in items if saves is None]


# Rule: the core path needs nothing that only optional cells define ----------------------------

def check_optional_names(episode: Episode) -> list[Problem]:
    """A core cell reads no name that only optional cells define (handouts do not run those)."""
    return [Problem(episode.path, cell.line, "optional-names",
                    f"this core cell needs {', '.join(needed)}, which only an optional section "
                    "defines: a handout does not run optional cells")
            for cell, needed in names_only_from(episode, lambda cell: cell.optional and cell.role != BUILD_ONLY,
                                                lambda cell: not cell.optional and cell.role != BUILD_ONLY)]


# Rule: every objective names a core exercise that checks it ----------------------------------

def check_objective_exercises(episode: Episode) -> list[Problem]:
    problems = []
    core = {exercise.label for exercise in episode.exercises if not exercise.optional}
    line = next((block.line for block in episode.page.admonitions_of_class("objectives")), 1)
    for objective in episode.objectives:
        if not core & set(episode.referenced_labels(objective)):
            problems.append(Problem(episode.path, line, "objective-exercises",
                                    f'the objective "{objective[:60]}" names no core exercise of this page: '
                                    "end it with ({ref}`label`)"))
    return problems


EPISODE_RULES: dict[str, Callable[[Episode], list[Problem]]] = {
    "cell-roles": check_cell_roles,
    "build-only-names": check_build_only_names,
    "exercise-minutes": check_exercise_minutes,
    "clock": check_clock,
    "when-late": check_when_late,
    "optional-names": check_optional_names,
    "objective-exercises": check_objective_exercises,
}


# All rules -------------------------------------------------------------------------------------

PageRule = Callable[[Page, Book], list[Problem]]
PAGE_RULES: dict[str, PageRule] = {
    "alt-text": lambda page, book: check_alt_text(page),
    "local-links": check_local_links,
    "link-text": lambda page, book: check_link_text(page),
    "headings": lambda page, book: check_headings(page, book.is_episode(page)),
    "episode-blocks": lambda page, book: check_episode_blocks(page) if book.is_episode(page) else [],
    "solutions": lambda page, book: check_solutions(page),
    "glossary-terms": lambda page, book: check_glossary_terms(page, book.glossary),
    "one-way": check_one_way,
}


def check_book(book: Book) -> list[Problem]:
    """Run every rule on every page of the book."""
    problems = check_toc(book)
    for page in book.pages.values():
        for rule in PAGE_RULES.values():
            problems.extend(rule(page, book))
        if book.is_episode(page):
            episode = book.episode(page)
            for episode_rule in EPISODE_RULES.values():
                problems.extend(episode_rule(episode))
    return problems


def main() -> int:
    problems = check_book(read_book())
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s) found" if problems else "All lesson checks passed.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
