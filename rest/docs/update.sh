#!/usr/bin/env bash
# Re-vendors the offline API docs renderer (Redoc 2, MIT, no telemetry) from the npm registry.
# The bundle is committed so that building monit-intel needs no npm and /docs works offline.
# Redoc's side menu shows Redocly's logo from cdn.redoc.ly: the bundle is patched to use an
# empty data: URL instead (the image then fails to load and Redoc hides it), so that the page
# loads nothing from the network.
set -euo pipefail
VERSION=${1:-2.5.4}
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "redoc@$VERSION" >/dev/null && tar xzf "redoc-$VERSION.tgz")
logo='src:"https://cdn.redoc.ly/redoc/logo-mini.svg"'
if [ "$(grep -o "$logo" "$tmp/package/bundles/redoc.standalone.js" | wc -l)" != 1 ]; then
	echo "the CDN logo reference changed in redoc $VERSION: patch it by hand" >&2
	exit 1
fi
sed "s|$logo|src:\"data:,\"|" "$tmp/package/bundles/redoc.standalone.js" >redoc.standalone.js
cp "$tmp/package/LICENSE" LICENSE.redoc
echo "vendored redoc $VERSION (CDN logo removed)"
