"""Sphinx extension: launch buttons that open an episode as an .ipynb, and where the lesson lives.

sphinx-book-theme (1.3.0, with Jupyter Book 1.0.4) points the Binder and Colab
buttons of a MyST Markdown notebook at the .md file on the repository's branch.
Colab cannot open a .md file, and JupyterLab on Binder opens it in the text
editor (jupyter-book issue #752). This extension runs after the theme and
points both buttons at ``<page>.ipynb`` on the branch named by the Sphinx
option ``launch_notebooks_branch`` (default ``notebooks``).
That branch holds the repository's files plus every episode as an executed
notebook: ``make notebooks`` writes it to ``_build/notebooks`` and
``tools/publish/publish_notebooks.sh`` pushes it (see README.md). The launch menu
also says how to open a downloaded Colab file when the button cannot.

The repository's address (``repository.url`` in ``_config.yml``) is the one setting a
fork changes: when ``html.baseurl`` is not set, the site's address is where GitHub
Pages publishes that repository (``site_address``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from sphinx.application import Sphinx
from sphinx.config import Config

LAUNCHERS = ("Binder", "Colab")
GITHUB = re.compile(r"https://github\.com/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?/?")
SETUP_SECTION = "learners/setup"  # its section (colab-upload)= says how to upload a file to Colab


def site_address(repository_url: str) -> str:
    """Where GitHub Pages publishes a repository's site ("" for a repository elsewhere)."""
    match = GITHUB.fullmatch(repository_url.strip())
    if not match:
        return ""
    owner, repo = match["owner"].lower(), match["repo"]
    if repo.lower() == f"{owner}.github.io":  # a user's or organisation's own site
        return f"https://{repo.lower()}/"
    return f"https://{owner}.github.io/{repo}/"


def _notebook_url(text, url, pagename, branch, context, config):
    theme_options = config.html_theme_options
    launch = theme_options.get("launch_buttons", {})
    org = context.get("github_user")
    repo = context.get("github_repo")
    path = f"{pagename}.ipynb"
    if text == "Colab":
        colab = launch.get("colab_url", "").strip("/")
        return f"{colab}/github/{org}/{repo}/blob/{quote(branch)}/{path}"
    binder = launch.get("binderhub_url", "").strip("/")
    interface = {"classic": "tree", "jupyterlab": "lab/tree"}[
        launch.get("notebook_interface", "classic")
    ]
    return f"{binder}/v2/gh/{org}/{repo}/{quote(branch)}?urlpath={interface}/{path}"


def point_launch_buttons_at_notebooks(app, pagename, templatename, context, doctree):
    branch = app.config.launch_notebooks_branch
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        buttons = group.get("buttons", [])
        for button in buttons:
            if button.get("text") in LAUNCHERS and "url" in button:
                button["url"] = _notebook_url(
                    button["text"], button["url"], pagename, branch, context, app.config
                )
        if any(button.get("text") == "Colab" for button in buttons):
            buttons.append({
                "type": "link", "url": context["pathto"](SETUP_SECTION) + "#colab-upload",
                "text": "Colab, from a download",
                "tooltip": "If the Colab button cannot open the episode: download its Colab notebook or handout "
                           "(download menu), then in Colab choose File → Upload notebook.",
                "icon": "fas fa-upload", "label": "launch-colab-upload"})


def derive_site_address(app: Sphinx, config: Config) -> None:
    """Without ``html.baseurl``, the site is where GitHub Pages publishes ``repository.url``."""
    if not config.html_baseurl:
        config.html_baseurl = site_address(str(config.html_theme_options.get("repository_url", "")))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("launch_notebooks_branch", "notebooks", "html")
    app.connect("config-inited", derive_site_address)
    # sphinx-book-theme adds its launch buttons at priority 501.
    app.connect("html-page-context", point_launch_buttons_at_notebooks, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
