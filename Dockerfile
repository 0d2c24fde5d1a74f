# One image for every Baton service (definition, scheduler, step-runtime, signal), the web console
# and the CLI.
# The working directory is the repository layout, so a service runs as
#   node services/<name>/dist/main.js
# (the Kubernetes manifests in k8s/base set exactly that as the container's command).
#
#   docker build -t baton .            # or: podman build -t baton .
#
# BASE must be a Debian image with Node.js >= 20.19 and npm (the default is the public Node image).
# Machines that reach no registry make one and pass it with the Go tools already built:
# scripts/build-image.sh (see docs/image.md).
ARG BASE=node:20-bookworm-slim
ARG GO_BASE=golang:1.24-bookworm
# Where the Go tools come from: tools-build (compiled here, from GO_BASE) or tools-context
# (.baton/bin of the build context, as scripts/install-tools.sh builds them there).
ARG TOOLS_FROM=tools-build

# --- Go tools: baton-isolate (confines user code when step-runtime runs as root) and
# ferretdb-launcher (a MongoDB-compatible database for development and tests).
FROM ${GO_BASE} AS tools-build
WORKDIR /src
COPY tools/baton-isolate/ baton-isolate/
COPY tools/ferretdb-launcher/ ferretdb-launcher/
# Static binaries: they do not depend on BASE's C library. The `ca` secret (see the deps stage)
# serves the module downloads too.
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export SSL_CERT_FILE=/run/secrets/ca; fi; \
    cd baton-isolate && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/baton-isolate . \
 && cd ../ferretdb-launcher && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/ferretdb-launcher .

FROM scratch AS tools-context
COPY .baton/bin/baton-isolate .baton/bin/ferretdb-launcher /out/

# Unused stages are skipped (BuildKit, Buildah), so only the chosen one is built.
FROM ${TOOLS_FROM} AS tools

# --- The workspace manifests, so the dependency layers below are reused until one of them changes.
# Every workspace is listed (test/src/image checks the list against package.json).
FROM ${BASE} AS manifests
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY packages/cli/package.json packages/cli/
COPY packages/cli/bin/ packages/cli/bin/
COPY packages/kit/package.json packages/kit/
COPY packages/model/package.json packages/model/
COPY packages/proto/package.json packages/proto/
COPY packages/schedule/package.json packages/schedule/
COPY packages/sdk/package.json packages/sdk/
COPY packages/sel/package.json packages/sel/
COPY packages/testing/package.json packages/testing/
COPY services/console/package.json services/console/
COPY services/definition/package.json services/definition/
COPY services/scheduler/package.json services/scheduler/
COPY services/signal/package.json services/signal/
COPY services/step-runtime/package.json services/step-runtime/

# --- Production dependencies, apart from the build: a change to the sources recompiles without
# reinstalling or pruning them. No install scripts, as npm 11 (our toolchain) does by default:
# none of the packages needs one (ssh2's optional native crypto falls back to JavaScript).
# Behind a TLS-intercepting proxy, pass its CA bundle as the build secret `ca`
# (--secret id=ca,src=FILE): it is mounted for the step only, never stored in a layer.
# The runtime stage builds on this one, so its layer is part of the image.
FROM manifests AS deps
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi; \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/@baton/testing packages/testing "$(npm config get cache)"

# --- Build: every dependency (TypeScript), then only what the image runs: the services, the console
# (its server, and its browser app bundled by esbuild into services/console/dist/web) and the CLI
# (not the tests, not @baton/testing), as compiled JavaScript with source maps.
FROM manifests AS build-deps
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi; \
    npm ci --ignore-scripts --no-audit --no-fund \
 && rm -rf "$(npm config get cache)"

FROM build-deps AS build
COPY tsconfig.base.json ./
COPY packages/ packages/
COPY services/ services/
RUN set -eu; \
    npx tsc -b packages/cli services/definition services/scheduler services/step-runtime services/signal services/console; \
    node services/console/scripts/build-web.mjs; \
    for dir in packages/* services/*; do \
      [ "$dir" = packages/testing ] && continue; \
      mkdir -p "/out/app/$dir"; \
      cp -a "$dir/package.json" "$dir/dist" "/out/app/$dir/"; \
    done; \
    cp -a package.json /out/app/; \
    cp -a packages/cli/bin /out/app/packages/cli/; \
    find /out/app -name '*.d.ts' -delete -o -name '*.d.ts.map' -delete

# --- Runtime: BASE with the production dependencies (the deps stage), the tools and the build.
FROM deps
# bash (Shell steps) and python3 (Python steps) run user code; tini is PID 1, so orphans of user
# code are reaped and signals reach the service. The local base already has them; the public
# Node image needs python3 and tini from Debian.
RUN set -eu; \
    missing=""; \
    command -v bash >/dev/null || missing="$missing bash"; \
    command -v python3 >/dev/null || missing="$missing python3"; \
    command -v tini >/dev/null || missing="$missing tini"; \
    if [ -n "$missing" ]; then \
      apt-get update; \
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing; \
      rm -rf /var/lib/apt/lists/*; \
    fi; \
    if ! getent passwd 1000 >/dev/null; then \
      groupadd --gid 1000 baton; \
      useradd --uid 1000 --gid 1000 --no-create-home --home-dir /tmp --shell /bin/bash baton; \
    fi
# Owned by root and not writable by the services' user: the code cannot be changed at run time.
# step-runtime finds baton-isolate at .baton/bin of the tree it runs from.
COPY --from=tools /out/ .baton/bin/
COPY --from=build /out/app/ ./
ENV NODE_ENV=production
# Plaintext health (BATON_HEALTH_PORT; in the console's container, its HTTP port), public gRPC
# 7401-7404, internal (mTLS) gRPC 7411-7414, Prometheus metrics (BATON_METRICS_PORT, as k8s/base
# sets it).
EXPOSE 7400 7401 7402 7403 7404 7411 7412 7413 7414 9464
USER 1000:1000
ENTRYPOINT ["tini", "--"]
CMD ["node", "packages/cli/bin/baton.js", "--help"]
