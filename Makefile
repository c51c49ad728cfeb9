# The two everyday commands: `make run` (the bot, SQLite by default) and `make test`.
# Without TELEGRAM_BOT_TOKEN (environment or .env) `make run` starts the sandbox: the same bot
# against a built-in Telegram with a browser chat; `klimaatbot run` itself never does that.
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench translations

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/klimaatbot run --sandbox-if-no-token

test: $(STAMP)
	$(BIN)/pytest -q -n auto --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot handlers scheduler models

bench: $(STAMP)
	$(BIN)/python -m bench $(if $(QUICK),--quick)

translations: $(STAMP)
	$(BIN)/python -m handlers.locales
