"""Check that your computer is ready for the lesson. Run it in the episodes/ folder:

    python check_setup.py                      # check everything, change nothing
    python check_setup.py --download           # download CIFAR-10 and the MobileNet weights now
    python check_setup.py --from-folder FOLDER # install them from a copy (USB stick, shared drive)

Each line starts with OK, WARN (works, but differs from what the lesson is tested
with) or FIX (says what to do). The exit status is 1 when any line says FIX.
"""

from __future__ import annotations

import argparse
import csv
import os
import pickle
import platform
import re
import shutil
import sys
import tarfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

# lesson_data.py, beside this file, knows the lesson's downloads (it needs no NumPy to import).
from lesson_data import (
    ARCHIVE_NAME as CIFAR10_ARCHIVE,
    MIRROR_SHA256 as CIFAR10_MIRROR_SHA256,
    MOBILENET_WEIGHTS,
    MOBILENET_WEIGHTS_URL,
    OFFICIAL_SHA256 as CIFAR10_OFFICIAL_SHA256,
    WEIGHTS_SHA256,
    keras_cache_dir,
    sha256_of,
)

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE.parent / "requirements.txt"

PYTHON_SUPPORTED = ((3, 10), (3, 13))  # the Python versions TensorFlow 2.21 publishes packages for
PYTHON_TESTED = (3, 11)
INSTALL_HINT = "pip install -r requirements.txt (or: conda env create -f environment.yml)"

# The packages a learner needs, with the oldest versions that run the lesson's code;
# used when requirements.txt is not next to this folder (its pins are used when it is).
MINIMUM_VERSIONS = {
    "tensorflow": "2.16", "keras": "3.0", "numpy": "1.26", "pandas": "2.0",
    "matplotlib": "3.7", "scikit-image": "0.22", "jupyterlab": "4.0", "ipykernel": "6.0",
}
TENSORFLOW_NAMES = ("tensorflow", "tensorflow-cpu", "tensorflow-macos")

CIFAR10_KERAS_NAME = "cifar-10-batches-py-target_archive"  # what keras.datasets.cifar10 caches
MOBILENET_SHA256 = WEIGHTS_SHA256[MOBILENET_WEIGHTS]
MOBILENET_URL = MOBILENET_WEIGHTS_URL + MOBILENET_WEIGHTS
TIMING_BATCH = 64
# Measured on the machine that builds the site by `make benchmark BENCHMARK_OPTIONS=--save`.
REFERENCE_FILE = HERE.parent / "data" / "setup-check-reference.csv"
TRAINING_FILE = HERE.parent / "data" / "training-cells.csv"  # one row per training cell


@dataclass(frozen=True)
class Line:
    """One line of the report: OK, WARN or FIX, what was checked, and what was found."""

    status: str
    what: str
    message: str

    def __str__(self) -> str:
        return f"{self.status:<4}  {self.what}: {self.message}"


def ok(what: str, message: str) -> Line:
    return Line("OK", what, message)


def warn(what: str, message: str) -> Line:
    return Line("WARN", what, message)


def fix(what: str, message: str) -> Line:
    return Line("FIX", what, message)


# Python and packages ----------------------------------------------------------------------

def check_python(version: tuple[int, int] = sys.version_info[:2]) -> Line:
    """Python must be one TensorFlow publishes packages for."""
    low, high = PYTHON_SUPPORTED
    found = f"{version[0]}.{version[1]}"
    supported = f"TensorFlow 2.21 supports Python {low[0]}.{low[1]} to {high[0]}.{high[1]}"
    if not low <= version <= high:
        return fix("Python", f"{found}: {supported}. Install Python {PYTHON_TESTED[0]}.{PYTHON_TESTED[1]} "
                   "(learners/setup.md says how) and create the environment again.")
    return ok("Python", f"{found} ({supported}; the lesson is tested on {PYTHON_TESTED[0]}.{PYTHON_TESTED[1]})")


def version_key(version: str) -> tuple[int, ...]:
    """Compare versions by their leading numbers: 2.21.0 > 2.9, 1.0.4.post1 == 1.0.4."""
    numbers = []
    for part in version.split("."):
        match = re.match(r"\d+", part)
        if not match:
            break
        numbers.append(int(match.group()))
    return tuple(numbers)


def marker_applies(marker: str) -> bool:
    """Whether a requirement's environment marker holds on this computer."""
    if not marker:
        return True
    try:
        from packaging.markers import Marker
    except ImportError:  # without packaging, keep every line; TensorFlow is checked by any name
        return True
    return Marker(marker).evaluate()


