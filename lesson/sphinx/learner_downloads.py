"""Sphinx extension: every episode page offers the files a learner works in.

After each build (once ``cached_outputs`` has put the kernel's outputs back into the
executed notebooks) this writes, with :mod:`lesson.learner_files`, into
``_build/html/learner-files/``: the learner notebooks, the type-along handouts, their Colab
forms (:mod:`lesson.colab`) and the organisers' zip. The learner notebook also replaces the
build's executed notebook as the page's ``.ipynb`` download, so nothing of the build
(myst-nb, hidden assertions) reaches a learner. The page's download menu offers
the learner notebook, the handout, the zip, the Colab notebook and the Colab handout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from lesson.episodes import EPISODE_FOLDER, read_episodes
from lesson.learner_files import ZIP_NAME, write_learner_files

FOLDER = "learner-files"


COLAB_UPLOAD = ("Runs alone in any folder. If the Colab button cannot open the episode, download this file, "
                "then in Colab choose File → Upload notebook.")


def write_files(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    episodes = read_episodes(Path(app.srcdir))
    if not episodes:
        return
    config = app.env.mystnb_config
    outdir = Path(app.outdir)
    root = Path(app.srcdir)  # the Colab files carry lesson_data.py and the data files from here
    written = write_learner_files(episodes, Path(config.output_folder) / "episodes",
                                  outdir / FOLDER, app.config.html_baseurl, root)
    for notebook in written["notebooks"]:  # the page's own .ipynb download
        target = outdir / "_sources" / "episodes" / notebook.name
        if target.parent.is_dir():
            target.write_bytes(notebook.read_bytes())


def download_menu(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if not pagename.startswith(EPISODE_FOLDER):
        return
    name = pagename.removeprefix(EPISODE_FOLDER)
    base = context["pathto"](FOLDER, 1)
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        buttons = group["buttons"]
        for button in buttons:
            if button.get("label") == "download-notebook-button":
                button["text"] = "Learner notebook (.ipynb)"
                button["tooltip"] = "The episode's code and prose, with its outputs"
            elif button.get("label") == "download-source-button":
                button["text"] = "Episode source (.md)"
                button["tooltip"] = "The MyST source, for contributors"
        buttons[1:1] = [
            {"type": "link", "url": f"{base}/handouts/{name}-handout.ipynb", "text": "Type-along handout (.ipynb)",
             "tooltip": "The notebook to type into: provided code filled in, taught code left for you",
             "icon": "fas fa-keyboard", "label": "download-handout-button"},
            {"type": "link", "url": f"{base}/{ZIP_NAME}", "text": "All handouts (.zip)",
             "tooltip": "Every episode's handout with lesson_data.py and check_setup.py, for workshops",
             "icon": "fas fa-file-archive", "label": "download-handouts-zip-button"},
            {"type": "link", "url": f"{base}/colab/{name}.ipynb", "text": "Colab notebook (.ipynb)",
             "tooltip": f"The learner notebook for Google Colab. {COLAB_UPLOAD}",
             "icon": "fas fa-cloud-upload-alt", "label": "download-colab-button"},
            {"type": "link", "url": f"{base}/colab/{name}-handout.ipynb", "text": "Colab handout (.ipynb)",
             "tooltip": f"The type-along handout for Google Colab. {COLAB_UPLOAD}",
             "icon": "fas fa-cloud-upload-alt", "label": "download-colab-handout-button"},
        ]


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", download_menu, priority=900)
    app.connect("build-finished", write_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
