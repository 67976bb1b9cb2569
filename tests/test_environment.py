"""requirements.txt (pip) and environment.yml (conda) must pin the same packages."""

from __future__ import annotations

from pathlib import Path

import yaml
from packaging.requirements import Requirement

REPOSITORY = Path(__file__).resolve().parent.parent


def pins(lines: list[str]) -> dict[str, str]:
    """Map each requirement (name and marker) to its version specifier."""
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            found[f"{requirement.name.lower()}; {requirement.marker or ''}"] = str(requirement.specifier)
    return found


def conda_pip_lines(environment_yml: str) -> list[str]:
    """The requirement lines of the pip section of a conda environment file."""
    environment = yaml.safe_load(environment_yml)
    sections = [item for item in environment["dependencies"] if isinstance(item, dict)]
    return [line for section in sections for line in section.get("pip", [])]


def disagreements(requirements_txt: str, environment_yml: str) -> list[str]:
    """Every package whose pin differs between the two files, or that only one lists."""
    pip_pins = pins(requirements_txt.splitlines())
    conda_pins = pins(conda_pip_lines(environment_yml))
    return [
        f"{name}: requirements.txt {pip_pins.get(name)!r}, environment.yml {conda_pins.get(name)!r}"
        for name in sorted(pip_pins.keys() | conda_pins.keys())
        if pip_pins.get(name) != conda_pins.get(name)
    ]


def test_every_requirement_is_pinned_exactly() -> None:
    requirements = pins((REPOSITORY / "requirements.txt").read_text().splitlines())
    assert requirements, "requirements.txt lists no packages"
    loose = [name for name, specifier in requirements.items() if not specifier.startswith("==")]
    assert not loose, f"pin these with ==: {loose}"


def test_environment_yml_pins_what_requirements_txt_pins() -> None:
    problems = disagreements(
        (REPOSITORY / "requirements.txt").read_text(), (REPOSITORY / "environment.yml").read_text()
    )
    assert not problems, "\n".join(problems)


def test_a_different_pin_is_reported() -> None:
    environment = "dependencies:\n  - pip\n  - pip:\n      - keras==3.0.0\n      - numpy==2.4.6\n"
    assert disagreements("keras==3.15.1\nnumpy==2.4.6\n", environment) == [
        "keras; : requirements.txt '==3.15.1', environment.yml '==3.0.0'"
    ]


def test_a_package_missing_from_one_file_is_reported() -> None:
    environment = "dependencies:\n  - pip:\n      - keras==3.15.1\n"
    assert disagreements("keras==3.15.1\npandas==3.1.1\n", environment) == [
        "pandas; : requirements.txt '==3.1.1', environment.yml None"
    ]
