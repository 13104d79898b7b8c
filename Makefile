# Two commands do all set-up on a fresh machine:
#   make preview   build the example site and preview it on http://127.0.0.1:8000/dsxx/ with live reload
#   make test      run the whole test suite (installs Debian's chromium for the browser tests)
# Both install exactly the versions in requirements/ (hash-checked); see the README, "Dependencies".
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
RUN_STAMP := $(VENV)/.run-installed
TEST_STAMP := $(VENV)/.test-installed
LATEST := .venv-latest
LOCKER := .venv-lock
UV_VERSION := 0.13.9

.PHONY: preview build check test test-latest lock messages browser vnu clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# What previewing needs, and bulletin itself (editable: the package is this folder).
$(RUN_STAMP): requirements/run.txt pyproject.toml | $(VENV)/bin/python
	$(PIP) install --require-hashes --no-deps -r requirements/run.txt
	$(PIP) install --no-deps --no-build-isolation --quiet -e .
	rm -f $(TEST_STAMP)
	touch $@

# ... and the test tools (pytest, hypothesis, Playwright, pypdf), only for the tests.
$(TEST_STAMP): requirements/test.txt $(RUN_STAMP)
	$(PIP) install --require-hashes --no-deps -r requirements/test.txt
	touch $@

preview: $(RUN_STAMP)
	$(PY) build.py serve --port $(PORT)

build: $(RUN_STAMP)
	$(PY) build.py build

check: $(RUN_STAMP)
	$(PY) build.py check

# Debian's chromium for the browser tests, with the Chinese faces the theme names for screen and print:
# Noto Sans/Serif CJK SC (黑体 and 宋体) and AR PL UKai (楷体, and 仿宋's stand-in: Debian has no simplified FangSong);
# poppler-utils renders a printed page for the README's screenshots.
BROWSER_PACKAGES := chromium fonts-noto-cjk fonts-arphic-ukai poppler-utils
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'noto serif cjk sc' \
	    || ! fc-list 2>/dev/null | grep -qi 'ar pl ukai cn'; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; \
	  else echo "browser tests need Debian's chromium and fonts: sudo apt-get install -y $(BROWSER_PACKAGES)"; fi; \
	fi

# The Nu HTML Checker (vnu.jar from npm, locked in requirements/vnu/), run with the machine's java by
# tests/test_html_valid.py; without npm or java the test is skipped and says why.
VNU_JAR := $(VENV)/vnu/node_modules/vnu-jar/build/dist/vnu.jar
vnu: $(VNU_JAR)
$(VNU_JAR): requirements/vnu/package.json requirements/vnu/package-lock.json
	@if command -v npm >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then \
	  mkdir -p $(VENV)/vnu && cp requirements/vnu/package.json requirements/vnu/package-lock.json $(VENV)/vnu/ && \
	  cd $(VENV)/vnu && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
	else echo "the HTML validity test needs npm and java (sudo apt-get install -y npm default-jre-headless)"; fi

test: $(TEST_STAMP) browser vnu
	$(PY) -m pytest

# The suite against the newest versions that pyproject.toml's ranges allow (not the lock): run it before
# refreshing the lock, and now and then to learn early what a new release breaks.
test-latest: browser
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --disable-pip-version-check --quiet --upgrade pip
	$(LATEST)/bin/python -m pip install --disable-pip-version-check --upgrade --upgrade-strategy eager -e '.[test]'
	@echo "newest allowed versions:"; $(LATEST)/bin/python -m pip list --disable-pip-version-check --format=freeze \
	  | grep -iE '^(markdown|jinja2|markupsafe|pyyaml|nh3|opencc|pagefind|livereload|tornado|watchfiles|python-slugify|python-docx|budoux|pypinyin|openpyxl|babel|pytest|hypothesis|playwright|pypdf)=='
	$(LATEST)/bin/python -m pytest

# Refresh the lock from pyproject.toml's ranges (needs the network): the newest versions, all platforms.
lock:
	test -x $(LOCKER)/bin/uv || ($(PYTHON) -m venv $(LOCKER) && $(LOCKER)/bin/python -m pip install --quiet uv==$(UV_VERSION))
	$(LOCKER)/bin/uv pip compile pyproject.toml requirements/build.in --extra test --universal --python-version 3.11 \
	  --generate-hashes --no-header --upgrade --quiet -o requirements/test.txt
	$(LOCKER)/bin/uv pip compile pyproject.toml requirements/build.in --universal --python-version 3.11 \
	  --generate-hashes --no-header --quiet -c requirements/test.txt -o requirements/run.txt

# The editors' messages: extract every _("…") of the package, merge into the Chinese catalog, compile it.
# Then translate what is new in bulletin/locale/zh_CN/LC_MESSAGES/bulletin.po and run this again.
messages: $(TEST_STAMP)
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k _ --no-location --sort-output --omit-header \
	  -o bulletin/locale/bulletin.pot .
	$(VENV)/bin/pybabel -q update -i bulletin/locale/bulletin.pot -d bulletin/locale -D bulletin \
	  --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
	$(VENV)/bin/pybabel compile --statistics -d bulletin/locale -D bulletin

clean:
	rm -rf output .cache $(VENV) $(LATEST) $(LOCKER)
