"""Fail unless Keras, on the chosen backend, sees a GPU.

The GPU job of the CI workflow runs this before the episodes, so that a runner
whose GPU is missing or whose drivers are broken fails loudly instead of
quietly running every cell on the CPU. Usage:

    python tools/build/check_gpu.py [jax|torch|tensorflow]   (default: $KERAS_BACKEND)
"""

from __future__ import annotations

import os
import sys


def gpu_devices(backend: str) -> list[str]:
    """Names of the GPUs the backend's library sees (empty when none)."""
    if backend == "jax":
        import jax

        try:
            return [str(device) for device in jax.devices("gpu")]
        except RuntimeError:  # JAX raises when it has no GPU platform at all
            return []
    if backend == "torch":
        import torch

        if not torch.cuda.is_available():
            return []
        return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    if backend == "tensorflow":
        import tensorflow as tf

        return [device.name for device in tf.config.list_physical_devices("GPU")]
    raise SystemExit(f"Unknown Keras backend {backend!r}: use jax, torch or tensorflow.")


def main() -> int:
    backend = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("KERAS_BACKEND", "tensorflow")
    os.environ["KERAS_BACKEND"] = backend
    import keras

    devices = gpu_devices(keras.backend.backend())
    if not devices:
        print(f"No GPU visible to Keras {keras.__version__} on {backend}.", file=sys.stderr)
        return 1
    print(f"Keras {keras.__version__} on {backend} sees {len(devices)} GPU(s): {', '.join(devices)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
