#!/usr/bin/env bash
# t_build.sh: `make` alone builds build/bluehelm (README: "make  build
# build/bluehelm"), not only the web interface: its default goal is `all`,
# and with a source file newer than the binary, a dry run of plain `make`
# links build/bluehelm.
source "$(dirname "$0")/lib.sh"
if ! command -v make >/dev/null; then skip make-default-goal "make is not installed"; exit 0; fi
goal=$(make -C "$ROOT" --no-print-directory -pn 2>/dev/null | sed -n 's/^\.DEFAULT_GOAL := //p')
expect_eq make-default-goal-all "$goal" all
make -C "$ROOT" --no-print-directory -n -W src/cli/main.c >"$WORK/dry" 2>&1
expect_grep make-alone-links-bluehelm ' -o build/bluehelm ' "$WORK/dry"
