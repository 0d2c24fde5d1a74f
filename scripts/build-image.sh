#!/usr/bin/env bash
# Builds Baton's container image (the root Dockerfile) with Podman, on a machine that reaches no
# container registry:
#   1. the base: a minimal Debian made with mmdebstrap from the machine's apt mirror, plus the
#      machine's own Node.js and npm, imported with `podman import` (no registry involved). The
#      tarball is cached under ${XDG_CACHE_HOME:-$HOME/.cache}/baton/, keyed by Debian suite, Node
#      and npm versions, so only the first run on a machine pays for mmdebstrap;
#   2. `podman build --build-arg BASE=<that base> --build-arg TOOLS_FROM=tools-context`: the normal
#      multi-stage build (npm ci, tsc, production dependencies), except that the Go tools come from
#      .baton/bin (built by scripts/install-tools.sh) since no Go base image can be pulled either.
# With a registry, none of this is needed: `docker build .` or `podman build .` uses the public base.
#
#   scripts/build-image.sh [--base local|IMAGE] [--tag NAME] [--store DIR|system]
#     --base   local (default): the base described above; IMAGE: any base already in the store
#     --tag    the image name (default localhost/baton:dev)
#     --store  where images live: a private Podman store, default ${XDG_CACHE_HOME:-$HOME/.cache}/baton/podman
#              (its layer cache makes rebuilds fast and leaves the machine's own store alone);
#              `system` = the machine's default store
# Prints each step's duration; the last line is `image: NAME store: DIR`.
# Needs root (mmdebstrap, rootful Podman with runc); installs mmdebstrap with apt-get when missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/baton"
BASE=local
TAG=localhost/baton:dev
STORE="$CACHE/podman"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --base) BASE="$2"; shift 2 ;;
    --tag) TAG="$2"; shift 2 ;;
    --store) STORE="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "build-image: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "build-image: $*"; }
timed() { # timed LABEL CMD...: runs CMD and reports how long it took
  local label="$1" start=$SECONDS
  shift
  "$@"
  say "$label took $((SECONDS - start))s"
}

quietly() { # quietly LOG CMD...: CMD's output goes to LOG, shown only when CMD fails
  local log="$1"
  shift
  "$@" >"$log" 2>&1 || { tail -n 40 "$log" >&2; return 1; }
}

command -v podman >/dev/null 2>&1 || { say "ERROR: podman is not installed (scripts/install-tools.sh installs it)"; exit 1; }

# --- the Podman store ---------------------------------------------------------------------------
# runc and no default ulimits: the machine's default runtime (crun) and ulimits do not work in every
# sandbox (see packages/testing/src/podman.ts, which uses the same settings).
podman_args=()
if [[ "$STORE" != system ]]; then
  mkdir -p "$STORE"
  conf="$STORE/containers.conf"
  printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n' >"$conf"
  export CONTAINERS_CONF="$conf"
  podman_args=(--root "$STORE/storage" --runroot "$STORE/run" --storage-driver overlay)
fi
pm() { podman "${podman_args[@]}" "$@"; }

