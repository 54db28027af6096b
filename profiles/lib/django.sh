# Sourced by the Django example stacks' start.sh after install.sh: how each of them runs.
#
#   serve_django PORT   # a fresh SQLite database, migrations, gunicorn in the foreground
#
# The stack's own code is `stack/` beside its start.sh; what the stacks share is the
# Python package profiles/lib/djangostack (settings base, test-support hooks), which
# PYTHONPATH makes importable.

# serve_django PORT — replaces the shell with gunicorn serving stack.wsgi on
# 127.0.0.1:PORT, its test-support endpoints on, its database new in .run/PORT.
serve_django() {
  local port="$1" venv="$here/.venv" run
  export PYTHONPATH="$here/../lib${PYTHONPATH:+:$PYTHONPATH}"
  # A folder of its own per port: two instances (two test runs) never share a database.
  run="$(run_folder "$port")"
  export STACK_DB="$run/db.sqlite3"
  # The test-support endpoints of djangostack/hooks.py (store fault, expired session).
  export STACK_CONFORMANCE_HOOKS=1
  "$venv/bin/python" manage.py migrate --no-input -v 0
  # Keep-alive longer than a client pool keeps a connection idle between requests (the
  # default 2-5 s closes connections the client is about to reuse: a reset request).
  exec "$venv/bin/gunicorn" stack.wsgi --bind "127.0.0.1:$port" --workers 2 --threads 4 --keep-alive 75 \
    --access-logfile - --log-level warning
}
