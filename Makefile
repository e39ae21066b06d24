# FingerFlow operator and developer targets. `make` alone lists them.
# Targets marked [local] act on this checkout's embedded default (npm start, ./.data);
# targets marked [compose] act on the production deployment (docker-compose.prod.yml).
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help install start test migrate psql

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: ## [local] install dependencies and build the client (npm ci)
	npm ci

start: ## [local] run the whole product on the embedded PostgreSQL (npm start)
	npm start

test: ## [local] run every test and check (npm test)
	npm test

migrate: ## [local] apply pending migrations (DATABASE_URL, or the embedded database)
	npm run --silent migrate

psql: ## [local] open psql on the database (needs npm start running for the embedded one)
	psql "$$(node --import tsx server/bin/database-url.ts)"
