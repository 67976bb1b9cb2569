"""The ImageNet weights of episode 4: found in Keras's cache, or one clear error that says what to do."""

from __future__ import annotations

import os
import shutil
import urllib.error
from pathlib import Path

import pytest

import lesson_data
from lesson_data import MOBILENET_WEIGHTS, DataError, check_imagenet_weights

REPOSITORY = Path(__file__).resolve().parent.parent
MIRROR = Path(os.environ.get("MIRROR", REPOSITORY.parent / "shared" / "mirror"))


@pytest.fixture
def keras_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty Keras cache, set as KERAS_HOME and as the folder Keras already read it into."""
    home = tmp_path / "keras-home"
    home.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(home))
    from keras.src.backend import config

    monkeypatch.setattr(config, "keras_home", lambda: str(home))
    return home


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every download through Keras fail as it does offline; record what it tried."""
    from keras.src.utils import file_utils

    tried: list[str] = []

    def refuse(url: str, *args: object, **kwargs: object) -> None:
        tried.append(url)
        raise urllib.error.URLError("no network in this test")

    monkeypatch.setattr(file_utils, "urlretrieve", refuse)
    return tried


@pytest.fixture
def mirror_weights() -> Path:
    """The real MobileNet weights of the offline mirror."""
    weights = MIRROR / "keras" / "models" / MOBILENET_WEIGHTS
    if not weights.is_file():
        pytest.skip(f"no offline copy of the ImageNet weights at {weights} (see ../shared/README.md)")
    return weights


def test_missing_weights_without_network_say_which_file_and_where(keras_home: Path, no_network: list[str]) -> None:
    with pytest.raises(DataError) as failure:
        check_imagenet_weights(MOBILENET_WEIGHTS)
    message = str(failure.value)
    assert f"weights file {MOBILENET_WEIGHTS} is not in Keras's cache" in message
    assert str(keras_home / "models" / MOBILENET_WEIGHTS) in message
    assert lesson_data.MOBILENET_WEIGHTS_URL + MOBILENET_WEIGHTS in message
    assert "$KERAS_HOME" in message
    # It did try the download, and left nothing half-written in the cache.
    assert no_network == [lesson_data.MOBILENET_WEIGHTS_URL + MOBILENET_WEIGHTS]
    assert not list((keras_home / "models").iterdir())


def test_weights_in_the_cache_pass_without_network(
    mirror_weights: Path, keras_home: Path, no_network: list[str]
) -> None:
    (keras_home / "models").mkdir()
    shutil.copy(mirror_weights, keras_home / "models")
    path = check_imagenet_weights(MOBILENET_WEIGHTS)
    assert path == keras_home / "models" / MOBILENET_WEIGHTS
    assert no_network == []


def test_damaged_weights_are_not_taken_for_good_ones(
    mirror_weights: Path, keras_home: Path, no_network: list[str]
) -> None:
    (keras_home / "models").mkdir()
    truncated = keras_home / "models" / MOBILENET_WEIGHTS
    truncated.write_bytes(mirror_weights.read_bytes()[:100_000])
    with pytest.raises(DataError, match="could not be downloaded"):
        check_imagenet_weights(MOBILENET_WEIGHTS)


def test_mobilenet_loads_the_checked_weights_offline(
    mirror_weights: Path, keras_home: Path, no_network: list[str]
) -> None:
    import keras

    (keras_home / "models").mkdir()
    shutil.copy(mirror_weights, keras_home / "models")
    check_imagenet_weights(MOBILENET_WEIGHTS)
    with pytest.warns(UserWarning, match="Weights for input shape"):
        base_model = keras.applications.MobileNet(
            alpha=0.25, include_top=False, weights="imagenet", input_shape=(96, 96, 3)
        )
    assert base_model.count_params() == 218_544
    assert no_network == []
