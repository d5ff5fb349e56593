#!/usr/bin/env bash
# Prints, one a line, the Debian packages that own the shared libraries the given binaries load
# (ldd), so the container image's runtime stage installs exactly those (and apt their
# dependencies) instead of the build stage's compilers and -dev packages.
# Usage: scripts/deploy/runtime-packages.sh BINARY...
# Exits 1, naming the library, when a library belongs to no installed package.
set -euo pipefail
if (( $# == 0 )); then echo "usage: $0 BINARY..." >&2; exit 2; fi

libraries=$(for binary in "$@"; do ldd "$binary"; done |
            awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u)
status=0
packages=()
for library in $libraries; do
  # Match on the multiarch folder and the file name: with merged /usr a library is registered
  # under /lib or /usr/lib, and /lib32's copies belong to other packages.
  arch_dir=$(basename "$(dirname "$library")")
  owners=$(dpkg -S "*/$arch_dir/$(basename "$library")" 2>/dev/null | grep -v '^diversion' |
           cut -d: -f1 | sort -u || true)
  if [[ -z $owners ]]; then
    echo "runtime-packages: no installed package owns $library" >&2
    status=1
  fi
  packages+=($owners)
done
if (( ${#packages[@]} )); then printf '%s\n' "${packages[@]}" | sort -u; fi
exit "$status"
