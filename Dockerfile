# syntax=docker/dockerfile:1
# Build stage: the same npm scripts CI runs (npm ci builds the mediasoup worker
# against Debian's OpenSSL 3; npm run build compiles the server and web app).
FROM node:20-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ libssl-dev \
	&& rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY server/tools ./server/tools
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

# Runtime stage: compiled output, production dependencies and the worker binary.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 ca-certificates curl \
	&& rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/server/tools ./server/tools
ENV NODE_ENV=production \
	PORT=3000 \
	ROOMS_DATA_DIR=/data \
	ROOMS_RTC_MIN_PORT=40000 \
	ROOMS_RTC_MAX_PORT=40999
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000/tcp 40000-40999/udp 40000-40999/tcp
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s CMD curl -fsS http://127.0.0.1:3000/healthz || exit 1
# Behind NAT set ROOMS_LISTEN_IP=0.0.0.0 and ROOMS_ANNOUNCED_IP=<public IP>.
CMD ["node", "dist/server/server/main.js"]
