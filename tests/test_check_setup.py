"""episodes/check_setup.py: the learners' setup check, on real files in throwaway folders."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import check_setup
from conftest import MIRROR, REPOSITORY

SCRIPT = REPOSITORY / "episodes" / "check_setup.py"


@pytest.fixture
def weights_file() -> Path:
    """The real MobileNet weights of the offline mirror."""
    weights = MIRROR / "keras" / "models" / check_setup.MOBILENET_WEIGHTS
    if not weights.is_file():
        pytest.skip(f"no offline copy of the MobileNet weights at {weights}")
    return weights


@pytest.fixture
def keras_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty Keras cache, and no CIFAR10_PATH."""
    home = tmp_path / "keras-home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.delenv("CIFAR10_PATH", raising=False)
    return home


def run_script(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *arguments], capture_output=True, text=True,
                          timeout=300, env=env)


def test_python_versions_outside_tensorflows_range_must_be_fixed() -> None:
    assert check_setup.check_python((3, 11)).status == "OK"
    assert check_setup.check_python((3, 13)).status == "OK"
    assert check_setup.check_python((3, 9)).status == "FIX"
    assert check_setup.check_python((3, 14)).status == "FIX"


def test_pins_follow_the_markers_of_this_computer(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        "# a comment\n"
        'tensorflow-cpu==2.21.0; sys_platform == "nonexistent"\n'
        'tensorflow==2.20.0; sys_platform != "nonexistent"\n'
        "keras==3.15.1  # trailing comment\n"
        "pytest>=9\n"
    )
    assert check_setup.read_pins(requirements) == {"tensorflow": "2.20.0", "keras": "3.15.1"}


def test_the_real_requirements_pin_every_package_the_check_knows() -> None:
    pins = check_setup.read_pins(REPOSITORY / "requirements.txt")
    names = {"tensorflow" if name.startswith("tensorflow") else name for name in pins}
    assert set(check_setup.MINIMUM_VERSIONS) <= names


def test_a_different_version_warns_and_a_missing_package_must_be_fixed(tmp_path: Path) -> None:
    installed_keras = check_setup.installed_version("keras")
    assert check_setup.check_package("keras", installed_keras, None).status == "OK"
    assert check_setup.check_package("keras", "0.1", None).status == "WARN"
    assert check_setup.check_package("keras", None, "99.0").status == "FIX"
    missing = check_setup.check_package("no-such-package-for-the-lesson", None, "1.0")
    assert missing.status == "FIX" and "pip install -r requirements.txt" in missing.message


def test_without_requirements_txt_the_minimums_apply(tmp_path: Path) -> None:
    lines = check_setup.check_packages(tmp_path / "missing-requirements.txt")
    assert [line.status for line in lines] == ["OK"] * len(check_setup.MINIMUM_VERSIONS)


def test_versions_compare_by_number() -> None:
    assert check_setup.version_key("2.21.0") > check_setup.version_key("2.9")
    assert check_setup.version_key("1.0.4.post1") == check_setup.version_key("1.0.4")


def test_an_empty_cache_asks_for_the_download(keras_home: Path) -> None:
    archive, line = check_setup.cifar10_archive()
    assert archive is None and line.status == "FIX" and "--download" in line.message
    weights = check_setup.check_weights()
    assert weights.status == "FIX" and "--from-folder" in weights.message


def test_cifar10_path_is_verified(keras_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  cifar10_archive: Path) -> None:
    monkeypatch.setenv("CIFAR10_PATH", str(cifar10_archive))
    archive, line = check_setup.cifar10_archive()
    assert archive == cifar10_archive and line.status == "OK"
    damaged = tmp_path / check_setup.CIFAR10_ARCHIVE
    damaged.write_bytes(cifar10_archive.read_bytes()[:1000])
    monkeypatch.setenv("CIFAR10_PATH", str(tmp_path))
    archive, line = check_setup.cifar10_archive()
    assert archive is None and line.status == "FIX" and "damaged" in line.message


