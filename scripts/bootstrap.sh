#!/usr/bin/env bash
# Create .venv and install requirements.lock into it, only when the lock changed
# since the last install. Run it, or source it to also get `apt_install`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# apt_install PKG...: install Debian packages (apt-get update first), non-interactively.
apt_install() {
    [ "$#" -gt 0 ] || return 0
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    echo "==> apt-get install $*"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

if ! .venv/bin/python -c '' 2>/dev/null; then
    echo "==> creating .venv"
    rm -rf .venv
    python3 -m venv .venv
fi

lock_sha="$(sha256sum requirements.lock | cut -d' ' -f1)"
stamp=.venv/.requirements.lock.sha256
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sha" ]; then
    echo "==> pip install -r requirements.lock"
    .venv/bin/python -m pip install --quiet -r requirements.lock
    echo "$lock_sha" >"$stamp"
fi
