#!/usr/bin/env bash
# Re-vendors the offline API docs renderer (Redoc 2, MIT, no telemetry) from the npm registry.
# The bundle is committed so that building monit-intel needs no npm and /docs works offline.
set -euo pipefail
VERSION=${1:-2.5.4}
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "redoc@$VERSION" >/dev/null && tar xzf "redoc-$VERSION.tgz")
cp "$tmp/package/bundles/redoc.standalone.js" redoc.standalone.js
cp "$tmp/package/LICENSE" LICENSE.redoc
echo "vendored redoc $VERSION"