def test_from_folder_installs_the_weights_and_the_offline_cifar10_copy(
        keras_home: Path, tmp_path: Path, weights_file: Path, cifar10_archive: Path) -> None:
    stick = tmp_path / "usb-stick"
    (stick / "models").mkdir(parents=True)
    (stick / "models" / weights_file.name).symlink_to(weights_file)
    (stick / cifar10_archive.name).symlink_to(cifar10_archive)
    lines = check_setup.install_from_folder(stick, keras_home)
    assert [line.status for line in lines] == ["WARN", "OK"]
    assert "CIFAR10_PATH" in lines[0].message  # Keras refuses the repack; the lesson reads it from CIFAR10_PATH
    assert check_setup.check_weights().status == "OK"
    archive, line = check_setup.cifar10_archive()
    assert archive is None and str(keras_home / "datasets" / cifar10_archive.name) in line.message


def test_from_folder_refuses_a_damaged_file(keras_home: Path, tmp_path: Path, weights_file: Path) -> None:
    stick = tmp_path / "usb-stick"
    stick.mkdir()
    (stick / weights_file.name).write_bytes(weights_file.read_bytes()[:100])
    lines = check_setup.install_from_folder(stick, keras_home)
    assert [line.status for line in lines] == ["FIX", "FIX"]
    assert "no cifar-10-python.tar.gz" in lines[0].message and "damaged" in lines[1].message
    assert not (keras_home / "models").exists()


def test_a_missing_folder_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    result = run_script("--from-folder", str(tmp_path / "no-such-stick"))
    assert result.returncode == 1
    assert "is not a folder" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_the_whole_check_passes_offline_and_times_a_real_step(
        keras_home: Path, weights_file: Path, cifar10_archive: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CIFAR10_PATH", str(cifar10_archive))
    (keras_home / "models").mkdir(parents=True)
    (keras_home / "models" / weights_file.name).symlink_to(weights_file)
    assert check_setup.main([]) == 0
    output = capsys.readouterr().out
    assert "CIFAR-10 images for a small CNN" in output
    assert "than the machine the site was built on" in output and "episode 2, 6. Train the model: " in output
    assert "All set" in output


def test_the_check_runs_where_numpy_is_missing(tmp_path: Path) -> None:
    """A learner whose install failed still gets the report, not an ImportError."""
    blocker = tmp_path / "numpy.py"
    blocker.write_text("raise ImportError('No module named numpy')\n")
    result = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path[:0] = [{str(tmp_path)!r}, {str(SCRIPT.parent)!r}]; "
         "import check_setup; print(check_setup.check_python())"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Python" in result.stdout


def test_the_step_time_is_compared_with_the_build_machine() -> None:
    reference = [{"cores": "2", "step_ms": "20.0", "backend": "tensorflow", "date": "2026-12-02"}]
    timings = [{"episode": "02-build-a-cnn", "section": "6. Train the model", "seconds": "20.5"},
               {"episode": "02-build-a-cnn", "section": "Callbacks", "seconds": "70"},
               {"episode": "04-transfer-learning", "section": "6. Train the new head", "seconds": "45"}]
    slower = check_setup.compare_with_reference(40.0, reference, timings)
    assert "2.0 times slower than the machine the site was built on (2 CPU cores, 20 ms, 2026-12-02)" in slower
    assert ("episode 2, 6. Train the model: 41 s; episode 2, Callbacks: 140 s; "
            "episode 4, 6. Train the new head: 90 s") in slower
    assert "2.0 times faster" in check_setup.compare_with_reference(10.0, reference, [])
    assert check_setup.compare_with_reference(10.0, [], timings) == ""


def test_the_reference_files_are_the_benchmarks() -> None:
    for path, columns in ((check_setup.REFERENCE_FILE, {"cores", "step_ms", "date"}),
                          (check_setup.TRAINING_FILE, {"episode", "section", "seconds"})):
        rows = check_setup.read_rows(path)
        assert rows and columns <= set(rows[0]), f"{path} is missing: make benchmark BENCHMARK_OPTIONS=--save"
    assert check_setup.read_rows(REPOSITORY / "no-such-file.csv") == []
