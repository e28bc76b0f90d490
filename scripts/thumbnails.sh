#!/usr/bin/env bash
# Regenerate the theme thumbnails in README.md: the sample brief's first two pages in each
# shipped theme. Needs briefsmith on PATH and pdftoppm (poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for theme in default report compact; do
  briefsmith build alibaba-poverty-and-jobs --force --theme "$theme" -o "$out/$theme" >/dev/null
  pdftoppm -png -r 28 -f 1 -l 2 "$out/$theme/alibaba-poverty-and-jobs.pdf" "docs/themes/$theme"
done
ls docs/themes
