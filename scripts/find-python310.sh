#!/usr/bin/env bash
# Print the path of a working Python 3.10 (Rasa 3.6 needs exactly 3.10), or explain how to get one.
# Order: $PYTHON310, python3.10 on PATH, pyenv's installed 3.10.x, common system locations.
set -u
candidates=()
[ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
candidates+=("$(command -v python3.10 2>/dev/null || true)")
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for p in $(ls -d "$root"/versions/3.10*/bin/python3.10 2>/dev/null | sort -rV); do candidates+=("$p"); done
fi
for p in "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
  candidates+=("$p")
done
for p in "${candidates[@]}"; do
  [ -n "$p" ] && [ -x "$p" ] || continue
  # A pyenv shim exists on PATH even when 3.10 is not selected: it must actually run.
  if "$p" -c 'import sys, venv; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; then
    echo "$p"
    exit 0
  fi
done
cat >&2 <<'MSG'
No working Python 3.10 found (Rasa 3.6.21 runs on Python 3.10 only).
Get one, then run make again:
  - with pyenv:   pyenv install 3.10.13
  - on Debian/Ubuntu: apt-get install python3.10 python3.10-venv   (where the release ships it)
  - or point to one: make PYTHON310=/path/to/python3.10
MSG
exit 1
