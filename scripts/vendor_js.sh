#!/usr/bin/env bash
# Copy MathJax 3 from its npm package into _vendor/ (gitignored). Sphinx copies _vendor/*
# into _build/html/_static/, so the built site loads nothing from another host. Needs
# only npm; idempotent. (The site loads no widget JavaScript: see _config.yml.)
set -euo pipefail
MATHJAX=mathjax@3.2.2
cd "$(dirname "$0")/.."
if [ -f _vendor/.complete ] && [ "$(cat _vendor/.complete)" = "$MATHJAX" ]; then
  exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack --silent "$MATHJAX" >/dev/null )
rm -rf _vendor
mkdir -p _vendor/mathjax "$tmp/mj"
tar xzf "$tmp"/mathjax-*.tgz -C "$tmp/mj"
mj="$tmp/mj/package/es5"   # tex-chtml.js and what it lazy-loads (fonts, TeX extensions, menu, a11y)
cp "$mj/tex-chtml.js" _vendor/mathjax/
mkdir -p _vendor/mathjax/output/chtml/fonts _vendor/mathjax/input/tex
cp -r "$mj/output/chtml/fonts/woff-v2" _vendor/mathjax/output/chtml/fonts/
cp -r "$mj/input/tex/extensions" _vendor/mathjax/input/tex/
cp -r "$mj/ui" "$mj/a11y" _vendor/mathjax/
cp "$tmp/mj/package/LICENSE" _vendor/mathjax/LICENSE
echo "$MATHJAX" > _vendor/.complete
