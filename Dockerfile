# syntax=docker/dockerfile:1

# The bot only: src/, commands/, scripts/deploy-commands.ts and scripts/invite-url.ts. The sandbox workspace (packages/sandbox:
# the fakes, the simulator and the demo) is kept out by .dockerignore; npm installs without it.

# ---- build: compile TypeScript with the full dependency set ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
COPY scripts/deploy-commands.ts scripts/invite-url.ts ./scripts/
RUN npm run build

# ---- deps: production dependencies only ----
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime ----
FROM node:24-bookworm-slim AS runtime
# HTTP_PORT: the public OAuth callback. OPS_HTTP_PORT: /healthz, /readyz and /metrics, on loopback
# unless OPS_HTTP_HOST says otherwise (e.g. 0.0.0.0 for a scraper on the container network).
ENV NODE_ENV=production \
    HTTP_PORT=8080 \
    OPS_HTTP_PORT=9464
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node assets ./assets
USER node
EXPOSE 8080
# Readiness on the ops port, from inside the container (an address bound to every interface is probed on loopback).
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "const h=process.env.OPS_HTTP_HOST||'127.0.0.1',a=h==='0.0.0.0'||h==='::'?'127.0.0.1':h.includes(':')?'['+h+']':h;fetch('http://'+a+':'+(process.env.OPS_HTTP_PORT||9464)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
