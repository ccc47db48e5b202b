# Backcare: `make run` starts the bot, `make test` runs every check. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < requirements-dev.lock | cut -d' ' -f1)
# Which databases the benchmarks run on, e.g. DATABASES="sqlite postgres" (postgres needs the
# PostgreSQL server binaries installed). Empty: each benchmark's default.
DATABASES ?=
BENCH_DATABASES = $(if $(strip $(DATABASES)),--databases $(DATABASES))

.PHONY: run test fuzz check lint format typecheck content pictures voices bench-timers bench-reminders bench-reports bench-load bench-ratings bench-audio bench-app bench-app-api app browser codec lock migrate clean

$(STAMP): requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP) codec  ## Start the bot (no TELEGRAM_BOT_TOKEN: local emulator and a chat in this terminal)
	$(BIN)/python bot.py

# The Mini App's browser tests and bench need Debian's Chromium (never a downloaded one). Installed
# here where missing (as root, with apt); a machine where it cannot be installed fails, never skips.
browser:  ## Install Debian's chromium (and an emoji font) for the Mini App's browser tests
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install chromium'" >&2; exit 1; fi; }

# The audio guide encodes with the system's libsndfile where it has one: about 3x faster than the
# copy inside the soundfile wheel (audio/codec.py; a whole track's MP3 0.9 s against 3.4 s).
# Installed here where missing (as root, with apt); elsewhere the bundled one works, only slower.
codec:  ## Install Debian's libsndfile1 (with LAME and libopus) for the audio guide, where possible
	@ldconfig -p 2>/dev/null | grep -q 'libsndfile\.so\.1 ' || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    { apt-get update -qq && apt-get install -y -qq libsndfile1; } >/dev/null \
	      || echo "could not install libsndfile1: the audio guide uses soundfile's slower copy" >&2; \
	  else echo "libsndfile1 is missing: the audio guide uses soundfile's slower copy (sudo apt-get install libsndfile1)" >&2; fi; }

test: check browser codec  ## Lint, type-check, validate content, then the whole test suite
	$(BIN)/python -m pytest

fuzz: $(STAMP)  ## 10,000 random updates through the emulator (FUZZ_UPDATES, FUZZ_SEED change them)
	FUZZ_UPDATES=$${FUZZ_UPDATES:-10000} $(BIN)/python -m pytest -q tests/fuzz

check: lint typecheck content

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(STAMP)
	$(BIN)/mypy .

content: $(STAMP)  ## Validate content/ (what authors run before committing)
	$(BIN)/python bot.py check-content

pictures: $(STAMP)  ## Redraw every picture and animation in content/media/ from content/poses/
	$(BIN)/python -m illustrations

voices: $(STAMP)  ## Render the audio guide's missing phrase clips into content/audio/clips/ (needs espeak-ng; FORCE=1: all; LIST=1: only list the clips' names)
	$(BIN)/python -m audio.voices $(if $(FORCE),--force) $(if $(LIST),--list)

migrate: $(STAMP)  ## Apply database migrations by hand (the bot also does it at start)
	$(BIN)/alembic upgrade head

bench-timers: $(STAMP)  ## 1,000 guided sessions at once against the emulator (SQLite; DATABASES="sqlite postgres")
	$(BIN)/python -m bench.timers $(BENCH_DATABASES)

bench-load: $(STAMP)  ## 500 users at 50 -> 400 updates/s, Backcare beside a bare PTB echo bot
	$(BIN)/python -m bench.load $(BENCH_DATABASES)

bench-ratings: $(STAMP)  ## The write ceiling: 1,000 people rate their session within 1 s
	$(BIN)/python -m bench.ratings $(BENCH_DATABASES)

bench-audio: $(STAMP) codec  ## A whole routine's track mixed and encoded, timed; the loop's lag while 20 render (PROFILE=1: where an Opus encode goes)
	$(BIN)/python -m bench.audio $(if $(PROFILE),--profile)

bench-reminders: $(STAMP)  ## Reminder start-up, memory, due-query and send-rate figures
	$(BIN)/python -m bench.reminders $(BENCH_DATABASES)

bench-reports: $(STAMP)  ## Chart and report drawing times; event-loop lag while 50 users ask for reports
	$(BIN)/python -m bench.reports

bench-app-api: $(STAMP)  ## The Mini App's API: 500 people post a checkpoint at once to two bot processes on one database
	$(BIN)/python -m bench.app_api $(BENCH_DATABASES)

bench-app: $(STAMP) browser  ## The Mini App in Chromium: timer accuracy, first-load bytes, Start -> first phase
	$(BIN)/python -m bench.app

app: $(STAMP)  ## The Mini App alone with an in-memory backend; prints a link to open
	$(BIN)/python -m webapp

lock:  ## Re-resolve requirements-dev.lock from pyproject.toml (needs uv)
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra postgres --python-version 3.11 -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra postgres --python-version 3.11 -o requirements-dev.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
