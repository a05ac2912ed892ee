# Shared by bin/run and bin/test: make .venv and install the pinned dependencies,
# skipping the install when nothing it depends on has changed since the last one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
extras=${1:-}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)${extras:+-$extras}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  target="."
  [ -n "$extras" ] && target=".[$extras]"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e "$target"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
if [ ! -f .env ]; then
  # A checkout is a local installation: lets plain manage.py commands start without
  # production secrets. Production sets its variables in the real environment.
  printf '# Written by bin/run or bin/test for local use; see .env.example.\nMAYORALFORUM_LOCAL=1\n' > .env
fi
