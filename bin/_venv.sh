# Shared by bin/run, bin/test and bin/typecheck: make .venv and install the pinned
# dependencies with the extras named (one word, e.g. `test` or `test,dev`), skipping
# the install when nothing it depends on has changed since the last one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
extras=${1:-}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
hash=$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
stamp=".venv/.installed-$hash${extras:+-$extras}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  target="."
  [ -n "$extras" ] && target=".[$extras]"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e "$target"
  # Forget the installs of older dependencies; keep this one's with other extras (bin/test
  # and bin/typecheck take turns in CI).
  find .venv -maxdepth 1 -name '.installed-*' ! -name ".installed-$hash*" -delete
  touch "$stamp"
fi
if [ ! -f .env ]; then
  # A checkout is a local installation: lets plain manage.py commands start without
  # production secrets. Production sets its variables in the real environment.
  printf '# Written by bin/run or bin/test for local use; see .env.example.\nMAYORALFORUM_LOCAL=1\n' > .env
fi
