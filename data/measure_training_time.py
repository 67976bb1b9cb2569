"""Time one training epoch of the lesson's small CNN and add a row to training-times.csv.

Episode 3 shows the table this script fills. The training is the same on every
machine: the small CNN that episode 3 trains when episode 2's model is missing,
50,000 CIFAR-10 training images, batch size 128, two epochs. The first epoch
includes compiling the computation graph, so the row records the second one.
Run it on the machine to measure, from the repository root, with CIFAR-10 at
hand (see episodes/lesson_data.py):

    KERAS_BACKEND=tensorflow python data/measure_training_time.py

Only measured rows belong in the table: never type one in by hand.
"""

from __future__ import annotations

import csv
import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import keras

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "episodes"))
from lesson_data import load_cifar10  # noqa: E402

TABLE = HERE / "training-times.csv"
COLUMNS = ("device", "hardware", "cores", "backend", "keras", "images", "batch_size",
           "epoch_seconds", "date", "source")
BATCH_SIZE = 128


class EpochTimer(keras.callbacks.Callback):
    """Record the wall time of every epoch."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)


def small_cnn() -> keras.Model:
    """The fallback CNN of episode 3 (keep the two equal)."""
    inputs = keras.Input(shape=(32, 32, 3))
    x = keras.layers.Conv2D(16, 3, activation="relu")(inputs)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(32, 3, activation="relu")(x)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(10)(x)
    return keras.Model(inputs, outputs, name="cifar10_cnn_quick")


def device_type() -> str:
    """"GPU" when the backend trains on a GPU, else "CPU"."""
    if keras.backend.backend() == "torch":  # keras.distribution does not support torch
        import torch

        return "GPU" if torch.cuda.is_available() else "CPU"
    return "GPU" if keras.distribution.list_devices()[0].lower().startswith("gpu") else "CPU"


def hardware(device: str) -> str:
    """The processor's name: nvidia-smi's for a GPU, lscpu's model name for a CPU."""
    if device == "GPU":
        query = ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"]
        return subprocess.run(query, capture_output=True, text=True, check=True).stdout.splitlines()[0]
    for line in subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def main() -> int:
    (train_images, train_labels), _ = load_cifar10()
    train_images = train_images.astype("float32") / 255
    keras.utils.set_random_seed(3)
    model = small_cnn()
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    timer = EpochTimer()
    model.fit(train_images, train_labels, epochs=2, batch_size=BATCH_SIZE, verbose=2,
              callbacks=[timer])
    device = device_type()
    row = {
        "device": device,
        "hardware": hardware(device),
        "cores": len(os.sched_getaffinity(0)),
        "backend": keras.backend.backend(),
        "keras": keras.__version__,
        "images": len(train_images),
        "batch_size": BATCH_SIZE,
        "epoch_seconds": round(timer.seconds[1], 1),
        "date": datetime.date.today().isoformat(),
        "source": "data/measure_training_time.py (second of two epochs)",
    }
    new_table = not TABLE.exists()
    with open(TABLE, "a", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS)
        if new_table:
            writer.writeheader()
        writer.writerow(row)
    print(row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
