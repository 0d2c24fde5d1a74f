#!/usr/bin/env bash
# Installs the local tools Baton's dev stack and tests need, into <repo>/.baton/bin (git-ignored):
#   - ferretdb-launcher (our embedded FerretDB 1.24.2, built from tools/ferretdb-launcher)
#   - baton-isolate (step-runtime's confinement of user code, built from tools/baton-isolate)
#   - k8s-validate (strict offline check of rendered manifests, built from tools/k8s-validate)
#   - grpcurl v1.9.3
#   - protoc-gen-go and protoc-gen-go-grpc (scripts/gen-clients.sh), and the Go client's modules
#     (go mod download, so the client tests build offline from the module cache)
#   - redis-server, jq, the PostgreSQL and MariaDB servers the SQL step tests start privately,
#     python3-nbclient / python3-ipykernel for Notebook steps, python3-grpc-tools (+ python3-grpcio)
#     for the Python client, podman + runc + busybox-static for Docker steps, chromium for the
#     console's browser tests
#     (system packages, via apt-get when missing)
# Idempotent: skips whatever is already present and up to date. Works from any cwd.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.baton/bin"
LAUNCHER_SRC="$ROOT/tools/ferretdb-launcher"
ISOLATE_SRC="$ROOT/tools/baton-isolate"
GRPCURL_VERSION="v1.9.3"
# The Go client's generators; clients/go/go.mod pins the runtime they generate for.
PROTOC_GEN_GO_VERSION="v1.36.11"
PROTOC_GEN_GO_GRPC_VERSION="v1.5.1"
mkdir -p "$BIN"

say() { echo "install-tools: $*"; }

command -v go >/dev/null 2>&1 || { say "ERROR: go is not on PATH (needed to build the launcher and grpcurl)"; exit 1; }

# --- our Go tools -------------------------------------------------------------
# build_go_tool <name> <source dir> <message> <go build command...>: builds $BIN/<name> with the
# command (plus `-o <out> .`) unless the stamp beside the binary — a hash of the tool's go.mod,
# go.sum and non-test .go files, and the Go version — says the binary is current.
build_go_tool() {
  local name="$1" src="$2" message="$3"
  shift 3
  local out="$BIN/$name" stamp="$BIN/$name.sha256" want start
  want="$(cd "$src" && cat go.mod $([[ -f go.sum ]] && echo go.sum) $(ls *.go | grep -v _test.go) | sha256sum | cut -d' ' -f1) $(go env GOVERSION)"
  if [[ -x "$out" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    say "$name up to date ($out)"
    return
  fi
  say "$message"
  start=$SECONDS
  (cd "$src" && "$@" -o "$out.tmp" .)
  mv -f "$out.tmp" "$out"
  printf '%s\n' "$want" >"$stamp"
  say "built $name in $((SECONDS - start))s -> $out"
}

build_go_tool ferretdb-launcher "$LAUNCHER_SRC" \
  "building ferretdb-launcher (the first build downloads Go modules and may take a few minutes)..." \
  go build -trimpath
# Static (CGO_ENABLED=0): its PID-namespace init relies on raw syscalls only.
build_go_tool baton-isolate "$ISOLATE_SRC" "building baton-isolate..." \
  env CGO_ENABLED=0 go build -trimpath -ldflags='-s -w'
# The k8s tests pipe `kubectl kustomize` output through it.
build_go_tool k8s-validate "$ROOT/tools/k8s-validate" \
  "building k8s-validate (Kubernetes API types; the first build takes a minute or two)..." \
  go build -trimpath

# --- grpcurl ---------------------------------------------------------------
grpcurl="$BIN/grpcurl"
if [[ -x "$grpcurl" ]] && go version -m "$grpcurl" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+github.com/fullstorydev/grpcurl[[:space:]]+$GRPCURL_VERSION([[:space:]]|$)"; then
  say "grpcurl $GRPCURL_VERSION up to date ($grpcurl)"
else
  say "installing grpcurl $GRPCURL_VERSION..."
  GOBIN="$BIN" go install "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION"
  say "installed grpcurl $GRPCURL_VERSION -> $grpcurl"
fi

# --- protoc-gen-go, protoc-gen-go-grpc, the Go client's modules -------------------
go_tool() { # <binary> <module of the binary> <version> <package>
  if [[ -x "$BIN/$1" ]] && go version -m "$BIN/$1" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+$2[[:space:]]+$3([[:space:]]|$)"; then
    say "$1 $3 up to date"
  else
    say "installing $1 $3..."
    GOBIN="$BIN" go install "$4@$3"
  fi
}
go_tool protoc-gen-go google.golang.org/protobuf "$PROTOC_GEN_GO_VERSION" google.golang.org/protobuf/cmd/protoc-gen-go
go_tool protoc-gen-go-grpc google.golang.org/grpc/cmd/protoc-gen-go-grpc "$PROTOC_GEN_GO_GRPC_VERSION" \
  google.golang.org/grpc/cmd/protoc-gen-go-grpc
(cd "$ROOT/clients/go" && go mod download)

# --- redis-server, jq, PostgreSQL, MariaDB (Debian packages) ------------------
# redis-server: the tests and the local stack start their own on free ports.
# jq: the README's grpcurl walkthrough wraps definition files with it.
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v jq >/dev/null 2>&1 || missing+=(jq)
# PostgreSQL and MariaDB server binaries: the SQL step tests start private servers from them.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
command -v mariadbd >/dev/null 2>&1 || missing+=(mariadb-server)
# Jupyter's nbclient and an IPython kernel for Notebook steps (Debian's python3).
/usr/bin/python3 -c 'import nbclient, ipykernel' >/dev/null 2>&1 || missing+=(python3-nbclient python3-ipykernel)
# The Python client's stubs are generated by, and run on, Debian's gRPC (python3-grpcio comes with it).
/usr/bin/python3 -c 'import grpc_tools.protoc, grpc' >/dev/null 2>&1 || missing+=(python3-grpc-tools python3-grpcio)
# Podman (Docker Engine API for Docker steps), runc, and busybox-static for the local test image.
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || missing+=(runc)
[[ -x /bin/busybox ]] || missing+=(busybox-static)
# zsh and fish: the CLI's completion scripts are checked in each shell.
command -v zsh >/dev/null 2>&1 || missing+=(zsh)
command -v fish >/dev/null 2>&1 || missing+=(fish)
# Chromium: the console's browser tests and benchmark drive it with playwright-core (never a download).
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
if [[ ${#missing[@]} -eq 0 ]]; then
  say "redis-server, jq, PostgreSQL, MariaDB, Jupyter (nbclient, ipykernel), gRPC for Python, Podman, zsh, fish and Chromium present"
else
  say "installing ${missing[*]} with apt-get..."
  SUDO=""
  if [[ "$(id -u)" != "0" ]]; then SUDO="sudo"; fi
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}"
  say "installed ${missing[*]}"
fi

say "done; tools in $BIN"
