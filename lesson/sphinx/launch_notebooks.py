"""Sphinx extension: launch buttons that open an episode as an .ipynb.

sphinx-book-theme (1.3.0, with Jupyter Book 1.0.4) points the Binder and Colab
buttons of a MyST Markdown notebook at the .md file on the repository's branch.
Colab cannot open a .md file, and JupyterLab on Binder opens it in the text
editor (jupyter-book issue #752). This extension runs after the theme and
points both buttons at ``<page>.ipynb`` on the branch named by the Sphinx
option ``launch_notebooks_branch`` (default ``notebooks``).
That branch holds the repository's files plus every episode as an executed
notebook: ``make notebooks`` writes it to ``_build/notebooks`` and
``tools/publish/publish_notebooks.sh`` pushes it (see README.md).
"""

from urllib.parse import quote

LAUNCHERS = ("Binder", "Colab")


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
        for button in group.get("buttons", []):
            if button.get("text") in LAUNCHERS and "url" in button:
                button["url"] = _notebook_url(
                    button["text"], button["url"], pagename, branch, context, app.config
                )


def setup(app):
    app.add_config_value("launch_notebooks_branch", "notebooks", "html")
    # sphinx-book-theme adds its launch buttons at priority 501.
    app.connect("html-page-context", point_launch_buttons_at_notebooks, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
