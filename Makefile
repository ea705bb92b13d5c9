# One entry point for the course. Every target does its own set-up and is safe to run again.
#   make run     train and evaluate the reference (profile: $DAE_PROFILE, else full on a GPU, quick on a CPU)
#   make test    the test suite (smoke and quick trainings, error paths)
#   make full    the tutorial's 20-epoch training and the test that checks its result
#   make bench   the training-speed benchmark
#   make bench-gpu  the 20-epoch reference timed on a GPU (says so and stops where there is none);
#                TensorFlow needs the `gpu` extra to see an NVIDIA GPU: .venv/bin/pip install -e '.[gpu]'
#   make lessons regenerate the student notebooks lessons/ from solutions/ (nbgrader)
#   make e2e     the end-to-end tests: the course on a real JupyterHub, and in a headless Chromium
#   make student-image-context  the student image's build context in runs/student-image/ (deploy/README.md)

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
EXTRAS ?= course,test

LESSONS := $(notdir $(wildcard solutions/0*))
# JupyterHub's proxy, from the npm registry, at the versions tests/e2e/package-lock.json pins.
E2E_NODE := .e2e/node
# The exchange server, ngshare, in an environment of its own (its 0.6.0 needs SQLAlchemy below 2),
# as a hub service runs in a pod of its own; its client, ngshare-exchange, goes into the course's
# environment without its stale pins (deploy/exchange-requirements.txt).
NGSHARE_VENV := .e2e/ngshare-venv

.PHONY: setup data sandbox run test full bench bench-gpu lessons e2e e2e-setup student-image-context clean

setup: $(VENV)/.installed data sandbox

# PYTHONWARNINGS=ignore: setuptools prints a banner on every editable install, a notice that reads like an error.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore $(PY) -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $@

data: $(VENV)/.installed
	scripts/install-data.sh $(PY)

# bubblewrap: the sandbox each graded notebook's kernel runs in (autograder/sandbox.py)
sandbox:
	scripts/install-bubblewrap.sh

run: setup
	$(PY) -m dae_reference run

# Two workers (pytest-xdist), each test file whole on one of them (tests/conftest.py); TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2

test: setup
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

full: setup
	$(PY) -m dae_reference run --profile full --out runs/full
	$(PY) -m pytest -m full

bench: setup
	$(PY) benchmarks/train_speed.py

bench-gpu: setup
	$(PY) benchmarks/gpu_train.py --out runs/gpu_train.json

e2e: e2e-setup
	$(PY) -m pytest -m e2e tests/e2e

e2e-setup: setup $(VENV)/.installed-e2e $(E2E_NODE)/.installed $(NGSHARE_VENV)/.installed
	scripts/install-chromium.sh

$(VENV)/.installed-e2e: $(VENV)/.installed deploy/exchange-requirements.txt deploy/install-exchange-client.sh
	PYTHONWARNINGS=ignore $(PY) -m pip install --quiet -e '.[$(EXTRAS),e2e]'
	deploy/install-exchange-client.sh $(PY)
	touch $@

$(NGSHARE_VENV)/.installed: tests/e2e/ngshare-requirements.txt
	test -x $(NGSHARE_VENV)/bin/python || $(PYTHON) -m venv $(NGSHARE_VENV)
	$(NGSHARE_VENV)/bin/python -m pip install --quiet -r tests/e2e/ngshare-requirements.txt
	touch $@

$(E2E_NODE)/.installed: tests/e2e/package.json tests/e2e/package-lock.json
	mkdir -p $(E2E_NODE)
	cp tests/e2e/package.json tests/e2e/package-lock.json $(E2E_NODE)/
	npm ci --prefix $(E2E_NODE) --no-audit --no-fund --loglevel=error
	touch $@

# nbgrader reads autograder/nbgrader_config.py from its working directory and
# runs alembic from PATH.
lessons: setup
	cd autograder && for lesson in $(LESSONS); do \
	  PATH="$(abspath $(VENV))/bin:$$PATH" nbgrader generate_assignment --force --no-db --log-level=WARN $$lesson || exit 1; \
	done

STUDENT_CONTEXT ?= runs/student-image
student-image-context: setup
	rm -rf $(STUDENT_CONTEXT) && $(PY) -m deploy.student_build $(STUDENT_CONTEXT)

clean:
	rm -rf runs .pytest_cache .e2e tests/e2e/artifacts
