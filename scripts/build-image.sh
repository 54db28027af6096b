#!/usr/bin/env bash
# Build the reference server image (FROM scratch: nothing is pulled).
#
#   scripts/build-image.sh [TAG]        -> logout-server:TAG   (default: logout-server:latest)
#   scripts/build-image.sh NAME:TAG     -> NAME:TAG            (an argument with ':' or '/' is a full reference)
#
# Steps: a static logout-server binary is built into target/static (its own target dir,
# so the main target/ is not rebuilt with different RUSTFLAGS), staged with
# docker/Dockerfile in a temporary build context, and `docker build` runs there.
# Env: STATIC_TARGET_DIR (default <repo>/target/static), SKIP_ENSURE_DOCKER=1 to not
# call scripts/ensure-docker.sh first.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARG="${1:-latest}"
case "${ARG}" in
    *:*|*/*) REF="${ARG}" ;;
    *) REF="logout-server:${ARG}" ;;
esac
TRIPLE=x86_64-unknown-linux-gnu
TARGET_DIR="${STATIC_TARGET_DIR:-${ROOT}/target/static}"
BIN="${TARGET_DIR}/${TRIPLE}/release/logout-server"

say() { echo "build-image: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

if [ "${SKIP_ENSURE_DOCKER:-0}" != 1 ]; then
    "${ROOT}/scripts/ensure-docker.sh"
fi

say "building static logout-server (target dir ${TARGET_DIR})"
# --target keeps proc-macros and build scripts dynamic; only the final binary is static.
(
    cd "${ROOT}"
    CARGO_TARGET_DIR="${TARGET_DIR}" \
    RUSTFLAGS="-C target-feature=+crt-static" \
    CARGO_PROFILE_RELEASE_STRIP=symbols \
        cargo build --release -p logout-server --bin logout-server --target "${TRIPLE}"
) || die "cargo build of the static logout-server failed"

[ -x "${BIN}" ] || die "expected binary not found: ${BIN}"
# A dynamic binary has a PT_INTERP program header; it could not start in FROM scratch.
if command -v readelf >/dev/null 2>&1 && readelf -lW "${BIN}" | grep -q 'Requesting program interpreter'; then
    die "${BIN} is dynamically linked; it would not run in a FROM scratch image"
fi

CTX="$(mktemp -d -t logout-image.XXXXXX)"
trap 'rm -rf "${CTX}"' EXIT
cp "${ROOT}/docker/Dockerfile" "${CTX}/Dockerfile"
cp "${BIN}" "${CTX}/logout-server"

OLD_ID="$(docker image inspect --format '{{.Id}}' "${REF}" 2>/dev/null || true)"

say "docker build -t ${REF} (context ${CTX}, $(du -h "${BIN}" | cut -f1) binary)"
# Classic builder: FROM scratch needs no BuildKit and no buildx plugin; --pull=false so
# nothing is ever fetched from a registry.
DOCKER_BUILDKIT=0 docker build --pull=false -t "${REF}" "${CTX}" \
    || die "docker build failed"

NEW_ID="$(docker image inspect --format '{{.Id}}' "${REF}")"
# The image this tag pointed to before is now untagged: drop it unless something uses it.
if [ -n "${OLD_ID}" ] && [ "${OLD_ID}" != "${NEW_ID}" ] \
    && [ -z "$(docker image inspect --format '{{join .RepoTags ","}}' "${OLD_ID}" 2>/dev/null)" ]; then
    docker image rm "${OLD_ID}" >/dev/null 2>&1 || true
fi

say "built ${REF} (${NEW_ID:7:12}): $(docker image inspect --format '{{.Size}}' "${REF}") bytes"
