#!/usr/bin/env bash
# Copies the front-end files named in package.json from npm packages into static/vendor/
# (and axe-core into tests/vendor/).
# The copies are committed, so a fresh machine needs neither npm nor the network to run Proximity;
# run this only to change a version (edit package.json first).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version() { python3 -c "import json,sys; print(json.load(open('$root/package.json'))['devDependencies'][sys.argv[1]])" "$1"; }
fetch() {  # fetch NAME -> unpacked package folder
  local dir="$work/$1"
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "$1@$(version "$1")" >/dev/null && tar xzf ./*.tgz)
  echo "$dir/package"
}
vendor="$root/static/vendor"
rm -rf "$vendor" && mkdir -p "$vendor"/{bootstrap,chartjs,htmx}
# axe-core is for the browser tests only, so it is kept out of what the site serves.
test_vendor="$root/tests/vendor"
rm -rf "$test_vendor" && mkdir -p "$test_vendor/axe-core"
bs=$(fetch bootstrap)
cp "$bs"/dist/css/bootstrap.min.css "$bs"/dist/css/bootstrap.min.css.map "$bs"/LICENSE "$vendor/bootstrap/"
cp "$bs"/dist/js/bootstrap.bundle.min.js "$bs"/dist/js/bootstrap.bundle.min.js.map "$vendor/bootstrap/"
hx=$(fetch htmx.org)
cp "$hx"/dist/htmx.min.js "$hx"/LICENSE "$vendor/htmx/"
# Chart.js's UMD build defines window.Chart; it sets sizes through element.style (CSSOM), which
# the CSP's style-src 'self' allows, and injects no <style>.
cj=$(fetch chart.js)
cp "$cj"/dist/chart.umd.min.js "$cj"/dist/chart.umd.min.js.map "$cj"/LICENSE.md "$vendor/chartjs/"
axe=$(fetch axe-core)
cp "$axe"/axe.min.js "$axe"/LICENSE "$test_vendor/axe-core/"
echo "vendored:"; find "$vendor" "$test_vendor" -type f | sed "s|$root/||" | sort
