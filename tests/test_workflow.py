"""The GitHub Actions workflow is valid YAML and its jobs run the README's commands.

CI on GitHub cannot be run here, so this test checks what can go wrong in the
file itself: a job that stopped calling `make test` or `make backends`, a make
target, requirements file or tool that does not exist, a GPU job that does not
insist on a GPU, a Pages deployment from a branch other than main.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

REPOSITORY = Path(__file__).resolve().parent.parent
WORKFLOW = REPOSITORY / ".github" / "workflows" / "lesson.yml"
MAKE_COMMAND = re.compile(r"\bmake ((?:[^\n]|\n\s)*)")
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")  # ${{ matrix.backend }}
CPU_BACKENDS = ["jax", "torch"]


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


@pytest.fixture(scope="module")
def jobs(workflow) -> dict:
    return workflow["jobs"]


def runs(job: dict) -> list[str]:
    """The shell commands of a job's steps."""
    return [step["run"] for step in job.get("steps", []) if "run" in step]


def make_calls(job: dict) -> list[list[str]]:
    """Each `make ...` a job runs, as its words after `make` (expressions as ${{name}})."""
    commands = [EXPRESSION.sub(r"${{\1}}", run) for run in runs(job)]
    return [shlex.split(args) for run in commands for args in MAKE_COMMAND.findall(run)]


def uses(job: dict) -> list[str]:
    """The actions a job's steps use."""
    return [step["uses"] for step in job.get("steps", []) if "uses" in step]


def makefile_targets() -> set[str]:
    text = (REPOSITORY / "Makefile").read_text()
    return set(re.findall(r"^([a-z][\w-]*):", text, flags=re.MULTILINE))


def test_workflow_runs_on_pushes_to_main_and_pull_requests(workflow):
    # PyYAML reads the key `on` as the boolean True (YAML 1.1).
    triggers = workflow.get("on", workflow.get(True))
    assert "main" in triggers["push"]["branches"]
    assert "pull_request" in triggers


def test_tensorflow_job_runs_make_test(jobs):
    job = jobs["tensorflow"]
    assert "ubuntu" in job["runs-on"]
    assert ["test"] in make_calls(job)


def test_backends_job_runs_make_backends_on_jax_and_torch(jobs):
    job = jobs["backends"]
    assert "ubuntu" in job["runs-on"]
    assert job["strategy"]["matrix"]["backend"] == CPU_BACKENDS
    assert ["backends", "BACKENDS=${{matrix.backend}}"] in make_calls(job)
    # The CPU build of torch: the default Linux wheel on PyPI is the multi-GB CUDA one.
    assert "whl/cpu" in job["env"]["PIP_EXTRA_INDEX_URL"]


def test_gpu_job_needs_a_gpu_runner_and_a_visible_gpu(jobs):
    job = jobs["gpu"]
    assert {"self-hosted", "gpu"} <= set(job["runs-on"])
    backends = job["strategy"]["matrix"]["backend"]
    assert backends == CPU_BACKENDS
    (call,) = make_calls(job)
    assert call[0] == "backends"
    assert "BACKENDS_OPTIONS=--require-gpu" in call
    assert "BACKENDS_REQUIREMENTS=requirements-gpu-${{matrix.backend}}.txt" in call
    for backend in backends:
        assert (REPOSITORY / f"requirements-gpu-{backend}.txt").is_file()


def test_public_jobs_cache_keras_downloads(jobs):
    for name in ("tensorflow", "backends"):
        caches = [step for step in jobs[name]["steps"] if step.get("uses", "").startswith("actions/cache@")]
        assert caches and caches[0]["with"]["path"] == "~/.keras", name


def test_pages_publishes_the_built_site_from_main_only(jobs):
    build, pages = jobs["tensorflow"], jobs["pages"]
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_build/html"
    main_only = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert upload["if"] == main_only and pages["if"] == main_only
    assert "tensorflow" in pages["needs"]
    assert pages["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(action.startswith("actions/deploy-pages@") for action in uses(pages))


def test_every_make_call_is_a_makefile_target_named_in_the_readme(jobs):
    targets, readme = makefile_targets(), (REPOSITORY / "README.md").read_text()
    called = {call[0] for job in jobs.values() for call in make_calls(job)}
    assert called == {"test", "backends", "notebooks"}
    for target in called:
        assert target in targets, f"the Makefile has no target {target!r}"
        assert f"make {target}" in readme, f"README.md does not name `make {target}`"


def test_main_publishes_the_notebooks_branch(jobs):
    step = next(step for step in jobs["tensorflow"]["steps"] if "publish_notebooks.sh" in step.get("run", ""))
    assert step["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert step["run"].startswith("make notebooks")
    assert jobs["tensorflow"]["permissions"] == {"contents": "write"}


def test_files_the_workflow_names_exist():
    text = WORKFLOW.read_text()
    for name in set(re.findall(r"\b(?:tools/[\w/-]+\.(?:py|sh)|requirements[\w-]*\.txt)", text)):
        assert (REPOSITORY / name).is_file(), name
