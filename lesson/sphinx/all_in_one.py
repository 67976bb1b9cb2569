"""Sphinx extension: the whole lesson on one page, and links to it and its PDF in every header.

After every page is written, ``aio.html`` gathers the articles of the episodes and then
of the learner pages, in the order of _toc.yml (the Carpentries Workbench's all-in-one
page). Each page becomes a ``<section id="aio-<page>">``; its ids get that prefix, so
two pages' ``#questions`` stay apart; links between the gathered pages point inside
aio.html; every other link and every image is rebased onto the site's root, where
aio.html lies. The theme draws the page like any other, with the pages and their
sections in its table of contents. ``make site`` prints it to ``lesson.pdf`` with
Chromium (the Makefile's `pdf`); every page's header links both (a group of buttons).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag
from sphinx.application import Sphinx

PAGE = "aio"
TITLE = "The whole lesson on one page"
PDF = "lesson.pdf"
# What the page holds, folder by folder, each in the order of _toc.yml.
FOLDERS = ("episodes/", "learners/")
# Attributes that hold a URL, by the tags that carry them.
URL_ATTRIBUTES = {"a": "href", "img": "src", "source": "src", "video": "src", "audio": "src", "object": "data"}


@dataclass(frozen=True)
class GatheredPage:
    docname: str
    title: str
    article: Tag

    @property
    def anchor(self) -> str:
        return anchor(self.docname)


def anchor(docname: str, fragment: str = "") -> str:
    """The id on the all-in-one page of a page, or of the element ``#fragment`` in it."""
    page = "aio-" + docname.replace("/", "-")
    return f"{page}--{fragment}" if fragment else page


def reading_order(app: Sphinx) -> list[str]:
    """Every document from the root on, following the table of contents' "next" links."""
    relations = app.env.collect_relations()
    order, docname = [], app.config.root_doc
    while docname and docname not in order:
        order.append(docname)
        docname = relations.get(docname, [None, None, None])[2]
    return order


def gathered_docnames(app: Sphinx) -> list[str]:
    order = reading_order(app)
    return [docname for folder in FOLDERS for docname in order if docname.startswith(folder)]


def rebase(url: str, docname: str, gathered: set[str]) -> str:
    """A URL written on page ``docname``, as seen from aio.html at the site's root."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("mailto:", "data:", "javascript:")):
        return url
    if not parts.path:  # "#fragment" on the page itself
        return "#" + anchor(docname, parts.fragment)
    path = posixpath.normpath(posixpath.join(posixpath.dirname(docname), parts.path))
    target = path.removesuffix(".html")
    if path.endswith(".html") and target in gathered:
        return "#" + anchor(target, parts.fragment)
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return path + query + fragment


def gather(outdir: Path, docname: str, gathered: set[str]) -> GatheredPage:
    """A built page's article, with its ids prefixed and its URLs rebased onto aio.html."""
    html = outdir / f"{docname}.html"
    if not html.is_file():
        raise FileNotFoundError(f"all_in_one: {html} was not built, so aio.html cannot hold it")
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article")
    if article is None:
        raise ValueError(f"all_in_one: {html} has no <article class=\"bd-article\"> (has the theme changed?)")
    for element in article.find_all(True):
        if element.has_attr("id"):
            element["id"] = anchor(docname, element["id"])
        for attribute in ("aria-labelledby", "aria-describedby", "aria-controls", "for"):
            if element.has_attr(attribute):
                element[attribute] = " ".join(anchor(docname, name) for name in str(element[attribute]).split())
        attribute = URL_ATTRIBUTES.get(element.name)
        if attribute and element.has_attr(attribute):
            element[attribute] = rebase(str(element[attribute]), docname, gathered)
        if element.has_attr("srcset"):
            element["srcset"] = ", ".join(
                " ".join([rebase(candidate.split()[0], docname, gathered), *candidate.split()[1:]])
                for candidate in str(element["srcset"]).split(",") if candidate.strip()
            )
        if element.name == "img" and element.get("loading") == "lazy":
            del element["loading"]  # a printed page must not wait for images scrolled into view
    heading = article.find("h1")
    title = heading.get_text(" ", strip=True).removesuffix("#").strip() if heading else docname
    return GatheredPage(docname, title, article)


def page_body(project: str, pages: list[GatheredPage]) -> str:
    """The gathered pages, after a short introduction (on screen only: print shows the theme's title and contents)."""
    sections = [
        f'<section id="aio" class="lesson-aio-intro"><h1>{escape(project)}</h1>'
        f"<p>The whole lesson on one page: the episodes, then the pages for learners. "
        f'The same as a PDF, to print or read offline: <a href="{PDF}">{PDF}</a>.</p></section>'
    ]
    for page in pages:
        inner = "".join(str(child) for child in page.article.contents)
        sections.append(f'<section id="{page.anchor}" class="lesson-aio-page">{inner}</section>')
    return "\n".join(sections)


def page_toc(pages: list[GatheredPage]) -> str:
    """The table of contents the theme shows beside the page: every page and its sections."""
    items = []
    for page in pages:
        sections = [
            f'<li><a class="reference internal" href="#{heading.parent["id"]}">'
            f"{escape(heading.get_text(' ', strip=True).removesuffix('#').strip())}</a></li>"
            for heading in page.article.select("section > h2")
            if heading.parent.has_attr("id")
        ]
        nested = f"<ul>{''.join(sections)}</ul>" if sections else ""
        items.append(f'<li><a class="reference internal" href="#{page.anchor}">{escape(page.title)}</a>{nested}</li>')
    return f"<ul>{''.join(items)}</ul>"


def collect_page(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    if app.builder.format != "html" or app.builder.name != "html":
        return
    docnames = gathered_docnames(app)
    if not docnames:
        return
    outdir = Path(app.builder.outdir)
    pages = [gather(outdir, docname, set(docnames)) for docname in docnames]
    project = app.config.html_title or app.config.project  # Jupyter Book puts _config.yml's title in html_title
    context = {"title": TITLE, "pagetitle": project, "body": page_body(project, pages), "toc": page_toc(pages)}
    yield PAGE, context, "page.html"


def add_header_links(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """A group of header buttons on every page: the all-in-one page and its PDF."""
    if "header_buttons" not in context or not gathered_docnames(app):
        return
    pathto = context["pathto"]
    here = pathto(f"{PAGE}.html", 1)
    page = f"{PAGE}.html" if here == "#" else here  # on aio.html itself, pathto gives "#"
    context["header_buttons"].append({
        "type": "group",
        "tooltip": "The whole lesson",
        "icon": "fas fa-book",
        "label": "whole-lesson-buttons",
        "buttons": [
            {"type": "link", "url": page, "text": "All in one page",
             "tooltip": TITLE, "icon": "fas fa-file-lines", "label": "all-in-one-button"},
            {"type": "link", "url": pathto(PDF, 1), "text": "PDF of the lesson",
             "tooltip": "The all-in-one page as a PDF", "icon": "fas fa-file-pdf", "label": "lesson-pdf-button"},
        ],
    })


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-collect-pages", collect_page)
    # sphinx-book-theme adds its own header buttons at priority 501.
    app.connect("html-page-context", add_header_links, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
