#!/usr/bin/env bash
# Installs the browser libraries from the npm registry (exact versions from package-lock.json),
# copies their distribution files into var/frontend/vendor, and bundles our own modules in
# frontend/ (the studio's BPMN and DMN editors, which import the libraries as modules) with
# esbuild into var/frontend/bundle. Django serves both as static files. Nothing is vendored into
# the repository. Sourced by scripts/_setup.sh; also runnable alone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

front="${NQI_VAR_DIR:-$PWD/var}/frontend"
out="$front/vendor"
stamp="$out/.package-lock.sha256"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" || ! -x node_modules/.bin/esbuild ]]; then
    if ! command -v npm >/dev/null; then
        echo "npm is required to build the front end (Debian: apt-get install nodejs npm)" >&2
        exit 1
    fi
    npm ci --no-audit --no-fund --loglevel=error
    rm -rf "$out"
    mkdir -p "$out/bpmn-js" "$out/properties-panel" "$out/token-simulation" "$out/dmn-js"
    cp node_modules/htmx.org/dist/htmx.min.js "$out/"
    cp node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js "$out/bpmn-js/"
    cp -r node_modules/bpmn-js/dist/assets/. "$out/bpmn-js/assets/"
    cp node_modules/@bpmn-io/properties-panel/dist/assets/properties-panel.css "$out/properties-panel/"
    cp node_modules/bpmn-js-token-simulation/assets/css/bpmn-js-token-simulation.css "$out/token-simulation/"
    # dmn-js's style sheets and icon font (the studio's decision-table editor).
    cp -r node_modules/dmn-js/dist/assets/. "$out/dmn-js/"
    echo "$want" > "$stamp"
fi

# Our bundles: rebuilt when their sources or the libraries change.
bundle="$front/bundle"
bundle_stamp="$bundle/.sources.sha256"
sources="$( (echo "$want"; find frontend -type f | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -d' ' -f1)"
if [[ -f "$bundle_stamp" && "$(cat "$bundle_stamp")" == "$sources" ]]; then
    exit 0
fi
rm -rf "$bundle"
mkdir -p "$bundle"
node_modules/.bin/esbuild frontend/editor/index.js --bundle --minify --format=iife --target=es2020 \
    --jsx=automatic --jsx-import-source=@bpmn-io/properties-panel/preact --loader:.js=jsx \
    --legal-comments=eof --log-level=warning --outfile="$bundle/studio_editor.js"
# The decision-table editor (dmn-js, whose modules are already compiled: no JSX here).
node_modules/.bin/esbuild frontend/dmn/index.js --bundle --minify --format=iife --target=es2020 \
    --legal-comments=eof --log-level=warning --outfile="$bundle/studio_dmn.js"
echo "$sources" > "$bundle_stamp"
