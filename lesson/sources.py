"""Read the lesson's MyST sources: the table of contents, front matter, headings and blocks.

One parser for two readers: the Sphinx extension ``lesson_pages`` (key points and
schedule pages) and the lesson checks (``lesson/checks.py``). Pages are
tokenised with MyST's own markdown-it parser, and the body of every directive
whose content is Markdown (admonitions, exercises, solutions, figures) is parsed
again, so a heading, link or image is found wherever MyST would find it, and
never inside code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from mdit_py_plugins.anchors.index import slugify
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

# Directives whose body is not Markdown: their content is code, data or a list of files.
VERBATIM_DIRECTIVES = frozenset({
    "code-cell", "code", "code-block", "sourcecode", "literalinclude", "math", "raw",
    "eval-rst", "csv-table", "toctree", "mermaid", "graphviz", "nb-exec-table",
})
MYST_EXTENSIONS = {"colon_fence", "deflist", "dollarmath", "substitution", "html_image"}
HEADING_ANCHOR_DEPTH = 3  # myst_heading_anchors in _config.yml
DIRECTIVE_INFO = re.compile(r"^\{(?P<name>[\w:-]+)\}\s*(?P<argument>.*)$")
OPTION_LINE = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")


@dataclass
class Block:
    """A MyST directive (``:::{name} argument`` or a backtick fence) found in a page."""

    name: str
    argument: str
    options: dict[str, Any]
    body: str
    line: int  # 1-based line of the opening fence
    parent: Block | None = None
    previous: Block | None = None  # the block right before it, when nothing lies between

    @property
    def classes(self) -> list[str]:
        return str(self.options.get("class", "")).split()

    @property
    def label(self) -> str:
        return str(self.options.get("label") or self.options.get("name") or "")


@dataclass
class Heading:
    level: int
    text: str
    line: int


@dataclass
class Link:
    """A Markdown link or image, or a role that links (``{doc}``, ``{ref}``, ``{term}``)."""

    kind: str  # "link", "image", or a role's name
    target: str
    text: str
    line: int


@dataclass
class Page:
    """What the checks and the extension need to know about one page."""

    path: Path
    front_matter: dict[str, Any] = field(default_factory=dict)
    headings: list[Heading] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    targets: set[str] = field(default_factory=set)  # explicit `(name)=` targets and labels
    html_images: list[tuple[str, int]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.front_matter.get("title") or next(
            (heading.text for heading in self.headings if heading.level == 1), self.path.stem))

    def blocks_named(self, *names: str) -> list[Block]:
        return [block for block in self.blocks if block.name in names]

    def admonitions_of_class(self, css_class: str) -> list[Block]:
        return [block for block in self.blocks_named("admonition") if css_class in block.classes]

    def anchors(self) -> set[str]:
        """Names a ``#fragment`` link within this page may use: heading slugs and labels."""
        return self.heading_anchors() | self.targets

    def heading_anchors(self) -> set[str]:
        """Names a ``#fragment`` link from another page may use: MyST resolves only heading slugs there."""
        slugs: set[str] = set()
        for heading in self.headings:
            if heading.level <= HEADING_ANCHOR_DEPTH:
                slug, number = slugify(heading.text), 1
                while slug in slugs:
                    slug, number = f"{slugify(heading.text)}-{number}", number + 1
                slugs.add(slug)
        return slugs


@cache
def markdown_parser() -> MarkdownIt:
    """MyST's markdown-it parser with the extensions the lesson enables."""
    return create_md_parser(MdParserConfig(enable_extensions=MYST_EXTENSIONS), RendererHTML)


