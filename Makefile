# Two commands do all set-up on a fresh machine:
#   make preview   build the example site and preview it on http://127.0.0.1:8000/dsxx/ with live reload
#   make test      run the whole test suite (installs Debian's chromium for the browser tests)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: preview build check test browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

preview: $(STAMP)
	$(PY) build.py serve

build: $(STAMP)
	$(PY) build.py build

check: $(STAMP)
	$(PY) build.py check

# Debian's chromium for the browser tests, and a Chinese font so that screenshots show text.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'wenquanyi\|noto sans cjk'; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	  else echo "browser tests need Debian's chromium: sudo apt-get install -y chromium fonts-wqy-microhei"; fi; \
	fi

test: $(STAMP) browser
	$(PY) -m pytest

clean:
	rm -rf output .cache $(VENV)
