"""The files a learner gets, made from each episode and the outputs of its build.

For every episode (from :mod:`lesson.episodes`) and its executed notebook:

- the **learner notebook**: the taught and provided cells with the outputs the page
  shows, and the prose as plain Markdown; no build-only cell, no instructor note,
  nothing of myst-nb (glued numbers are written out, figures attached);
- the **type-along handout**: the same, with every taught cell emptied but for a
  comment that says which section of the page shows it, no solutions and no outputs;
- the **Colab notebook**: the learner notebook with a first cell that, on Colab only,
  downloads ``lesson_data.py`` (and the data files the episode reads).

``write_learner_files`` writes them into ``notebooks/``, ``handouts/`` and ``colab/`` of a
folder, with a zip of all handouts plus ``lesson_data.py`` and ``check_setup.py`` for
workshop organisers. The book's extension ``lesson.sphinx.learner_downloads`` calls it
after every build, so the files cannot drift from the episodes.
"""

from __future__ import annotations

import base64
import copy
import mimetypes
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from myst_nb.core.variables import format_plain_text

from lesson.episodes import BUILD_ONLY, OPTIONAL_MARK, PROVIDED, REPOSITORY, TAUGHT, Cell, Episode
from lesson.names import assigned_names, defined_names, used_names
from lesson.timing import LAPTOP_FACTOR, Clock, fit_line

KINDS = ("notebooks", "handouts", "colab")
ZIP_NAME = "workshop-handouts.zip"
# What a handout zip holds besides the handouts, at the same place as in the repository.
SUPPORT_FILES = ("episodes/lesson_data.py", "episodes/check_setup.py", "requirements.txt", "environment.yml",
                 "data/episode-timings.csv", "data/training-cells.csv", "data/setup-check-reference.csv")
