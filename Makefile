# Two commands for a new user: `make serve` and `make test`. Each sets up what it needs first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# Material prints a banner about MkDocs 2.0 on every build; the project tracks that in README instead.
export NO_MKDOCS_2_WARNING := 1
STAMP  := $(VENV)/.installed
# Debian packages the browser and server tests drive (never a downloaded browser).
SYSTEM_PACKAGES := chromium nginx

.PHONY: setup serve build check stats test lint system-deps clean pdf offline

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	@touch $@

setup: $(STAMP)

serve: $(STAMP)
	$(PY) -m mkdocs serve --dev-addr 127.0.0.1:8000 --livereload

build: $(STAMP)
	$(PY) -m macros build

check: $(STAMP)
	$(PY) -m macros check

stats: $(STAMP)
	$(PY) -m macros stats

# The whole handbook as one PDF (cover, contents, page numbers), printed by headless chromium.
pdf: build system-deps
	$(PY) -m macros.publish.pdf --site-dir site --out build/handbook.pdf

# A second build to read from the file system (open site-offline/index.html): no server needed.
# With VERSION=du-thao-N (and ROOT=the publish root, whose versions.json lists the drafts) it goes to
# site-offline/du-thao-N/ and every page lists the drafts, since nothing can be fetched under file://.
offline: $(STAMP)
	HANDBOOK_OFFLINE=true HANDBOOK_VERSION="$(VERSION)" HANDBOOK_VERSIONS_FILE="$(if $(ROOT),$(ROOT)/current/versions.json)" \
	  $(PY) -m macros build --site-dir site-offline$(if $(VERSION),/$(VERSION))

system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: $(STAMP)
	$(PY) -m ruff check macros tests

test: $(STAMP) system-deps lint
	$(PY) -m pytest

clean:
	rm -rf site site-offline build .pytest_cache

# The benchmark (not a test, not part of `make test`): cost of the data layer against plain MkDocs, growth to
# 1,000 pages, first visit and search in Chromium. Prints a table and ends with one summary line.
.PHONY: bench
bench: $(STAMP) system-deps
	$(PY) -m macros.bench
