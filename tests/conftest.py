"""Shared fixtures: where the offline copies of the lesson's downloads are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
MIRROR = Path(os.environ.get("MIRROR", REPOSITORY.parent / "shared" / "mirror"))


def notebook_header(**front_matter: int) -> str:
    """The front matter of a MyST Markdown notebook, as the episodes start, plus ``front_matter``."""
    extra = "".join(f"{key}: {value}\n" for key, value in front_matter.items())
    return (
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n"
        f"{extra}---\n"
    )


@pytest.fixture
def cifar10_archive() -> Path:
    """The real CIFAR-10 archive of the offline mirror (tests that need it skip without it)."""
    archive = MIRROR / "cifar-10-python.tar.gz"
    if not archive.is_file():
        pytest.skip(f"no offline copy of CIFAR-10 at {archive}")
    return archive
