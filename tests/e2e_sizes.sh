#!/bin/sh
# e2e_sizes.sh - the stripped static captures stay within their size limits.
# Runs only when `make static` or `make cross` has left binaries in
# build/static (`make check` alone does not build them); the limits live in
# scripts/static-sizes.sh.
set -eu
ls build/static/capture-* >/dev/null 2>&1 || {
	echo "e2e_sizes: no build/static/capture-*, nothing to measure (make static / make cross)"
	exit 0
}
sh scripts/static-sizes.sh build/static
