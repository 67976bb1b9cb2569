"""Sphinx extension: valid HTML from the lesson's extensions and outputs (the Nu HTML Checker's errors).

tests/test_site_html.py checks every built page with the Nu HTML Checker; three things the
lesson's extensions and its episodes' outputs write are errors there, and are mended here,
after every other transform has run:

- sphinx-exercise (1.2) gives every exercise's and every solution's body the same id,
  ``exercise-content`` or ``solution-content``; each gets its block's own: ``<label>-content``.
- sphinx-design (0.8) puts ``aria-controls`` on a tab's ``<label>``, where HTML does not allow
  it (the label names a radio button); the label keeps ``for``, which is what ties the two.
- pandas prints a DataFrame with a ``<style scoped>`` (no longer HTML) whose selectors reach
  beyond it; the output loses it, and _static/lesson.css holds the same three rules for every table.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

SHARED_IDS = ("exercise-content", "solution-content")
PANDAS_STYLE = re.compile(r"<style scoped>\s*\.dataframe [^<]*</style>\s*")


class MendMarkup(SphinxPostTransform):
    default_priority = 900  # after sphinx-design's tab transform (200) and myst-nb's outputs (4)
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for number, section in enumerate(self.document.findall(nodes.section)):
            if section["ids"] and section["ids"][0] in SHARED_IDS:
                owner = section.parent["ids"][0] if section.parent is not None and section.parent["ids"] else str(number)
                section["ids"][0] = f"{owner}-content"
        for node in self.document.findall(nodes.Element):
            if "aria_controls" in node.attributes and node.tagname == "sd_tab_label":
                del node["aria_controls"]
        for raw in self.document.findall(nodes.raw):
            if "html" in raw.get("format", "").split() and "<style scoped>" in raw.astext():
                text = PANDAS_STYLE.sub("", raw.astext())
                raw.children = [nodes.Text(text)]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(MendMarkup)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