def read_pins(path: Path) -> dict[str, str]:
    """Exact pins (name==version) of a requirements file that apply to this computer."""
    pins = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        match = re.match(r"^([A-Za-z0-9_.-]+)\s*==\s*([^;\s]+)\s*(?:;\s*(.+))?$", line)
        if match and marker_applies(match.group(3) or ""):
            pins[match.group(1).lower()] = match.group(2)
    return pins


def installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def check_package(name: str, pinned: str | None, minimum: str | None) -> Line:
    """One package against its pin (WARN if it differs) or its minimum (FIX if older)."""
    names = TENSORFLOW_NAMES if name in TENSORFLOW_NAMES else (name,)
    found = next(((candidate, version) for candidate in names
                  if (version := installed_version(candidate))), None)
    if found is None:
        return fix(name, f"not installed. Install the lesson's packages: {INSTALL_HINT}")
    installed_name, version = found
    label = installed_name if installed_name == name else f"{name} (as {installed_name})"
    if pinned is not None:
        if version_key(version) == version_key(pinned):
            return ok(label, version)
        return warn(label, f"{version}, but the lesson is tested with {pinned}. To match: {INSTALL_HINT}")
    if minimum is not None and version_key(version) < version_key(minimum):
        return fix(label, f"{version} is too old: the lesson needs {minimum} or newer. {INSTALL_HINT}")
    return ok(label, version)


def check_packages(requirements: Path = REQUIREMENTS) -> list[Line]:
    """The learner's packages against requirements.txt, or against built-in minimums without it."""
    pins = read_pins(requirements) if requirements.is_file() else {}
    pins = {("tensorflow" if name in TENSORFLOW_NAMES else name): version for name, version in pins.items()}
    return [check_package(name, pins.get(name), minimum) for name, minimum in MINIMUM_VERSIONS.items()]


