"""The lesson's own support code: what an episode is, the lesson checks, the learner files.

- ``lesson.sources``: reads MyST pages (front matter, headings, blocks, links).
- ``lesson.episodes``: the episodes, their cells with roles, sections and exercises.
- ``lesson.checks``: the conventions of ``instructors/conventions.md``, checked.
- ``lesson.learner_files``: learner notebooks, type-along handouts, Colab notebooks.
- ``lesson.sphinx``: the Sphinx extensions the book uses.

``make site`` installs this folder into the build's environment (``pip install -e .``).
Nothing here reaches a learner: learner files hold only the episodes' code.
"""
