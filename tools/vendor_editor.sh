#!/bin/sh
# Regenerate the SPARQL editor vendored into ecograph serve's query page:
#   src/ecograph/endpoint/assets/editor.js           CodeMirror 6 + its SPARQL mode, one IIFE
#   src/ecograph/endpoint/assets/editor.LICENSES.txt name, version and licence of each package in it
# from tools/editor/entry.mjs and the exact versions of tools/editor/package-lock.json
# (`npm ci`, so the same lock gives the same bytes). Needs node and npm and the npm registry,
# nothing else; nothing is installed outside a temporary folder. To move to newer releases, edit
# tools/editor/package.json, run `npm install --package-lock-only` in tools/editor, then this.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
assets="$here/../src/ecograph/endpoint/assets"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
cp "$here/editor/package.json" "$here/editor/package-lock.json" "$here/editor/entry.mjs" \
  "$here/editor/licences.mjs" "$work/"
cd "$work"
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
# ASCII output (non-ASCII characters as escapes), no legal comments (they are in the licence
# file), and the "</script" guard esbuild applies to every output: the page inlines it
./node_modules/.bin/esbuild entry.mjs --bundle --minify --format=iife --target=es2020 \
  --legal-comments=none --metafile=meta.json --log-level=warning --outfile=editor.js
node licences.mjs meta.json > editor.LICENSES.txt
mkdir -p "$assets"
cp editor.js editor.LICENSES.txt "$assets/"
wc -c "$assets/editor.js" "$assets/editor.LICENSES.txt"
