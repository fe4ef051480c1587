#!/usr/bin/env bash
# Copy MathJax 3 and the Jupyter widgets HTML manager from their npm packages into
# _vendor/ (gitignored). Sphinx copies _vendor/* into _build/html/_static/, so the
# built site loads nothing from another host. Needs only npm; idempotent.
set -euo pipefail
MATHJAX=mathjax@3.2.2
HTMLMGR=@jupyter-widgets/html-manager@1.0.15   # works with ipywidgets 8.1
REQUIREJS=requirejs@2.3.7
cd "$(dirname "$0")/.."
if [ -f _vendor/.complete ] && [ "$(cat _vendor/.complete)" = "$MATHJAX $HTMLMGR $REQUIREJS" ]; then
  exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack --silent "$MATHJAX" "$HTMLMGR" "$REQUIREJS" >/dev/null )
rm -rf _vendor
mkdir -p _vendor/mathjax _vendor/widgets "$tmp/mj" "$tmp/hm" "$tmp/rq"
tar xzf "$tmp"/mathjax-*.tgz -C "$tmp/mj"
tar xzf "$tmp"/jupyter-widgets-html-manager-*.tgz -C "$tmp/hm"
tar xzf "$tmp"/requirejs-*.tgz -C "$tmp/rq"
mj="$tmp/mj/package/es5"   # tex-chtml.js and what it lazy-loads (fonts, TeX extensions, menu, a11y)
cp "$mj/tex-chtml.js" _vendor/mathjax/
mkdir -p _vendor/mathjax/output/chtml/fonts _vendor/mathjax/input/tex
cp -r "$mj/output/chtml/fonts/woff-v2" _vendor/mathjax/output/chtml/fonts/
cp -r "$mj/input/tex/extensions" _vendor/mathjax/input/tex/
cp -r "$mj/ui" "$mj/a11y" _vendor/mathjax/
cp "$tmp/mj/package/LICENSE" _vendor/mathjax/LICENSE
cp "$tmp/hm/package/dist/embed-amd.js" _vendor/widgets/
find "$tmp/hm/package/dist" -maxdepth 1 -regextype posix-extended \
  -regex '.*\.(woff2?|ttf|eot|svg)$' -exec cp {} _vendor/widgets/ \;
cp "$tmp/rq/package/require.js" _vendor/widgets/require.js
# resolve the html-manager's icon fonts under _static/widgets/ instead of <page>/@jupyter-widgets/...
cat > _vendor/widgets/amd-paths.js <<'JS'
require.config({paths: {"@jupyter-widgets/html-manager/dist":
  (document.documentElement.dataset.content_root || "") + "_static/widgets"}});
JS
echo "$MATHJAX $HTMLMGR $REQUIREJS" > _vendor/.complete