def check_keras() -> Line:
    """Keras imports, and names its backend and that library's version."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's start-up log lines
    try:
        import keras
    except Exception as error:  # an import can fail in many ways; the message is what matters
        return fix("Keras", f"cannot be imported ({type(error).__name__}: {error}). {INSTALL_HINT}")
    backend = keras.backend.backend()
    libraries = {"tensorflow": TENSORFLOW_NAMES, "jax": ("jax",), "torch": ("torch",)}.get(backend, (backend,))
    library = next((f"{name} {version}" for name in libraries if (version := installed_version(name))), backend)
    return ok("Keras", f"{keras.__version__} on the {backend} backend ({library})")


# Data and weights ----------------------------------------------------------------------------

def environment_hint(name: str, value: Path) -> str:
    """How to set an environment variable, on every operating system."""
    return (f'set the environment variable {name} to {value} before starting Jupyter Lab: '
            f'export {name}="{value}" (Linux, macOS), setx {name} "{value}" (Windows, then open a new '
            f'terminal) or conda env config vars set {name}="{value}" (conda)')


def cifar10_archive() -> tuple[Path | None, Line]:
    """Where CIFAR-10 is (None when it is missing), and the report line."""
    location = os.environ.get("CIFAR10_PATH")
    if location:
        archive = Path(location).expanduser()
        archive = archive / CIFAR10_ARCHIVE if archive.is_dir() else archive
        if not archive.is_file():
            return None, fix("CIFAR-10", f"CIFAR10_PATH is {location}, but there is no {CIFAR10_ARCHIVE} there. "
                             "Point it at the file (or its folder), or unset it to use Keras's download.")
        digest = sha256_of(archive)
        if digest not in (CIFAR10_OFFICIAL_SHA256, CIFAR10_MIRROR_SHA256):
            return None, fix("CIFAR-10", f"{archive} (CIFAR10_PATH) is damaged or not CIFAR-10: its SHA-256 is "
                             f"{digest}. Copy it again, or unset CIFAR10_PATH and run: python check_setup.py --download")
        copy = "official archive" if digest == CIFAR10_OFFICIAL_SHA256 else "offline copy"
        return archive, ok("CIFAR-10", f"{copy} at {archive} (from CIFAR10_PATH)")
    cached = keras_cache_dir() / "datasets" / CIFAR10_KERAS_NAME
    if cached.is_file():
        if sha256_of(cached) == CIFAR10_OFFICIAL_SHA256:
            return cached, ok("CIFAR-10", f"in Keras's cache ({cached})")
        return None, fix("CIFAR-10", f"{cached} is incomplete or damaged. Delete it and run: "
                         "python check_setup.py --download")
    offline = keras_cache_dir() / "datasets" / CIFAR10_ARCHIVE
    if offline.is_file():
        return None, fix("CIFAR-10", f"an offline copy is at {offline}, but Keras cannot use it by itself: "
                         + environment_hint("CIFAR10_PATH", offline))
    return None, fix("CIFAR-10", f"not downloaded yet (163 MB). Run: python check_setup.py --download, or, without "
                     "internet, python check_setup.py --from-folder FOLDER with a copy from your instructor")


def check_weights() -> Line:
    """Episode 4's ImageNet weights in Keras's cache, checked against their SHA-256."""
    weights = keras_cache_dir() / "models" / MOBILENET_WEIGHTS
    if not weights.is_file():
        return fix("MobileNet weights", f"not in {weights.parent} yet (2 MB). Run: python check_setup.py "
                   "--download, or, without internet, python check_setup.py --from-folder FOLDER")
    if sha256_of(weights) != MOBILENET_SHA256:
        return fix("MobileNet weights", f"{weights} is damaged. Delete it and run: python check_setup.py --download")
    return ok("MobileNet weights", f"in Keras's cache ({weights})")


def read_test_images(archive: Path, count: int) -> tuple[object, object]:
    """The first ``count`` CIFAR-10 test images (NHWC uint8) and labels, read from the archive."""
    import numpy as np

    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile("cifar-10-batches-py/test_batch")
        if member is None:
            raise KeyError("test_batch")
        batch = pickle.load(member, encoding="bytes")
    images = np.asarray(batch[b"data"][:count], dtype=np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    labels = np.asarray(batch[b"labels"][:count], dtype=np.uint8).reshape(-1, 1)
    return images, labels


def training_step_ms(archive: Path | None, steps: int = 5) -> tuple[float, float, str]:
    """Median milliseconds per training step of a small CNN, the first step's seconds, and the images used."""
    import keras
    import numpy as np

    if archive is not None:
        images, labels = read_test_images(archive, TIMING_BATCH)
        source = "CIFAR-10 images"
    else:
        images = np.zeros((TIMING_BATCH, 32, 32, 3), dtype="uint8")
        labels = np.zeros((TIMING_BATCH, 1), dtype="uint8")
        source = "blank images, as CIFAR-10 is missing"
    keras.utils.set_random_seed(1)
    inputs = keras.Input(shape=(32, 32, 3))
    x = keras.layers.Rescaling(1 / 255)(inputs)
    x = keras.layers.Conv2D(16, 3, activation="relu")(x)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(10)(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    start = time.perf_counter()
    model.train_on_batch(images, labels)  # the first step also prepares the computation
    first = time.perf_counter() - start
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        model.train_on_batch(images, labels)
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2] * 1000, first, source


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file (none when it is missing, as in a copy without data/)."""
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def compare_with_reference(step_ms: float, reference: list[dict[str, str]],
                           training_cells: list[dict[str, str]]) -> str:
    """What the step time means: how it compares with the machine that built the site, per training cell."""
    if not reference:
        return ""
    row = reference[-1]
    ratio = step_ms / float(row["step_ms"])
    speed = f"{1 / ratio:.1f} times faster than" if ratio < 1 else f"{ratio:.1f} times slower than"
    text = (f". That is {speed} the machine the site was built on ({row['cores']} CPU cores, "
            f"{float(row['step_ms']):.0f} ms, {row['date']})")
    if training_cells:
        cells = "; ".join(f"episode {int(cell['episode'][:2])}, {cell['section']}: "
                          f"{float(cell['seconds']) * ratio:.0f} s" for cell in training_cells)
        text += f". On this computer the training cells should take about: {cells}"
    return text


def time_training_step(archive: Path | None, steps: int = 5) -> Line:
    """Train a small CNN for a few steps on real images (zeros without data: for timing only)."""
    try:
        step_ms, first, source = training_step_ms(archive, steps)
    except Exception as error:
        return fix("Training step", f"a small CNN could not train ({type(error).__name__}: {error}). {INSTALL_HINT}")
    comparison = compare_with_reference(step_ms, read_rows(REFERENCE_FILE), read_rows(TRAINING_FILE))
    return ok("Training step", f"{step_ms:.0f} ms per batch of {TIMING_BATCH} {source} for a small CNN "
              f"(the first step, which prepares the model, took {first:.1f} s){comparison}")


# Downloading and installing ---------------------------------------------------------------------

def download() -> list[Line]:
    """Download CIFAR-10 and the MobileNet weights through Keras, as the episodes would."""
    lines = []
    if os.environ.get("CIFAR10_PATH"):
        lines.append(ok("Download CIFAR-10", "skipped: CIFAR10_PATH names the copy the lesson uses"))
    else:
        try:
            import keras

            keras.datasets.cifar10.load_data()
            lines.append(ok("Download CIFAR-10", "done"))
        except Exception as error:  # Keras raises a bare Exception for network errors
            lines.append(fix("Download CIFAR-10", f"failed ({error}). {network_hint()}"))
    try:
        import keras

        keras.utils.get_file(MOBILENET_WEIGHTS, MOBILENET_URL, cache_subdir="models",
                             file_hash=MOBILENET_SHA256, hash_algorithm="sha256")
        lines.append(ok("Download MobileNet weights", "done"))
    except Exception as error:
        lines.append(fix("Download MobileNet weights", f"failed ({error}). {network_hint()}"))
    return lines


def network_hint() -> str:
    return ("Check your internet connection. Behind a proxy, set HTTPS_PROXY; on a certificate error, "
            "ask your IT staff or use a copy from your instructor: python check_setup.py --from-folder FOLDER")


def copy_into(source: Path, target: Path) -> None:
    """Copy a file completely or not at all (a half-copied file would look damaged)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(source, partial)
    partial.replace(target)


