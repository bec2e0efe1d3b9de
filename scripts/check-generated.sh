#!/usr/bin/env bash
# Regenerates every checked-in artifact (subgraph SDL, supergraph, API schema, the client's typed documents and SDK, drizzle
# migrations, the Dockerfiles generated from scripts/images/Dockerfile.template) and fails if any differs from what is committed: generated files are never
# hand-edited and never stale.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

generated_paths=(subgraphs/*/schema.graphql router/node.graphql subgraphs/*/drizzle supergraph.graphql packages/client/schema.graphql packages/client/src/generated subgraphs/*/Dockerfile router/Dockerfile apps/*/Dockerfile)

pnpm -s schema:print
pnpm -s compose >/dev/null
pnpm -s codegen >/dev/null
pnpm -s migrations:generate >/dev/null
pnpm -s images:generate >/dev/null

changes=$(git status --porcelain --untracked-files=all -- "${generated_paths[@]}")
if [ -n "$changes" ]; then
  echo "Generated files are stale. Run 'pnpm generate' and commit the result:" >&2
  echo "$changes" >&2
  git --no-pager diff --stat -- "${generated_paths[@]}" >&2
  exit 1
fi
echo "generated files are up to date"
