#!/usr/bin/env bash
# Build the logout-conformance CLI as a static Linux binary and a FROM scratch image of it
# (nothing is pulled), the way scripts/build-image.sh builds the server image.
#
#   scripts/build-cli.sh            -> target/static/x86_64-unknown-linux-gnu/release/logout-conformance
#                                      and the image logout-conformance:<version> (the crate's version)
#   scripts/build-cli.sh TAG        -> logout-conformance:TAG
#   scripts/build-cli.sh NAME:TAG   -> NAME:TAG   (an argument with ':' or '/' is a full reference)
#
# The binary embeds the reference server, so the image needs nothing else: run it with
# host networking against a URL (`docker run --rm --network host IMAGE --target URL`).
# Env: STATIC_TARGET_DIR (default <repo>/target/static), SKIP_ENSURE_DOCKER=1 to not call
# scripts/ensure-docker.sh first, NO_IMAGE=1 to build the binary only (no Docker needed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRIPLE=x86_64-unknown-linux-gnu
TARGET_DIR="${STATIC_TARGET_DIR:-${ROOT}/target/static}"
BIN="${TARGET_DIR}/${TRIPLE}/release/logout-conformance"

say() { echo "build-cli: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

say "building static logout-conformance (target dir ${TARGET_DIR})"
# --target keeps proc-macros and build scripts dynamic; only the final binary is static.
(
    cd "${ROOT}"
    CARGO_TARGET_DIR="${TARGET_DIR}" \
    RUSTFLAGS="-C target-feature=+crt-static" \
    CARGO_PROFILE_RELEASE_STRIP=symbols \
        cargo build --locked --release -p logout-conformance --bin logout-conformance --target "${TRIPLE}"
) || die "cargo build of the static logout-conformance failed"

[ -x "${BIN}" ] || die "expected binary not found: ${BIN}"
# A dynamic binary has a PT_INTERP program header; it could not start in FROM scratch.
if command -v readelf >/dev/null 2>&1 && readelf -lW "${BIN}" | grep -q 'Requesting program interpreter'; then
    die "${BIN} is dynamically linked; it would not run in a FROM scratch image"
fi
VERSION="$("${BIN}" --version | awk '{print $2}')"
[ -n "${VERSION}" ] || die "${BIN} --version printed no version"
say "built ${BIN} (${VERSION}, $(du -h "${BIN}" | cut -f1))"

if [ "${NO_IMAGE:-0}" = 1 ]; then
    exit 0
fi

ARG="${1:-${VERSION}}"
case "${ARG}" in
    *:*|*/*) REF="${ARG}" ;;
    *) REF="logout-conformance:${ARG}" ;;
esac

if [ "${SKIP_ENSURE_DOCKER:-0}" != 1 ]; then
    "${ROOT}/scripts/ensure-docker.sh"
fi

CTX="$(mktemp -d -t logout-cli-image.XXXXXX)"
trap 'rm -rf "${CTX}"' EXIT
cp "${ROOT}/docker/cli/Dockerfile" "${CTX}/Dockerfile"
cp "${BIN}" "${CTX}/logout-conformance"

OLD_ID="$(docker image inspect --format '{{.Id}}' "${REF}" 2>/dev/null || true)"

say "docker build -t ${REF} (context ${CTX})"
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
