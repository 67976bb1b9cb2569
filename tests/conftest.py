"""Shared fixtures: where the offline copies of the lesson's downloads are; the built site in a browser."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
SITE = REPOSITORY / "_build" / "html"  # `make site`
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


@pytest.fixture(scope="module")
def site_url():
    """The built site, served on 127.0.0.1 (tests/browser_checks.py)."""
    from browser_checks import serve

    if not (SITE / "index.html").exists():
        pytest.fail(f"{SITE} has no built site: run `make site` first.")
    with serve(SITE) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless Chromium for one test module (tests/browser_checks.py)."""
    from browser_checks import start_browser

    driver = start_browser(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()
