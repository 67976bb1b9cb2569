"""requirements.txt (pip) and environment.yml (conda) pin the same packages: the learner's, and only those.

The site's and the tests' toolchain lives in requirements-site.txt, which `make site` adds.
"""

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


# What the episodes and check_setup.py import, and what runs them: nothing of the site or the tests.
LEARNER_PACKAGES = {"tensorflow", "tensorflow-cpu", "keras", "numpy", "pandas", "matplotlib", "scikit-image",
                    "jupyterlab", "ipykernel"}


def names(requirements_file: str) -> set[str]:
    return {key.split(";")[0] for key in pins((REPOSITORY / requirements_file).read_text().splitlines())}


def test_every_requirement_is_pinned_exactly() -> None:
    for requirements_file in ("requirements.txt", "requirements-site.txt"):
        requirements = pins((REPOSITORY / requirements_file).read_text().splitlines())
        assert requirements, f"{requirements_file} lists no packages"
        loose = [name for name, specifier in requirements.items() if not specifier.startswith("==")]
        assert not loose, f"pin these with == in {requirements_file}: {loose}"


def test_learners_install_only_the_lesson_packages() -> None:
    assert names("requirements.txt") == LEARNER_PACKAGES
    assert not names("requirements.txt") & names("requirements-site.txt")
    assert {"jupyter-book", "myst-nb", "pytest", "nbval", "selenium"} <= names("requirements-site.txt")


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