def find_in(folder: Path, *names: str) -> Path | None:
    """The first file with one of these names in the folder or its subfolders."""
    for name in names:
        found = sorted(folder.rglob(name))
        if found:
            return found[0]
    return None


def install_from_folder(folder: Path, home: Path) -> list[Line]:
    """Copy CIFAR-10 and the MobileNet weights from a folder into Keras's cache at ``home``."""
    if not folder.is_dir():
        return [fix("From folder", f"{folder} is not a folder. Give the folder that holds {CIFAR10_ARCHIVE} "
                    f"and {MOBILENET_WEIGHTS} (for example your USB stick).")]
    lines = []
    archive = find_in(folder, CIFAR10_ARCHIVE, CIFAR10_KERAS_NAME)
    if archive is None:
        lines.append(fix("CIFAR-10", f"no {CIFAR10_ARCHIVE} in {folder} or its subfolders"))
    else:
        digest = sha256_of(archive)
        if digest == CIFAR10_OFFICIAL_SHA256:
            target = home / "datasets" / CIFAR10_KERAS_NAME
            copy_into(archive, target)
            lines.append(ok("CIFAR-10", f"copied {archive} into Keras's cache ({target})"))
        elif digest == CIFAR10_MIRROR_SHA256:
            target = home / "datasets" / CIFAR10_ARCHIVE
            copy_into(archive, target)
            lines.append(warn("CIFAR-10", f"copied the offline copy {archive} to {target}. It holds the same "
                              "images, but Keras's own loader only accepts the official archive, so "
                              + environment_hint("CIFAR10_PATH", target)))
        else:
            lines.append(fix("CIFAR-10", f"{archive} is damaged or not CIFAR-10 (SHA-256 {digest}): copy it again"))
    weights = find_in(folder, MOBILENET_WEIGHTS)
    if weights is None:
        lines.append(fix("MobileNet weights", f"no {MOBILENET_WEIGHTS} in {folder} or its subfolders"))
    elif sha256_of(weights) != MOBILENET_SHA256:
        lines.append(fix("MobileNet weights", f"{weights} is damaged: copy it again"))
    else:
        target = home / "models" / MOBILENET_WEIGHTS
        copy_into(weights, target)
        lines.append(ok("MobileNet weights", f"copied {weights} into Keras's cache ({target})"))
    return lines


# The report -------------------------------------------------------------------------------------

def check_everything() -> list[Line]:
    """Every check, printed as it finishes (importing Keras and training take a few seconds)."""
    lines: list[Line] = []

    def report(line: Line) -> None:
        print(line, flush=True)
        lines.append(line)

    report(check_python())
    for line in check_packages():
        report(line)
    keras_line = check_keras()
    report(keras_line)
    archive, cifar_line = cifar10_archive()
    report(cifar_line)
    report(check_weights())
    if keras_line.status == "OK":
        report(time_training_step(archive))
    return lines


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check that this computer is ready for the lesson.")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--download", action="store_true",
                        help="download CIFAR-10 and the MobileNet weights into Keras's cache now")
    action.add_argument("--from-folder", type=Path, metavar="FOLDER",
                        help="install CIFAR-10 and the weights from a copied folder, without internet")
    options = parser.parse_args(arguments)
    print(f"Checking this computer for the lesson ({platform.system()} {platform.machine()}, "
          f"Python {platform.python_version()})", flush=True)
    lines: list[Line] = []
    try:
        if options.from_folder is not None:
            installed = install_from_folder(options.from_folder.expanduser(), keras_cache_dir())
            for line in installed:
                print(line, flush=True)
            lines += installed
            if any(line.status == "FIX" for line in installed):
                print("Nothing else checked: fix the lines above first.")
                return 1
        if options.download:
            downloaded = download()
            for line in downloaded:
                print(line, flush=True)
            lines += downloaded
        lines += check_everything()
    except KeyboardInterrupt:
        print("\nStopped.")
        return 1
    problems = [line for line in lines if line.status == "FIX"]
    if problems:
        print(f"\n{len(problems)} thing(s) to fix: see the FIX lines above, and learners/setup.md.")
        return 1
    print("\nAll set: you are ready for the lesson.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
