#!/bin/sh
# Installs what is missing, builds with -Werror and runs every test:
# the Check unit suites and the integration tests (DPDK virtual devices;
# they need root, as EAL does here).
set -eu
cd "$(dirname "$0")/.."
. tools/lib/common.sh

BUILD_DIR=${BUILD_DIR:-build}
sa_install_deps
sa_build "$BUILD_DIR" -Dwerror=true -Dtests=true
meson test -C "$BUILD_DIR" --print-errorlogs --num-processes 2 "$@"
