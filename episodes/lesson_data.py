"""CIFAR-10 for the lesson: the same arrays as ``keras.datasets.cifar10.load_data()``.

Every episode gets its data here, so that a workshop works with or without
internet. ``load_cifar10()`` looks in this order:

1. the archive named by the environment variable ``CIFAR10_PATH`` (the file
   ``cifar-10-python.tar.gz``, or a folder that holds it), for offline
   machines and workshops that hand the data out on a USB stick;
2. Keras's own cache and, when that is empty, a normal download through
   ``keras.datasets.cifar10.load_data()``, with its progress bar.

Whatever it reads is checked against known SHA-256 sums. Any failure raises
``DataError`` with one message that says what happened and what to do.
On the TensorFlow backend it also stops the pauses TensorFlow can make between
training epochs (``avoid_tensorflow_epoch_pauses()``).

Run ``python lesson_data.py`` to fetch and verify the data before a workshop.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tarfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

ENV_VAR = "CIFAR10_PATH"
ARCHIVE_NAME = "cifar-10-python.tar.gz"
DOWNLOAD_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"

# SHA-256 of the archives this module accepts.
OFFICIAL_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
MIRROR_SHA256 = "79cc11c05e064eaa17fb5eff645421dcaac4f1d19df3fbc23b2f8054607dd268"
KNOWN_SHA256 = {OFFICIAL_SHA256: "official", MIRROR_SHA256: "offline mirror"}

CLASS_NAMES = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)

TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCH = "test_batch"

Split = tuple["np.ndarray", "np.ndarray"]


class DataError(RuntimeError):
    """CIFAR-10 could not be loaded; the message says why and what to do."""


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def find_archive(location: Path) -> Path:
    """Return the CIFAR-10 archive at ``location``, a file or a folder holding it."""
    archive = location / ARCHIVE_NAME if location.is_dir() else location
    if not archive.is_file():
        raise DataError(
            f"{ENV_VAR} is set to {str(location)!r}, but there is no CIFAR-10 archive "
            f"there. Point {ENV_VAR} at the file {ARCHIVE_NAME} or at the folder that "
            f"holds it, or unset {ENV_VAR} to download the data from {DOWNLOAD_URL}."
        )
    return archive


def verify_archive(archive: Path) -> str:
    """Check the archive's SHA-256 against the known sums; return which copy it is."""
    digest = sha256_of(archive)
    if digest not in KNOWN_SHA256:
        raise DataError(
            f"{archive} is not a known copy of CIFAR-10 (its SHA-256 is {digest}). "
            "It may be truncated or corrupt. Delete it and copy or download "
            f"{ARCHIVE_NAME} again from {DOWNLOAD_URL}."
        )
    return KNOWN_SHA256[digest]


def _read_batch(archive: tarfile.TarFile, name: str) -> Split:
    """Read one pickled batch as (images NHWC uint8, labels (N, 1) uint8)."""
    import numpy as np

    member = archive.extractfile(f"cifar-10-batches-py/{name}")
    if member is None:
        raise KeyError(name)
    batch = pickle.load(member, encoding="bytes")
    rows = np.asarray(batch[b"data"], dtype=np.uint8)
    images = rows.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    labels = np.asarray(batch[b"labels"], dtype=np.uint8).reshape(-1, 1)
    return images, labels


def read_archive(archive: Path) -> tuple[Split, Split]:
    """Verify a CIFAR-10 archive and read it in memory, extracting nothing to disk."""
    import numpy as np  # here, so that check_setup.py can use this module without NumPy

    verify_archive(archive)
    try:
        with tarfile.open(archive, "r:gz") as tar:
            train = [_read_batch(tar, name) for name in TRAIN_BATCHES]
            test = _read_batch(tar, TEST_BATCH)
    except (OSError, EOFError, KeyError, tarfile.TarError, pickle.UnpicklingError) as error:
        raise DataError(
            f"{archive} has a known checksum but could not be read ({error!r}). "
            f"Copy or download {ARCHIVE_NAME} again from {DOWNLOAD_URL}."
        ) from error
    train_images = np.concatenate([images for images, _ in train])
    train_labels = np.concatenate([labels for _, labels in train])
    return (train_images, train_labels), test


def download_with_keras() -> tuple[Split, Split]:
    """Use Keras's cache, or download through Keras; turn any failure into DataError."""
    import keras

    try:
        return keras.datasets.cifar10.load_data()
    except Exception as error:  # Keras raises bare Exception for network errors.
        raise DataError(
            f"CIFAR-10 could not be downloaded from {DOWNLOAD_URL} ({error}). "
            "Check your internet connection (or proxy) and run the cell again. "
            f"Without internet, copy {ARCHIVE_NAME} from your instructor and set "
            f"the environment variable {ENV_VAR} to its path."
        ) from error


