#!/usr/bin/env bash
# Copies the minified browser builds of the npm front-end packages into
# internal/web/static/vendor/, which the siyu binary embeds. The vendor folder is
# gitignored: package.json + package-lock.json are the source of truth.
# Idempotent; only files whose content changed are rewritten (so go build caches hold).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

dest=internal/web/static/vendor
files=(
	node_modules/htmx.org/dist/htmx.min.js
	node_modules/echarts/dist/echarts.min.js
	node_modules/hls.js/dist/hls.min.js
)

# Fetch the npm packages when node_modules is missing or older than the lock file.
stamp=node_modules/.package-lock.json
if [[ ! -f $stamp || package-lock.json -nt $stamp ]]; then
	echo "vendor-web: npm ci" >&2
	npm ci --no-audit --no-fund </dev/null
	touch "$stamp"
fi

mkdir -p "$dest"
for src in "${files[@]}"; do
	if [[ ! -f $src ]]; then
		echo "vendor-web: $src is missing; try: rm -rf node_modules && npm ci" >&2
		exit 1
	fi
	dst=$dest/$(basename "$src")
	if ! cmp -s "$src" "$dst"; then
		cp "$src" "$dst.tmp"
		mv -f "$dst.tmp" "$dst"
		echo "vendor-web: $dst" >&2
	fi
done
