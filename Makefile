# FingerFlow operator and developer targets. `make` alone lists them.
# Targets marked [local] act on this checkout's embedded default (npm start, ./.data);
# targets marked [compose] act on the production deployment (docker-compose.prod.yml, .env);
# targets marked [local|compose] act locally, or on the deployment with TARGET=compose.
SHELL := /bin/bash
.DEFAULT_GOAL := help

TARGET ?= local
ifeq ($(filter $(TARGET),local compose),)
$(error TARGET must be local or compose, not "$(TARGET)")
endif
# docker compose -f docker-compose.prod.yml --env-file .env, with Compose v2 checked for
# (v1 stops with a clear message) and the deployed image tag (.deploy/current-tag) named.
COMPOSE := ops/scripts/compose.sh
COMPOSE_FLAG := $(if $(filter compose,$(TARGET)),--compose)
# The deployment's public host, for `make health TARGET=compose`.
DOMAIN ?= $(shell sed -n 's/^DOMAIN=//p' .env 2>/dev/null | tail -n 1 | tr -d "\"'")
# One service for logs/restart (SERVICE=ingest), options for loadtest (ARGS="...").
SERVICE ?=
ARGS ?=

# Stops a [local] target run with TARGET=compose, naming the compose equivalent if any.
local_only = @if [ "$(TARGET)" != local ]; then echo "make $@ is [local] only$(if $(1),; for the deployment use: $(1))" >&2; exit 2; fi

.PHONY: help install start test build up down restart logs ps status health migrate compact backup restore psql loadtest bench deploy rollback rotate-secret clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: ## [local] install dependencies and build the client (npm ci)
	$(call local_only,make build TARGET=compose)
	npm ci

start: ## [local] run the whole product on the embedded PostgreSQL (npm start)
	$(call local_only,make up)
	npm start

test: ## [local] run every test and check (npm test)
	$(call local_only)
	npm test

build: ## [local|compose] build the client (npm run build:client), or the images (docker compose build)
ifeq ($(TARGET),compose)
	$(COMPOSE) build
else
	npm run build:client
endif

up: ## [compose] start or update the deployment in the background (migrations run first)
	$(COMPOSE) up -d --remove-orphans

down: ## [compose] stop and remove the containers; the database volume stays
	$(COMPOSE) down

restart: ## [compose] restart the services, or one with SERVICE=ingest
	$(COMPOSE) restart $(SERVICE)

logs: ## [compose] follow the JSON logs, or one service's with SERVICE=sidecar
	$(COMPOSE) logs --follow --tail=100 $(SERVICE)

ps: ## [compose] list the containers with their health
	$(COMPOSE) ps

status: ## [compose] same as ps
	$(COMPOSE) ps

health: ## [local|compose] check /health (local :8080, or https://$DOMAIN through Traefik)
ifeq ($(TARGET),compose)
	@test -n "$(DOMAIN)" || { echo "make health: no DOMAIN in .env (or pass DOMAIN=...)" >&2; exit 2; }
	ops/scripts/health-check.sh "https://$(DOMAIN)/health"
else
	ops/scripts/health-check.sh
endif

migrate: ## [local|compose] apply pending migrations (compose: the one-shot migrate service)
ifeq ($(TARGET),compose)
	$(COMPOSE) run --rm migrate
else
	npm run --silent migrate
endif

compact: ## [local|compose] merge the small keystroke rows of settled sessions no server compacted (CHECK=yes only counts)
ifeq ($(TARGET),compose)
	$(COMPOSE) run --rm migrate node --import tsx server/bin/compact.ts $(if $(CHECK),--check)
else
	npm run --silent compact -- $(if $(CHECK),--check)
endif

backup: ## [local|compose] dump the database into backups/, deleting backups over 7 days old
	ops/scripts/backup.sh $(COMPOSE_FLAG)

restore: ## [local|compose] restore FILE=backups/....dump (CONFIRM=yes; a safety dump is taken)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/fingerflow_backup_YYYYmmdd_HHMMSS.dump CONFIRM=yes [TARGET=compose]" >&2; exit 2; }
	ops/scripts/restore.sh "$(FILE)" $(if $(filter yes,$(CONFIRM)),--yes-i-am-sure) $(COMPOSE_FLAG)

psql: ## [local|compose] open psql on the database (local: needs npm start running)
ifeq ($(TARGET),compose)
	$(COMPOSE) exec postgres sh -c 'exec psql --username="$$POSTGRES_USER" --dbname="$$POSTGRES_DB"'
else
	@url="$$(node --import tsx server/bin/database-url.ts)" && psql "$$url"
endif

loadtest: ## [local] run the load test against npm start (npm run load; options in ARGS="...")
	$(call local_only)
	npm run load -- $(ARGS)

bench: ## [local] run the benchmarks: side by side (npm run bench), ingest path, analytics
	$(call local_only)
	npm run bench -- $(ARGS)
	npm run bench:ingest
	npm run bench:analytics

deploy: ## [compose] pull, build tagged VERSION-COMMIT, back up, migrate, start, wait for health; rolls back on failure
	ops/scripts/deploy.sh

rollback: ## [compose] run the images of an earlier deploy: make rollback TAG=0.1.0-1a2b3c4d5e6f (no TAG lists them)
	ops/scripts/rollback.sh $(TAG)

rotate-secret: ## [compose] new SECRET_KEY, old one kept as SECRET_KEY_PREVIOUS, 2FA secrets re-encrypted; FINISH=yes drops the old key
	ops/scripts/rotate-secret.sh $(if $(filter yes,$(FINISH)),--finish)

clean: ## [local] remove build outputs (client/dist, bench-*.json); keeps .data and backups
	$(call local_only)
	rm -rf client/dist bench-*.json
