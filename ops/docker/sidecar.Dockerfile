# The HTTP sidecar (Koa): /health, /auth and /api on 8080; also runs the migrate service.
# Build context: the repository root (docker compose -f docker-compose.prod.yml build sidecar).
#
# Debian bookworm, like the ingest image: one base, one set of native builds (bcrypt, msgpackr).

# --- dependencies ------------------------------------------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
# The npm 10 that comes with Node 20 ignores package.json's allowScripts (and .npmrc's
# strict-allow-scripts) and would run every package's install script; npm 11 honours them.
RUN npm install --global --no-audit --no-fund npm@11.19.1
COPY package.json package-lock.json .npmrc ./
# npm ci's postinstall builds the client (npm run build:client), so it needs the client's
# sources even here; the result is not copied into this image.
COPY client ./client
COPY shared ./shared
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime -----------------------------------------------------------------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
# Files stay owned by root: the server can read its code but not change it.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY shared ./shared
COPY server ./server
COPY sql ./sql
COPY ops/docker/http-probe.mjs ./ops/docker/http-probe.mjs
# The node images' unprivileged user (uid 1000).
USER node
EXPOSE 8080
# Alive = /health answers at all: 503 only reports that PostgreSQL is unreachable, which a
# restart of this container would not fix.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "ops/docker/http-probe.mjs", "http://127.0.0.1:8080/health", "200", "503"]
# node itself handles SIGTERM (close, then exit); compose adds an init for zombie reaping.
CMD ["node", "--import", "tsx", "server/bin/sidecar.ts"]