def avoid_tensorflow_epoch_pauses() -> None:
    """Switch off tf.data's autotuning, which can stall every epoch for seconds.

    On the TensorFlow backend, Keras feeds NumPy arrays to a model through a new
    tf.data pipeline each epoch. TensorFlow (2.21 and before) tunes a pipeline in
    a background thread that sleeps longer and longer between tunings. When the
    epoch ends, the pipeline tells that thread to stop, but the thread can wake,
    find the stop not yet recorded and go back to sleep; the epoch then waits
    out the sleep, seconds to tens of seconds, at random. On a 2-core machine
    this added a third to the lesson's training times. The pipelines Keras
    builds for arrays run as fast without the tuning, and results do not change.
    Other backends do not use tf.data: nothing to do there.
    """
    try:
        import keras
    except ImportError:  # the setup check reports a missing Keras; loading data needs none
        return
    if keras.backend.backend() != "tensorflow":
        return
    import tensorflow as tf

    options_init = tf.data.Options.__init__
    if getattr(options_init, "autotune_off", False):
        return

    def options_without_autotune(self: tf.data.Options) -> None:
        options_init(self)
        self.autotune.enabled = False

    options_without_autotune.autotune_off = True  # type: ignore[attr-defined]
    tf.data.Options.__init__ = options_without_autotune


def load_cifar10() -> tuple[Split, Split]:
    """Load CIFAR-10 as ``(train_images, train_labels), (test_images, test_labels)``.

    Images are uint8 arrays of shape (N, 32, 32, 3); labels are uint8 arrays of
    shape (N, 1) holding class indices into ``CLASS_NAMES``. This is exactly
    what ``keras.datasets.cifar10.load_data()`` returns. Every episode trains
    after calling it, so it also calls ``avoid_tensorflow_epoch_pauses()``.
    """
    avoid_tensorflow_epoch_pauses()
    return fetch_cifar10()


def fetch_cifar10() -> tuple[Split, Split]:
    """Find, check and read CIFAR-10, in the order the module's docstring gives."""
    location = os.environ.get(ENV_VAR)
    if location:
        return read_archive(find_archive(Path(location).expanduser()))
    return download_with_keras()


def main() -> int:
    """Fetch and verify CIFAR-10, printing OK or what to fix."""
    try:
        # Nothing trains here: no need to load Keras and TensorFlow when the archive is local.
        (train_images, _), (test_images, _) = fetch_cifar10()
    except DataError as error:
        print(f"CIFAR-10: NOT OK\n{error}", file=sys.stderr)
        return 1
    print(f"CIFAR-10: OK ({len(train_images)} training and {len(test_images)} test images)")
    return 0


if __name__ == "__main__":
    sys.exit(main())


# ImageNet weights for episode 4 ------------------------------------------------
#
# ``keras.applications`` downloads pretrained weights into Keras's cache the
# first time a model asks for them. Offline, that download fails with a bare
# "URL fetch failure". ``check_imagenet_weights()`` looks first, and turns that
# failure into a message that says which file is missing and where it goes.

MOBILENET_WEIGHTS = "mobilenet_2_5_224_tf_no_top.h5"
MOBILENET_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"

# SHA-256 of the weights files the lesson uses (equal to Keras's own table).
WEIGHTS_SHA256 = {
    MOBILENET_WEIGHTS: "dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf",
}


def keras_cache_dir() -> Path:
    """The folder where Keras keeps downloads: ``$KERAS_HOME``, by default ``~/.keras``.

    Keras's own rule (it has no public function for it): ``$KERAS_HOME`` as it was
    when Keras was imported, else ``.keras`` in the home folder, or in ``/tmp`` when
    the home folder is not writable; and ``/tmp/.keras`` when the folder exists but
    cannot be written to (``keras.utils.get_file`` falls back there).
    """
    if "KERAS_HOME" in os.environ:
        cache = Path(os.environ["KERAS_HOME"]).expanduser()
    else:
        home = Path("~").expanduser()
        cache = (home if os.access(home, os.W_OK) else Path("/tmp")) / ".keras"
    if cache.exists() and not os.access(cache, os.W_OK):
        return Path("/tmp") / ".keras"
    return cache


def check_imagenet_weights(
    file_name: str = MOBILENET_WEIGHTS, base_url: str = MOBILENET_WEIGHTS_URL
) -> Path:
    """Make sure a Keras Applications weights file is in Keras's cache; return its path.

    The file is looked up in ``$KERAS_HOME/models/`` (default ``~/.keras/models/``)
    and downloaded from ``base_url`` when it is not there, exactly as
    ``keras.applications`` would. A known file is checked against its SHA-256.
    When the file is neither there nor downloadable, raises ``DataError`` saying
    which file is missing, where to put it and where to get it.
    """
    import keras

    target = keras_cache_dir() / "models" / file_name
    origin = base_url + file_name
    try:
        path = keras.utils.get_file(
            file_name, origin, cache_subdir="models",
            file_hash=WEIGHTS_SHA256.get(file_name), hash_algorithm="sha256",
        )
    except Exception as error:  # Keras raises bare Exception for network errors.
        raise DataError(
            f"The ImageNet weights file {file_name} is not in Keras's cache (or is damaged) "
            f"and could not be downloaded from {origin} ({error}). Check your internet connection "
            "(or proxy) and run the cell again. Without internet, copy the file from "
            f"your instructor to {target} (the folder models/ inside $KERAS_HOME, "
            "by default ~/.keras)."
        ) from error
    return Path(path)
