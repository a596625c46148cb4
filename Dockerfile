# syntax=docker/dockerfile:1
# Build stage: the same npm scripts CI runs (npm ci builds the mediasoup worker
# with meson against Debian's libraries, and the load tool; npm run build
# compiles the server and web app). The build packages are the ones the
# postinstall would install itself.
FROM node:20-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ patch pkg-config \
		meson ninja-build libuv1-dev libssl-dev libsrtp2-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler \
	&& rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# The worker build is cached outside the layers, keyed by what it is built from,
# so a change to the sources alone restores it in a second.
RUN --mount=type=cache,target=/root/.cache/rooms npm ci && npm run build && npm prune --omit=dev

# Runtime stage: compiled output, production dependencies and the worker binary,
# with the shared libraries the worker links (OpenSSL 3, libsrtp2, libuv, abseil).
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 libsrtp2-1 libuv1 \
		libabsl20220623 ca-certificates curl \
	&& rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/server/tools ./server/tools
ENV NODE_ENV=production \
	PORT=3000 \
	ROOMS_DATA_DIR=/data \
	ROOMS_WORKERS=2 \
	ROOMS_RTC_PORT=40000
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
# Media: worker i carries all its browsers on UDP and TCP port ROOMS_RTC_PORT + i,
# so 2 workers need 40000-40001 (UDP and TCP); publish one more pair per worker
# when raising ROOMS_WORKERS. No port range is needed for browsers.
EXPOSE 3000/tcp 40000-40001/udp 40000-40001/tcp
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s CMD curl -fsS http://127.0.0.1:3000/healthz || exit 1
# Behind NAT set ROOMS_LISTEN_IP=0.0.0.0 and ROOMS_ANNOUNCED_IP=<public IP>.
CMD ["node", "dist/server/server/main.js"]
