# Sourced by profiles/<stack>/start.sh: the install preamble every example stack shares.
#
#   here=…; source "$here/../lib/install.sh"
#   install_python requirements.txt   # a .venv beside the stack, from exact pins
#   install_npm                       # node_modules from package-lock.json (npm ci)
#
# Each installs once into the stack's own folder and again only when its lock file
# changes (a stamp holds the lock file's SHA-256), one installer at a time (flock: two
# test runs may start together). `.venv` and `node_modules` are never committed.

# install_python REQUIREMENTS — a virtual environment in $here/.venv with exactly the
# pinned requirements.
install_python() {
  local requirements="$1" venv="$here/.venv"
  local want
  want="$(sha256sum "$here/$requirements" | cut -d' ' -f1)"
  (
    flock 9
    if [ ! -f "$venv/.requirements.sha256" ] || [ "$(cat "$venv/.requirements.sha256")" != "$want" ]; then
      rm -rf "$venv"
      python3 -m venv "$venv"
      "$venv/bin/pip" install --quiet --no-input -r "$here/$requirements"
      echo "$want" >"$venv/.requirements.sha256"
    fi
  ) 9>"$here/.venv.lock"
}

# install_npm — $here/node_modules from package.json and package-lock.json with `npm ci`
# (the lock file's exact versions and integrity hashes; no audit, no funding notes).
install_npm() {
  local modules="$here/node_modules"
  local want
  want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
  (
    flock 9
    if [ ! -f "$modules/.lock.sha256" ] || [ "$(cat "$modules/.lock.sha256")" != "$want" ]; then
      (cd "$here" && npm ci --omit=dev --no-audit --no-fund --loglevel=error >/dev/null)
      echo "$want" >"$modules/.lock.sha256"
    fi
  ) 9>"$here/.npm.lock"
}

# run_folder PORT — an empty folder of the stack's own for this port ($here/.run/PORT):
# two instances (two test runs) never share files. Folders older than a day go.
run_folder() {
  find "$here/.run" -mindepth 1 -maxdepth 1 -mmin +1440 -exec rm -rf {} + 2>/dev/null || true
  rm -rf "$here/.run/$1" && mkdir -p "$here/.run/$1"
  echo "$here/.run/$1"
}

# stop_jobs — stops this shell's background jobs (a private Redis, a second instance):
# `trap stop_jobs EXIT` in a start.sh that does not exec its server.
stop_jobs() {
  local jobs
  jobs="$(jobs -p)"
  [ -z "$jobs" ] || kill $jobs 2>/dev/null || true
}
