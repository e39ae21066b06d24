# The web client: the Svelte app built by Vite (client/dist), served by nginx as a non-root
# user on 8080 with ops/docker/nginx.conf. Traefik sends it every path the sidecar and the
# ingest replicas do not take.
# Build context: the repository root (docker compose -f docker-compose.prod.yml build client).

# --- build -------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# The npm 10 that comes with Node 20 ignores package.json's allowScripts (and .npmrc's
# strict-allow-scripts) and would run every package's install script; npm 11 honours them.
RUN npm install --global --no-audit --no-fund npm@11.19.1
# tsconfig.json: client/tsconfig.json extends it, and Vite stops without it.
COPY package.json package-lock.json .npmrc tsconfig.json ./
COPY client ./client
COPY shared ./shared
# All dependencies (Vite and Svelte are dev dependencies); npm ci's postinstall builds the
# client (client/postinstall.mjs). Building again explicitly keeps this image right should
# that hook ever change, for a few seconds.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
RUN npm run build:client && test -f client/dist/index.html

# --- runtime -----------------------------------------------------------------------------
# nginx-unprivileged: nginx's own image, rebuilt to run as uid 101 and listen on 8080.
# 1.30 is nginx's stable branch (1.27 was a mainline branch, superseded); the image is
# Debian-based, so the HEALTHCHECK's curl is there.
FROM nginxinc/nginx-unprivileged:1.30
COPY ops/docker/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /app/client/dist /usr/share/nginx/html
USER 101
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
  CMD ["curl", "--fail", "--silent", "--output", "/dev/null", "http://127.0.0.1:8080/nginx-health"]
