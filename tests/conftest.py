"""Shared fixtures: where the offline copies of the lesson's downloads are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
MIRROR = Path(os.environ.get("MIRROR", REPOSITORY.parent / "shared" / "mirror"))


@pytest.fixture
def cifar10_archive() -> Path:
    """The real CIFAR-10 archive of the offline mirror (tests that need it skip without it)."""
    archive = MIRROR / "cifar-10-python.tar.gz"
    if not archive.is_file():
        pytest.skip(f"no offline copy of CIFAR-10 at {archive}")
    return archive
