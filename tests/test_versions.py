"""tools/build/run_versions.py tests the versions that check_setup.py and the setup page claim."""

from __future__ import annotations

import re

import pytest

import check_setup
import run_versions
from conftest import REPOSITORY


def pinned(requirement: str) -> tuple[str, str]:
    name, _, version = requirement.partition("==")
    return ("tensorflow" if name.startswith("tensorflow") else name), version


def test_the_oldest_set_is_the_oldest_that_check_setup_accepts() -> None:
    oldest = dict(pinned(requirement) for requirement in run_versions.VERSION_SETS["oldest"])
    claimed = {name: version for name, version in check_setup.MINIMUM_VERSIONS.items()
               if name not in ("jupyterlab", "ipykernel")}  # not needed to run a notebook
    assert set(oldest) == set(claimed)
    for name, version in oldest.items():
        assert version.startswith(claimed[name] + "."), f"{name}: runs {version}, check_setup claims {claimed[name]}"


def test_the_newest_set_pins_nothing() -> None:
    assert all("=" not in requirement for requirement in run_versions.VERSION_SETS["newest"])


@pytest.mark.parametrize("version_set", ["oldest", "colab"])
def test_the_setup_page_and_readme_claim_what_each_set_runs(version_set: str) -> None:
    setup = (REPOSITORY / "learners" / "setup.md").read_text()
    readme = (REPOSITORY / "README.md").read_text()
    for requirement in run_versions.VERSION_SETS[version_set]:
        name, version = pinned(requirement)
        assert re.search(rf"{re.escape(version)}\b", setup), f"learners/setup.md does not name {name} {version}"
        assert re.search(rf"{re.escape(version)}\b", readme), f"README.md's version table lacks {name} {version}"


def test_the_colab_set_pins_every_package_of_the_oldest() -> None:
    colab = dict(pinned(requirement) for requirement in run_versions.VERSION_SETS["colab"])
    oldest = dict(pinned(requirement) for requirement in run_versions.VERSION_SETS["oldest"])
    assert set(colab) == set(oldest) and all(colab.values())
    assert "2026-08-19" in run_versions.COLAB_SOURCE
