#!/usr/bin/env bash
# Vendor YASGUI (the SPARQL editor + result viewer of the `kg serve` query page) from npm into
# src/kg/serve_assets/, so the page works offline and loads nothing from a CDN.
#
#   bash scripts/vendor_yasgui.sh                    # the pinned version below
#   YASGUI_VERSION=4.6.2 bash scripts/vendor_yasgui.sh
#
# Re-runnable. Uses only the npm client (`npm pack`, `npm view`): the tarball is checked against
# the registry's integrity hash, then the standalone UMD build (yasgui.min.js, yasgui.min.css) is
# copied with its source-map comment removed (no .map request from devtools), and
# serve_assets/README.md records the version, tarball hash and licence.
# Offline behaviour is configured in the page (src/kg/serve.py): prefixCcApi null (YASQE's
# bundled prefix list, no prefix.cc), autocompleters "variables" and "prefixes" only (the
# "class"/"property" completers query lov.linkeddata.es), no endpoint catalogue.
set -euo pipefail

PACKAGE="${YASGUI_PACKAGE:-@zazuko/yasgui}"
YASGUI_VERSION="${YASGUI_VERSION:-4.6.2}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/src/kg/serve_assets"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# shellcheck source=scripts/npm_fetch.sh
source "$root/scripts/npm_fetch.sh"
cd "$tmp"
npm_fetch "${PACKAGE}@${YASGUI_VERSION}"
licence="$(node -e 'process.stdout.write(require("./package/package.json").license || "unknown")')"
version="$(node -e 'process.stdout.write(require("./package/package.json").version)')"
homepage="$(node -e 'process.stdout.write(require("./package/package.json").homepage || "")')"

mkdir -p "$dest"
sed -e '/^\/\/# sourceMappingURL=/d' package/build/yasgui.min.js > "$dest/yasgui.min.js"
sed -e '/^\/\*# sourceMappingURL=/d' package/build/yasgui.min.css > "$dest/yasgui.min.css"
if [ -f package/LICENSE ]; then cp package/LICENSE "$dest/LICENSE-yasgui"; fi
touch "$dest/__init__.py"

cat > "$dest/README.md" <<README
# Vendored browser code for \`kg serve\`

Written by \`scripts/vendor_yasgui.sh\`; do not edit by hand.

| file | package | version | licence | source |
|------|---------|---------|---------|--------|
| yasgui.min.js, yasgui.min.css | ${PACKAGE} | ${version} | ${licence} | ${homepage} |

- npm tarball: ${tarball}, integrity \`${integrity}\`
- yasgui.min.js: sha256 \`$(sha256sum "$dest/yasgui.min.js" | cut -d' ' -f1)\`
- yasgui.min.css: sha256 \`$(sha256sum "$dest/yasgui.min.css" | cut -d' ' -f1)\`
- Changes: the \`sourceMappingURL\` comment is removed (the .map files are not vendored).
- YASGUI is MIT-licensed (Copyright Triply B.V. and Zazuko GmbH); the bundle includes
  CodeMirror 5 (MIT), and other MIT/BSD-licensed npm dependencies listed in its package.json.
- Offline: the page in src/kg/serve.py sets \`prefixCcApi: null\` (bundled prefixes, no
  prefix.cc), autocompleters \`variables\` and \`prefixes\` only (no lov.linkeddata.es), and
  points every tab at the local endpoint.
- query-page.js is not vendored: it is the project's own script for that page (tabs, parameter
  form, plain values), kept here so the server serves it with YASGUI.
README
echo "vendor_yasgui: ${PACKAGE}@${version} (${licence}) -> $dest"