# The model file episode 2 saves: the site offers the build's own, so that episode 3 can go on.
CATCH_UP_MODEL = "episodes/cifar10_cnn.keras"
DATA_FILE = re.compile(r"""["'](\.\./data/[\w.-]+)["']""")
DIRECTIVE_OPEN = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<name>[\w:-]+)\}\s*(?P<argument>.*)$")
CODE_FENCE = re.compile(r"^(`{3,}|~{3,})")
ROLE = re.compile(r"\{(?P<name>[\w:-]+)\}`(?P<content>[^`]*)`")
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")
TARGET_LINE = re.compile(r"^\(\S+\)=\s*$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
HEADING = re.compile(r"^#{2,6} ")
PYTHON_BLOCK = re.compile(r"^(?:```|~~~)(?:python|ipython3?)\s*\n(.*?)^(?:```|~~~)\s*$", re.MULTILINE | re.DOTALL)
ANSWER_MARK = "<!-- answer cell -->"  # where a handout's Markdown is cut for an exercise's answer cell
OPTIONAL_CELL = "# Optional: select all lines and press Ctrl+/ (Cmd+/ on a Mac) to run this cell.\n"
# Training cells that take longer than this on the build machine get a note before them.
TRAINING_NOTE_SECONDS = 30

class LearnerFileError(RuntimeError):
    """An episode and its executed notebook do not fit together."""


def glued_values(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """Every value glued in an executed notebook, by name, as its plain-text form."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook", {})
            text = output.get("data", {}).get(record.get("mime_prefix", "") + "text/plain")
            if record.get("name") and text is not None:
                values[record["name"]] = text
    return values


@dataclass
class Prose:
    """What turning an episode's MyST Markdown into Jupyter's Markdown needs to know."""

    episode: Episode
    glue: dict[str, str]
    site_url: str = ""  # the published site, for links to pages that are not episodes
    handout: bool = False  # no solutions; answer cells, and notes where optional sections begin
    first_exercise: int = 1  # sphinx-exercise numbers exercises across the book, in page order
    attachments: dict[str, dict[str, str]] = field(default_factory=dict)
    answers: list[str] = field(default_factory=list)  # the answer cells' code, in order

    @property
    def solutions(self) -> bool:
        return not self.handout

    @property
    def exercise_titles(self) -> dict[str, str]:
        return {exercise.label: exercise.title for exercise in self.episode.exercises}

    def exercise_number(self, label: str, title: str) -> int:
        """The exercise's number on the page (sphinx-exercise numbers them on through the book)."""
        for number, exercise in enumerate(self.episode.exercises, start=self.first_exercise):
            if (label and exercise.label == label) or (not label and exercise.title == title):
                return number
        raise LearnerFileError(f"{self.episode.name}: no exercise {label or title!r}")

    # Roles and links ------------------------------------------------------------------------

    def role(self, match: re.Match[str]) -> str:
        name, content = match["name"], match["content"]
        explicit = EXPLICIT.match(content)
        text, target = (explicit["text"], explicit["target"]) if explicit else ("", content)
        if name.startswith("glue"):
            key, _, spec = target.rpartition(":") if ":" in target else (target, "", "")
            if key not in self.glue:
                raise LearnerFileError(f"{self.episode.name}: no glued value {key!r} in the executed notebook")
            return format_plain_text(self.glue[key], spec)
        if name == "ref":
            if target in self.exercise_titles and not text:
                return f"Exercise {self.exercise_number(target, '')}, “{self.exercise_titles[target]}”"
            return text or f"“{self.exercise_titles.get(target, target)}”"
        return text or target

    def link(self, match: re.Match[str]) -> str:
        text, target = match["text"], match["target"]
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            return match[0]
        path, _, fragment = target.partition("#")
        suffix = f"#{fragment}" if fragment else ""
        if re.match(r"^\d\d-[\w-]+\.md$", path) and not self.site_url:  # the neighbouring learner file
            return f"[{text}]({path[:-3]}{'-handout' if self.handout else ''}.ipynb)"
        if self.site_url and path.endswith(".md"):
            page = (Path("episodes") / path).as_posix()
            page = re.sub(r"^episodes/\.\./", "", page)
            return f"[{text}]({self.site_url.rstrip('/')}/{page[:-3]}.html{suffix})"
        return text

    def inline(self, text: str) -> str:
        return LINK.sub(self.link, ROLE.sub(self.role, text))

    # Blocks ---------------------------------------------------------------------------------

    def attach(self, path_text: str) -> str:
        path = (self.episode.path.parent / path_text).resolve()
        if not path.is_file():
            raise LearnerFileError(f"{self.episode.name}: the figure {path_text} does not exist")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.attachments[path.name] = {mime: base64.b64encode(path.read_bytes()).decode("ascii")}
        return f"attachment:{path.name}"

    def directive(self, name: str, argument: str, options: dict[str, str], body: str) -> str:
        inner = self.convert(body).strip()
        classes = options.get("class", "").split()
        if name == "admonition":
            if "instructor" in classes:
                return ""
            return quote(f"**{self.inline(argument)}**\n\n{inner}")
        if name == "exercise":
            optional = "optional" in options or any(
                exercise.optional for exercise in self.episode.exercises if exercise.label == options.get("label"))
            kind = "Optional" if optional else "Core"
            minutes = options.get("minutes", "")
            number = self.exercise_number(options.get("label", ""), argument)
            heading = f"**Exercise {number}: {self.inline(argument)}** ({kind}, {minutes} min)"
            if not (self.handout and options.get("kind") == "code"):
                return quote(f"{heading}\n\n{inner}")
            blanks = PYTHON_BLOCK.search(body)
            if blanks:
                inner = self.convert(PYTHON_BLOCK.sub("(Fill in the blanks `___` in the cell below.)", body, count=1)).strip()
            self.answers.append(answer_cell(number, argument, blanks[1] if blanks else ""))
            return quote(f"{heading}\n\n{inner}") + f"\n{ANSWER_MARK}\n"
        if name == "solution":
            if not self.solutions:
                return ""
            return f"<details>\n<summary>Solution</summary>\n\n{inner}\n\n</details>"
        if name == "figure":
            alt = options.get("alt", "")
            image = f"![{alt}]({self.attach(argument)})"
            return f"{image}\n\n*{inner}*" if inner else image
        return inner

    def convert(self, text: str) -> str:
        """MyST Markdown (directives, roles, targets) as Markdown that Jupyter and Colab show."""
        lines = text.splitlines()
        out: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            opening = DIRECTIVE_OPEN.match(line.strip()) if not line.startswith(" ") else None
            fence = CODE_FENCE.match(line.strip())
            if opening:
                marker = opening["fence"]
                end = index + 1
                while end < len(lines) and lines[end].strip() != marker:
                    end += 1
                options, body = split_options(lines[index + 1:end])
                out.append(self.directive(opening["name"], opening["argument"], options, body))
                index = end + 1
                continue
            if fence:  # copy code verbatim up to its closing fence
                end = index + 1
                while end < len(lines) and not lines[end].strip().startswith(fence[1]):
                    end += 1
                out.extend(lines[index:end + 1])
                index = end + 1
                continue
            if not TARGET_LINE.match(line.strip()):
                out.append(self.inline(line))
                if self.handout and HEADING.match(line) and line.rstrip().lower().endswith(OPTIONAL_MARK):
                    out.append(f"\n{optional_note(self.episode, line)}")
            index += 1
        return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")


def quote(markdown: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in markdown.splitlines())


def split_options(lines: list[str]) -> tuple[dict[str, str], str]:
    """A directive's ``:key: value`` lines (a flag has the value "") and its body."""
    options: dict[str, str] = {}
    count = 0
    for line in lines:
        match = OPTION.match(line)
        if not match:  # MyST ends an option at the line's end (the lesson checks see to it)
            break
        options[match["key"]] = match["value"].strip()
        count += 1
    return options, "\n".join(lines[count:])


# Notebooks ----------------------------------------------------------------------------------

def new_notebook(executed: nbformat.NotebookNode) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {key: copy.deepcopy(executed.metadata[key])
                         for key in ("kernelspec", "language_info") if key in executed.metadata}
    return notebook


def paired_cells(episode: Episode, executed: nbformat.NotebookNode) -> list[tuple[nbformat.NotebookNode, str | None]]:
    """Each cell of the executed notebook with its role (None for Markdown)."""
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    if len(code) != len(episode.cells):
        raise LearnerFileError(f"{episode.name}: the executed notebook has {len(code)} code cells, the episode "
                               f"{len(episode.cells)}: build the site again (make site)")
    roles = iter(cell.role for cell in episode.cells)
    return [(cell, next(roles) if cell.cell_type == "code" else None) for cell in executed.cells]


def learner_tags(cell: nbformat.NotebookNode) -> list[str]:
    """The tags that mean something in Jupyter (nbval's raises-exception), without the build's."""
    return [tag for tag in cell.metadata.get("tags", []) if tag in ("raises-exception", "nbval-skip")]


def learner_notebook(episode: Episode, executed: nbformat.NotebookNode, site_url: str = "",
                     handout: bool = False, clock: Clock | None = None,
                     first_exercise: int = 1) -> nbformat.NotebookNode:
    """The learner notebook of an episode (or, with ``handout``, its type-along handout)."""
    clock = clock or Clock()
    notebook = new_notebook(executed)
    glue = glued_values(executed)
    sections = iter(episode.cells)
    needed_later = names_needed_later(episode) if handout else {}
    for cell, role in paired_cells(episode, executed):
        if cell.cell_type == "markdown":
            prose = Prose(episode, glue, site_url, handout=handout, first_exercise=first_exercise)
            pieces = prose.convert(cell.source).split(ANSWER_MARK)
            for number, text in enumerate(pieces):
                if text.strip():
                    markdown = nbformat.v4.new_markdown_cell(text.strip("\n"))
                    if prose.attachments:
                        markdown.attachments = {name: data for name, data in prose.attachments.items()
                                                if f"attachment:{name}" in text}
                    notebook.cells.append(markdown)
                if number < len(prose.answers):
                    answer = nbformat.v4.new_code_cell(prose.answers[number])
                    answer.metadata["tags"] = ["raises-exception"]  # blanks stop nothing on Run all
                    notebook.cells.append(answer)
            continue
        episode_cell = next(sections)
        if role == BUILD_ONLY:
            continue
        note = training_note(clock, episode, episode_cell)
        if note:
            notebook.cells.append(nbformat.v4.new_markdown_cell(note))
        source = cell.source
        if handout and role == TAUGHT:
            source = typing_prompt(episode_cell.section_title, cell.source, needed_later.get(episode_cell.line, []))
        elif handout and episode_cell.optional:
            source = OPTIONAL_CELL + "\n".join(f"# {line}" if line else "#" for line in source.splitlines())
        code = nbformat.v4.new_code_cell(source)
        if learner_tags(cell):
            code.metadata["tags"] = learner_tags(cell)
        if not handout:
            code.outputs = copy.deepcopy(cell.get("outputs", []))
            code.execution_count = cell.get("execution_count")
        notebook.cells.append(code)
    notebook.cells.insert(1 if notebook.cells else 0, nbformat.v4.new_markdown_cell(about(episode, site_url, handout)))
    for index, cell in enumerate(notebook.cells):
        cell.id = f"{episode.name[:2]}-{index:03d}"
    return notebook


def names_needed_later(episode: Episode) -> dict[int, list[str]]:
    """For each taught cell (by its line): the names it assigns that a later learner cell reads."""
    learner = [cell for cell in episode.cells if cell.role in (TAUGHT, PROVIDED)]
    needed = {}
    for index, cell in enumerate(learner):
        if cell.role != TAUGHT:
            continue
        names, read = set(assigned_names(cell.source)), set()
        for other in learner[index + 1:]:  # until a later cell defines a name anew
            defines = defined_names(other.source)
            read |= names & (used_names(other.source) - defines)
            names -= defines
        needed[cell.line] = [name for name in assigned_names(cell.source) if name in read]
    return needed


def about(episode: Episode, site_url: str, handout: bool) -> str:
    """A note at the top: where the notebook comes from, and how to use it."""
    page = f"[the episode's page]({site_url.rstrip('/')}/{episode.docname}.html)" if site_url else "the episode's page"
    if handout:
        return (f"*Type-along handout of episode {episode.number}, made from {page}. The provided code is "
                "filled in; type each empty cell as your instructor does: its comment names the section of "
                "the page that shows it, and the names that later cells need. Optional sections are "
                "commented out, so *Run all* skips them. Run it in the lesson's `episodes/` folder, where "
                "`lesson_data.py` is.*")
    return (f"*Learner notebook of episode {episode.number}, made from {page}, with the outputs the page shows: "
            "to read and to catch up. In a workshop you type along in the handout. Run it in the lesson's "
            "`episodes/` folder, where `lesson_data.py` is.*")


def typing_prompt(section: str, code: str, names: list[str] | None = None) -> str:
    """The comment a handout holds in place of a taught cell."""
    first = next((line.strip() for line in code.splitlines() if line.strip() and not line.lstrip().startswith("#")), "")
    first = first if len(first) <= 40 else first[:37] + "..."
    where = f'section "{section}"' if section else "the top of the page"
    prompt = f"# Type the code from {where} of the page, starting: {first}"
    if names:
        prompt += f"\n# Later cells use the names it defines, so keep them: {', '.join(names)}"
    return prompt


def answer_cell(number: int, title: str, blanks: str) -> str:
    """A handout's cell for the answer to a coding exercise: its blanks, or a comment."""
    header = f"# Exercise {number}: {title}. Your answer:"
    return f"{header}\n{blanks.rstrip()}" if blanks.strip() else header


def optional_note(episode: Episode, heading_line: str) -> str:
    """What a handout says where an optional section begins: skip it, and where the core path goes on."""
    text = heading_line.lstrip("#").strip()
    headings = episode.page.headings
    start = next((heading for heading in headings if heading.text.strip() == text), None)
    resumes = None
    if start is not None:
        resumes = next((heading for heading in headings if heading.line > start.line and heading.level <= start.level
                        and not episode.in_optional_section(heading.line + 1)), None)
    goes_on = f"goes on at “{resumes.text}”" if resumes else "ends here"
    return (f"> **Optional section.** A one-day workshop skips it: the core path {goes_on}. Its code is "
            "commented out, so *Run all* runs none of it; to run a cell, select its lines, press Ctrl+/ "
            "(Cmd+/ on a Mac) and run it.")


def training_note(clock: Clock, episode: Episode, cell: Cell) -> str:
    """A note before a long training cell: how long it takes on the build machine and on a slower laptop."""
    if not fit_line(cell.source):
        return ""
    seconds = clock.training_seconds(episode, cell)
    if seconds is None or seconds < TRAINING_NOTE_SECONDS:
        return ""
    return (f"*The next cell trains for about {minutes_text(seconds)} on the machine that built the lesson "
            f"(2 CPU cores), and about {minutes_text(seconds * LAPTOP_FACTOR)} on a laptop {LAPTOP_FACTOR:g} "
            "times as slow. It prints nothing until its first epoch ends. `python check_setup.py` says "
            "how your laptop compares.*")


def minutes_text(seconds: float) -> str:
    if seconds < 90:
        return f"{round(seconds / 10) * 10:.0f} seconds"
    return f"{seconds / 60:.1f} minutes".replace(".0 minutes", " minutes")


def data_files(notebook: nbformat.NotebookNode) -> list[str]:
    """The files under ../data that the notebook's code reads."""
    found = {match for cell in notebook.cells if cell.cell_type == "code" for match in DATA_FILE.findall(cell.source)}
    return sorted(found)


def write_notebook(notebook: nbformat.NotebookNode, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    return path


def write_learner_files(episodes: list[Episode], executed_dir: Path, out: Path,
                        site_url: str = "", root: Path = REPOSITORY) -> dict[str, list[Path]]:
    """Write every episode's learner files under ``out``; return the paths by kind."""
    from lesson.colab import colab_notebook  # the Colab form of a learner file

    written: dict[str, list[Path]] = {kind: [] for kind in KINDS}
    first_exercise = 1  # the episodes come in the book's order, before any other page with exercises
    for episode in episodes:
        path = executed_dir / f"{episode.name}.ipynb"
        if not path.is_file():
            raise LearnerFileError(f"No executed notebook {path}: build the site first (make site).")
        executed = nbformat.read(path, as_version=4)
        learner = learner_notebook(episode, executed, site_url, first_exercise=first_exercise)
        handout = learner_notebook(episode, executed, site_url, handout=True, first_exercise=first_exercise)
        first_exercise += len(episode.exercises)
        written["notebooks"].append(write_notebook(learner, out / "notebooks" / f"{episode.name}.ipynb"))
        written["handouts"].append(write_notebook(handout, out / "handouts" / f"{episode.name}-handout.ipynb"))
        written["colab"].append(write_notebook(colab_notebook(learner, root),
                                               out / "colab" / f"{episode.name}.ipynb"))
        written["colab"].append(write_notebook(colab_notebook(handout, root, reads=data_files(learner)),
                                               out / "colab" / f"{episode.name}-handout.ipynb"))
    model = root / CATCH_UP_MODEL
    if model.is_file():  # the build's own episode-2 model, for learners whose training failed
        shutil.copyfile(model, out / model.name)
    write_zip(out / ZIP_NAME, written["handouts"], root,
              sorted({name.removeprefix("../") for nb in written["notebooks"]
                      for name in data_files(nbformat.read(nb, as_version=4))}))
    return written


def write_zip(path: Path, handouts: list[Path], root: Path, data: list[str]) -> Path:
    """One download for organisers: the handouts in episodes/, beside what they import and read."""
    folder = "cnn-lesson"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for handout in handouts:
            archive.write(handout, f"{folder}/episodes/{handout.name}")
        for name in (*SUPPORT_FILES, *data):
            if (root / name).is_file():  # the benchmark's tables are missing until it has run once
                archive.write(root / name, f"{folder}/{name}")
    return path

