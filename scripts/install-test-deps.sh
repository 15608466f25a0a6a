#!/usr/bin/env bash
# Installs what the test suite needs, only when it is missing:
#   - Debian packages: chromium (browser tests) and fonts-noto-cjk (Chinese UI, posters)
#   - npm packages from package-lock.json (npm ci) when node_modules is missing or stale
# Safe to run repeatedly and non-interactively (CI=true, no stdin, as root or with sudo -n).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DEBIAN_FRONTEND=noninteractive

log() { printf 'install-test-deps: %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------
apt_packages=(chromium fonts-noto-cjk)

is_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
	for p in "${apt_packages[@]}"; do
		is_installed "$p" || missing+=("$p")
	done
else
	[[ -x /usr/bin/chromium ]] || log "warning: no dpkg and no /usr/bin/chromium; browser tests will fail"
fi

if ((${#missing[@]} > 0)); then
	sudo=()
	if [[ ${EUID:-$(id -u)} -ne 0 ]]; then
		if command -v sudo >/dev/null 2>&1; then
			sudo=(sudo -n)
		else
			log "need root to install: ${missing[*]}"
			exit 1
		fi
	fi
	apt_opts=(-q -o DPkg::Lock::Timeout=300)
	log "installing ${missing[*]} (apt-get update first)"
	"${sudo[@]}" apt-get "${apt_opts[@]}" update </dev/null
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" </dev/null
fi

if [[ ! -x /usr/bin/chromium ]]; then
	log "error: /usr/bin/chromium is missing after install"
	exit 1
fi

# --- npm packages ----------------------------------------------------------
# node_modules/.package-lock.json is written by npm on every install; it is our stamp.
stamp=node_modules/.package-lock.json
if [[ ! -d node_modules || ! -f $stamp || package-lock.json -nt $stamp ]]; then
	log "npm ci"
	npm ci --no-audit --no-fund </dev/null
	touch "$stamp"
fi
