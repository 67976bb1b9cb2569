# IPython kernel settings for the build, the tests and the benchmark (the Makefile installs this).
# Output written by C code (TensorFlow's start-up log) goes to the terminal, not into a cell,
# so every cell's outputs are the same from run to run.
c.IPKernelApp.capture_fd_output = False  # noqa: F821 (IPython defines c)
