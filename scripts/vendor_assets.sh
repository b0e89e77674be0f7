#!/usr/bin/env bash
# Fetch the API document's page assets (Swagger UI, ReDoc) from the npm registry into api/web/vendor, so
# /schema/swagger and /schema/redoc work on an office network with no internet (no CDN at run time).
# Run by a maintainer when upgrading; the files are committed, so a fresh clone needs neither npm nor network.
set -euo pipefail
SWAGGER_UI=5.32.0
REDOC=2.5.4
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/api/web/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "swagger-ui-dist@$SWAGGER_UI" "redoc@$REDOC" >/dev/null
mkdir swagger redoc
tar xzf "swagger-ui-dist-$SWAGGER_UI.tgz" -C swagger
tar xzf "redoc-$REDOC.tgz" -C redoc
mkdir -p "$out"
cp swagger/package/{swagger-ui-bundle.js,swagger-ui.css,swagger-ui-standalone-preset.js} "$out/"
cp swagger/package/LICENSE "$out/LICENSE.swagger-ui"
# ReDoc's sidebar shows the Redocly logo from its CDN: blank it (the image hides itself when it fails to load), so the
# page asks nothing of any other host (tests/browser/test_api_document_in_a_browser.py).
sed 's|"https://cdn.redoc.ly/redoc/logo-mini.svg"|""|' redoc/package/bundles/redoc.standalone.js >"$out/redoc.standalone.js"
grep -q 'cdn.redoc.ly' "$out/redoc.standalone.js" && { echo "redoc still names its CDN" >&2; exit 1; }
cp redoc/package/LICENSE "$out/LICENSE.redoc"
cd "$out"
{
    echo "# swagger-ui-dist $SWAGGER_UI and redoc $REDOC (its CDN logo blanked) from the npm registry (scripts/vendor_assets.sh)"
    sha256sum swagger-ui-bundle.js swagger-ui.css swagger-ui-standalone-preset.js redoc.standalone.js
} >SHA256SUMS
echo "vendored into $out"
