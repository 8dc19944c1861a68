#!/usr/bin/env bash
# The README's test command. It installs what the tests need on a fresh
# machine (Debian packages when run as root, the face models from the npm
# registry), then runs go vet and the whole test suite with the race
# detector, then every benchmark once so none of them rots.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
command -v opj_decompress >/dev/null 2>&1 || need_apt+=(libopenjp2-tools)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Debian packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "== warning: missing ${need_apt[*]}; the tests that need them will skip" >&2
  fi
fi

if [ -x scripts/install-face-models.sh ]; then
  echo "== installing face models"
  bash scripts/install-face-models.sh
fi

echo "== go vet"
go vet ./...
echo "== go test -race"
go test -race -count=1 -timeout 20m ./...
echo "== benchmarks, once each (they must keep running; numbers come from the documented runs)"
go test -count=1 -run '^$' -bench . -benchtime 1x ./...