# --- the local base -----------------------------------------------------------------------------
make_local_base() {
  # The suite and mirror are the machine's own (Debian; this script is for our machines).
  local suite mirror node_version npm_dir npm_version arch key tarball
  # shellcheck disable=SC1091
  suite="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
  mirror="${DEBIAN_MIRROR:-}"
  if [[ -z "$mirror" ]]; then
    mirror="$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1 || true)"
    [[ -n "$mirror" ]] || mirror="$(grep -hsE '^deb ' /etc/apt/sources.list | awk '{print $2}' | grep -v security | head -n1 || true)"
    [[ -n "$mirror" ]] || mirror="http://deb.debian.org/debian"
  fi
  local node_bin
  node_bin="$(readlink -f "$(command -v node)")"
  node_version="$(node --version)"
  npm_dir="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
  npm_version="$(node -p "require('$npm_dir/package.json').version")"
  arch="$(dpkg --print-architecture)"
  # The recipe's own version (bump it when the packages or the layout below change).
  key="$suite-$arch-node${node_version#v}-npm$npm_version-r3"
  BASE_IMAGE="localhost/baton-base:$key"
  tarball="$CACHE/base-$key.tar"

  if pm image exists "$BASE_IMAGE"; then
    say "base $BASE_IMAGE already in the store"
    return
  fi
  if [[ ! -s "$tarball" ]]; then
    command -v mmdebstrap >/dev/null 2>&1 || timed "installing mmdebstrap" quietly "$CACHE/apt.log" \
      bash -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y mmdebstrap'
    local work
    work="$(mktemp -d "${TMPDIR:-/tmp}/baton-base.XXXXXX")"
    # shellcheck disable=SC2064
    trap "rm -rf '$work'" EXIT
    # mmdebstrap rather than debootstrap: apt downloads in parallel and dpkg skips fsync, which
    # made it 65 s instead of 312 s here. The merged-usr hook lays out /usr as Debian does now
    # without installing usrmerge (and the perl it pulls in).
    # minbase: dpkg, apt, bash, coreutils, util-linux (setpriv/unshare/prlimit for step isolation
    # when a service runs as root), passwd; plus python3 for Python steps, tini (the image's PID 1)
    # and CA certificates.
    say "mmdebstrap $suite from $mirror (first run on this machine only)..."
    timed "mmdebstrap" quietly "$work/mmdebstrap.log" mmdebstrap --variant=minbase \
      --include=python3,tini,ca-certificates --dpkgopt=force-unsafe-io \
      --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr "$suite" "$work/rootfs" "$mirror"
    local r="$work/rootfs"
    # The machine's Node.js and npm, where the official node images keep them.
    install -m 0755 "$node_bin" "$r/usr/local/bin/node"
    mkdir -p "$r/usr/local/lib/node_modules"
    cp -a "$npm_dir" "$r/usr/local/lib/node_modules/npm"
    ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$r/usr/local/bin/npm"
    ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$r/usr/local/bin/npx"
    # uid/gid 1000 named `node`, as in the official node images (the Dockerfile runs as 1000).
    chroot "$r" groupadd --gid 1000 node
    chroot "$r" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
    # No package lists, caches or docs in the image.
    rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/* "$r"/usr/share/doc/* \
      "$r"/usr/share/man/* "$r"/usr/share/info/* "$r"/var/log/* "$r"/tmp/* "$r"/root/.npm
    timed "packing the base" tar --numeric-owner -C "$r" -cf "$tarball.tmp" .
    mv -f "$tarball.tmp" "$tarball"
    # Tarballs of older recipes or other Node versions are not used again.
    find "$CACHE" -maxdepth 1 -name 'base-*.tar' ! -name "base-$key.tar" -delete
    say "cached the base tarball $tarball ($(du -h "$tarball" | cut -f1))"
  else
    say "using the cached base tarball $tarball"
  fi
  timed "importing the base" quietly "$CACHE/import.log" pm import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' "$tarball" "$BASE_IMAGE"
  # Bases of older recipes or Node versions are not used again (their layers go with the prune).
  local old
  for old in $(pm images --format '{{.Repository}}:{{.Tag}}' | grep '^localhost/baton-base:' || true); do
    [[ "$old" == "$BASE_IMAGE" ]] || pm rmi "$old" >/dev/null 2>&1 || true
  done
}

total_start=$SECONDS
# No Go base image either: the Go tools come from .baton/bin, built by scripts/install-tools.sh.
for tool in baton-isolate ferretdb-launcher; do
  [[ -x "$ROOT/.baton/bin/$tool" ]] || { say "ERROR: .baton/bin/$tool is missing: run scripts/install-tools.sh first"; exit 1; }
done
build_args=(--build-arg TOOLS_FROM=tools-context)
if [[ "$BASE" == local ]]; then
  make_local_base
  build_args+=(--build-arg "BASE=$BASE_IMAGE")
else
  build_args+=(--build-arg "BASE=$BASE")
fi

# npm in the build trusts what this machine trusts (e.g. a TLS-intercepting proxy's CA): the bundle
# is a build secret, mounted for `npm ci` only and never stored in a layer.
ca="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"
[[ -s "$ca" ]] && build_args+=(--secret "id=ca,src=$ca")

# --pull=never: every base is local here; asking a registry would only time out.
timed "podman build" pm build --pull=never "${build_args[@]}" -t "$TAG" -f "$ROOT/Dockerfile" "$ROOT"
if [[ "$STORE" != system ]]; then
  # Every build of changed sources leaves untagged layers behind; those of builds older than a week
  # go, so the private store does not grow with each run. The last build's layers stay (they are
  # the cache of the next one): its npm ci layers are ancestors of its newest layers.
  timed "pruning old layers" quietly "$STORE/prune.log" pm image prune --force --filter until=168h
fi
say "total $((SECONDS - total_start))s"
echo "image: $TAG store: $STORE"
