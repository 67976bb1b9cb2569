"""The shared CIFAR-10 setup: real data when it is there, one clear error when it is not."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
from pathlib import Path

import numpy as np
import pytest

import lesson_data
from conftest import REPOSITORY
from lesson_data import DataError, load_cifar10


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every download through Keras fail as it does offline."""
    from keras.src.utils import file_utils

    def refuse(*args: object, **kwargs: object) -> None:
        raise urllib.error.URLError("no network in this test")

    monkeypatch.setattr(file_utils, "urlretrieve", refuse)


@pytest.fixture
def empty_keras_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty Keras cache and no CIFAR10_PATH: the loader must fall back to Keras."""
    keras_home = tmp_path / "keras-home"
    keras_home.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    monkeypatch.delenv(lesson_data.ENV_VAR, raising=False)
    from keras.src.backend import config

    monkeypatch.setattr(config, "keras_home", lambda: str(keras_home))
    return keras_home


def copy_with(source: Path, target: Path, size: int | None = None, flip_at: int | None = None) -> Path:
    """Copy ``source`` to ``target``, cut to ``size`` bytes and/or with one byte flipped."""
    data = bytearray(source.read_bytes()[:size])
    if flip_at is not None:
        data[flip_at] ^= 0xFF
    target.write_bytes(bytes(data))
    return target


def test_mirror_archive_loads_like_keras(cifar10_archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(lesson_data.ENV_VAR, str(cifar10_archive))
    (train_images, train_labels), (test_images, test_labels) = load_cifar10()
    assert train_images.shape == (50000, 32, 32, 3) and train_images.dtype == np.uint8
    assert test_images.shape == (10000, 32, 32, 3) and test_images.dtype == np.uint8
    assert train_labels.shape == (50000, 1) and test_labels.shape == (10000, 1)
    assert np.bincount(train_labels[:, 0]).tolist() == [5000] * 10
    # The published per-channel means of the training set.
    means = train_images.reshape(-1, 3).mean(axis=0) / 255
    np.testing.assert_allclose(means, [0.4914, 0.4822, 0.4465], atol=5e-4)


def test_folder_holding_the_archive_loads(cifar10_archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(lesson_data.ENV_VAR, str(cifar10_archive.parent))
    (_, train_labels), _ = load_cifar10()
    assert len(train_labels) == 50000


def test_missing_path_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(lesson_data.ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(DataError, match="no CIFAR-10 archive there.*unset CIFAR10_PATH"):
        load_cifar10()


def test_truncated_archive_is_refused(cifar10_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    truncated = copy_with(cifar10_archive, tmp_path / lesson_data.ARCHIVE_NAME, size=1_000_000)
    monkeypatch.setenv(lesson_data.ENV_VAR, str(truncated))
    with pytest.raises(DataError, match="not a known copy of CIFAR-10.*truncated or corrupt"):
        load_cifar10()


def test_archive_with_a_wrong_hash_is_refused(cifar10_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corrupt = copy_with(cifar10_archive, tmp_path / lesson_data.ARCHIVE_NAME, flip_at=5_000_000)
    monkeypatch.setenv(lesson_data.ENV_VAR, str(corrupt))
    with pytest.raises(DataError, match="its SHA-256 is"):
        load_cifar10()


def test_no_data_and_no_network_gives_one_clear_error(empty_keras_home: Path, no_network: None) -> None:
    with pytest.raises(DataError, match="could not be downloaded.*set the environment variable CIFAR10_PATH"):
        load_cifar10()
    # Keras looked in this cache, and nothing half-downloaded or half-extracted stays there.
    assert (empty_keras_home / "datasets").is_dir()
    assert not [path for path in (empty_keras_home / "datasets").rglob("*") if path.is_file()]


def test_truncated_keras_cache_without_network_gives_the_clear_error(
    cifar10_archive: Path, empty_keras_home: Path, no_network: None
) -> None:
    datasets = empty_keras_home / "datasets"
    datasets.mkdir()
    copy_with(cifar10_archive, datasets / "cifar-10-batches-py-target_archive", size=1_000_000)
    with pytest.raises(DataError, match="could not be downloaded"):
        load_cifar10()


def test_command_line_reports_ok_or_what_to_fix(
    cifar10_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(lesson_data.ENV_VAR, str(cifar10_archive))
    assert lesson_data.main() == 0
    assert "CIFAR-10: OK" in capsys.readouterr().out
    monkeypatch.setenv(lesson_data.ENV_VAR, str(tmp_path))
    assert lesson_data.main() == 1
    assert "CIFAR-10: NOT OK" in capsys.readouterr().err


def test_keras_pipelines_for_arrays_skip_the_tuning_that_stalls_epochs(monkeypatch: pytest.MonkeyPatch) -> None:
    tf = pytest.importorskip("tensorflow")
    from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter

    # Whatever the function does to tf.data.Options is undone after this test.
    monkeypatch.setattr(tf.data.Options, "__init__", tf.data.Options.__init__)
    lesson_data.avoid_tensorflow_epoch_pauses()
    patched_init = tf.data.Options.__init__
    lesson_data.avoid_tensorflow_epoch_pauses()  # the next episode in the same kernel
    assert tf.data.Options.__init__ is patched_init

    images, labels = np.zeros((4, 32, 32, 3), dtype="uint8"), np.zeros(4, dtype="uint8")
    dataset = ArrayDataAdapter(images, labels, batch_size=2, shuffle=True).get_tf_dataset()
    assert dataset.options().autotune.enabled is False
    assert [len(batch[0]) for batch in dataset] == [2, 2]


def test_other_backends_keep_tf_data_as_it_is() -> None:
    pytest.importorskip("tensorflow")
    # A fresh process, told that Keras runs on JAX; TensorFlow is still importable there.
    script = (
        "import keras, lesson_data, tensorflow as tf\n"
        "keras.backend.backend = lambda: 'jax'\n"
        "lesson_data.avoid_tensorflow_epoch_pauses()\n"
        "print(tf.data.Options().autotune.enabled)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPOSITORY / "episodes",
        capture_output=True, text=True, check=True,
    )
    assert result.stdout.strip() == "None"
