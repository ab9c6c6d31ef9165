#!/usr/bin/env bash
# Installs the browser libraries from the npm registry (exact versions from package-lock.json)
# and copies their distribution files into var/frontend, which Django serves as static files.
# Nothing is vendored into the repository. Sourced by scripts/_setup.sh; also runnable alone.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out="${NQI_VAR_DIR:-$PWD/var}/frontend/vendor"
stamp="$out/.package-lock.sha256"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    exit 0
fi
if ! command -v npm >/dev/null; then
    echo "npm is required to build the front end (Debian: apt-get install nodejs npm)" >&2
    exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
rm -rf "$out"
mkdir -p "$out/bpmn-js"
cp node_modules/htmx.org/dist/htmx.min.js "$out/"
cp node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js "$out/bpmn-js/"
cp node_modules/bpmn-js/dist/bpmn-modeler.production.min.js "$out/bpmn-js/"
cp -r node_modules/bpmn-js/dist/assets/. "$out/bpmn-js/assets/"
echo "$want" > "$stamp"
