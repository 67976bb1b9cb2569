"""The build fails on what would spoil the site: shown on tiny throwaway books.

Each book uses the lesson's own _config.yml and the Makefile's `book` target,
so these tests check the real build settings, not a copy of them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPOSITORY, notebook_header

HEADER = notebook_header()


def build_book(folder: Path, pages: dict[str, str], toc_pages: list[str]) -> subprocess.CompletedProcess[str]:
    """Write a book of ``pages`` with the lesson's configuration and build it with `make book`."""
    shutil.copy(REPOSITORY / "_config.yml", folder / "_config.yml")
    for support in ("_static",):  # the extensions come from the installed package lesson/
        if (REPOSITORY / support).is_dir():
            shutil.copytree(REPOSITORY / support, folder / support)
    chapters = "".join(f"  - file: {name}\n" for name in toc_pages[1:])
    (folder / "_toc.yml").write_text(
        f"format: jb-book\nroot: {toc_pages[0]}\n" + (f"chapters:\n{chapters}" if chapters else "")
    )
    for name, text in pages.items():
        (folder / f"{name}.md").write_text(text)
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(REPOSITORY), "book",
         f"BOOK={folder}", f"VENV={Path(sys.executable).parent.parent}"],
        capture_output=True, text=True, timeout=300,
    )


def page(title: str, body: str) -> str:
    return f"{HEADER}# {title}\n\n{body}\n"


GOOD_PAGE = page("Good", "[The other page](other.md)\n\n```{code-cell} ipython3\nprint(6 * 7)\n```")
OTHER_PAGE = page("Other", "Nothing to run here.")


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    folder = tmp_path_factory.mktemp("good-book")
    return build_book(folder, {"index": GOOD_PAGE, "other": OTHER_PAGE}, ["index", "other"])


def test_a_good_book_builds_and_runs_its_cells(good_build: subprocess.CompletedProcess[str]) -> None:
    assert good_build.returncode == 0, good_build.stdout + good_build.stderr


def test_a_cell_error_fails_the_build(tmp_path: Path) -> None:
    broken = page("Broken", "```{code-cell} ipython3\n1 / 0\n```")
    result = build_book(tmp_path, {"index": broken}, ["index"])
    assert result.returncode != 0
    assert "ZeroDivisionError" in result.stdout + result.stderr


def test_a_broken_link_fails_the_build(tmp_path: Path) -> None:
    linking = page("Linking", "[A page that does not exist](missing.md)")
    result = build_book(tmp_path, {"index": linking}, ["index"])
    assert result.returncode != 0
    assert "cross-reference target not found: 'missing.md'" in result.stdout + result.stderr


def test_a_page_missing_from_the_toc_fails_the_build(tmp_path: Path) -> None:
    result = build_book(tmp_path, {"index": OTHER_PAGE, "forgotten": OTHER_PAGE}, ["index"])
    assert result.returncode != 0
    assert "forgotten.md: WARNING: document isn't included in any toctree" in result.stdout + result.stderr
