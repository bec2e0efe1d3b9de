#!/usr/bin/env bash
# Starts the platform from the images built by build.sh against the local datastores (brought
# up if down) and runs the end-to-end smoke suite through it; see smoke.ts.
#
# Usage: bash scripts/images/smoke.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

ensure_tools
while read -r name; do
  podman image exists "cartograph/$name" || die "no image cartograph/$name: run pnpm images:build first"
done < <(services)
bash scripts/services.sh up >/dev/null
exec pnpm exec tsx scripts/images/smoke.ts
