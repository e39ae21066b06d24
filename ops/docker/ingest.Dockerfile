# The ingest server (uWebSockets.js): /ws, /socket.io/, /metrics and /ingest/health on 8081.
# Build context: the repository root (docker compose -f docker-compose.prod.yml build ingest).
#
# Debian bookworm, not Alpine: the uWebSockets.js binary needs glibc, and it is built for
# Node 20 only (on another major it silently falls back to an incompatible implementation).

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
    INGEST_PORT=8081
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
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "ops/docker/http-probe.mjs", "http://127.0.0.1:8081/ingest/health"]
# node itself handles SIGTERM (drain, then exit); compose adds an init for zombie reaping.
CMD ["node", "--import", "tsx", "server/bin/ingest.ts"]