def split_front_matter(text: str) -> tuple[dict[str, Any], int]:
    """The YAML front matter of a page and the number of lines it takes."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            data = yaml.safe_load("\n".join(lines[1:end])) or {}
            return (data if isinstance(data, dict) else {}), end + 1
    return {}, 0


def split_directive_content(name: str, content: str) -> tuple[dict[str, Any], str, int]:
    """A directive's options, its body, and how many lines the options take.

    Options come as a YAML block between ``---`` lines or as ``:key: value`` lines.
    Code cells read values as YAML (``:tags: [remove-cell]``); other directives as text.
    """
    lines = content.splitlines()
    if lines and lines[0].strip() == "---":
        for end, line in enumerate(lines[1:], start=1):
            if line.strip() == "---":
                try:
                    options = yaml.safe_load("\n".join(lines[1:end])) or {}
                except yaml.YAMLError:
                    options = {}
                return (options if isinstance(options, dict) else {}), "\n".join(lines[end + 1:]), end + 1
    options: dict[str, Any] = {}
    count = 0
    for line in lines:
        match = OPTION_LINE.match(line)
        if not match:
            break
        value: Any = match["value"]
        if name == "code-cell":
            try:
                value = yaml.safe_load(value)
            except yaml.YAMLError:
                pass
        options[match["key"]] = value
        count += 1
    return options, "\n".join(lines[count:]), count


def _inline_links(token: Token, line: int) -> Iterator[Link]:
    """Links, images and roles in one inline token."""
    children = token.children or []
    for index, child in enumerate(children):
        if child.type == "link_open":
            text = []
            for follower in children[index + 1:]:
                if follower.type == "link_close":
                    break
                text.append(follower.content)
            yield Link("link", str(child.attrGet("href") or ""), "".join(text), line)
        elif child.type == "image":
            yield Link("image", str(child.attrGet("src") or ""), child.content, line)
        elif child.type == "myst_role":
            role = str(child.meta.get("name", ""))
            explicit = re.match(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", child.content, re.DOTALL)
            if explicit:
                yield Link(role, explicit["target"], explicit["text"], line)
            else:
                yield Link(role, child.content, "", line)


def _read_tokens(page: Page, text: str, offset: int, parent: Block | None) -> None:
    """Add what the Markdown ``text`` holds to ``page``; ``offset`` is its first line - 1."""
    tokens = markdown_parser().parse(text)
    previous: Block | None = None
    depth = 0
    for index, token in enumerate(tokens):
        line = offset + (token.map[0] + 1 if token.map else 0)
        if token.type == "heading_open":
            inline = tokens[index + 1]
            page.headings.append(Heading(int(token.tag[1]), inline.content.strip(), line))
        if token.type == "inline":
            page.links.extend(_inline_links(token, line))
        if token.type in ("html_block", "html_inline", "inline"):
            sources = [token] if token.type != "inline" else [
                child for child in token.children or [] if child.type == "html_inline"]
            for source in sources:
                for image in re.findall(r"<img\b[^>]*>", source.content, re.IGNORECASE):
                    page.html_images.append((image, line))
        if token.type == "myst_target":
            page.targets.add(token.content.strip())
        block = None
        if token.type in ("fence", "colon_fence") and token.map:
            match = DIRECTIVE_INFO.match(token.info.strip())
            if match:
                name = match["name"]
                options, body, option_lines = split_directive_content(name, token.content)
                block = Block(name, match["argument"].strip(), options, body, line, parent,
                              previous if depth == 0 else None)
                page.blocks.append(block)
                if block.label:
                    page.targets.add(block.label)
                if name not in VERBATIM_DIRECTIVES:
                    _read_tokens(page, body, line + option_lines, block)
        # A solution must follow its exercise with nothing between them at the same level.
        previous = block if block is not None and depth == 0 else None
        depth += token.nesting


def read_page(path: Path) -> Page:
    """Parse one MyST page."""
    text = path.read_text(encoding="utf-8")
    front_matter, front_lines = split_front_matter(text)
    page = Page(path, front_matter)
    body = "\n".join(text.splitlines()[front_lines:])
    _read_tokens(page, body, front_lines, None)
    return page


def toc_files(toc_path: Path) -> list[str]:
    """Every ``file`` entry of a Jupyter Book ``_toc.yml``, in reading order, without suffix."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8")) or {}
    files: list[str] = []

    def visit(entry: Any) -> None:
        if isinstance(entry, dict):
            for key in ("root", "file"):
                if isinstance(entry.get(key), str):
                    files.append(re.sub(r"\.(md|ipynb)$", "", entry[key]))
            for key in ("parts", "chapters", "sections"):
                for child in entry.get(key) or []:
                    visit(child)

    visit(toc)
    return files


def source_of(root: Path, docname: str) -> Path:
    """The source file of a page named in the table of contents."""
    for suffix in (".md", ".ipynb"):
        if (root / f"{docname}{suffix}").is_file():
            return root / f"{docname}{suffix}"
    return root / f"{docname}.md"


def glossary_terms(pages: list[Page]) -> set[str]:
    """Every term defined in a ``{glossary}`` block of these pages, in lower case."""
    terms: set[str] = set()
    for page in pages:
        for block in page.blocks_named("glossary"):
            for line in block.body.splitlines():
                if line.strip() and not line[0].isspace() and not OPTION_LINE.match(line):
                    terms.add(line.split(" : ")[0].strip().lower())
    return terms
