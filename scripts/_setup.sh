# shellcheck shell=bash
# Shared set-up, sourced (not run) by scripts/run, scripts/test and .ci/run. On a fresh machine it
# builds everything the service needs from the project alone:
#   - .venv with a supported Python (requires-python; scripts/_python.sh picks it) and
#     `pip install -e '.[dev]'` (again only when pyproject.toml changes);
#   - without DATABASE_URL: the embedded PostgreSQL in $NQI_VAR_DIR/pgdata (default var/pgdata);
#   - DJANGO_DEBUG=0 (production-shaped: error pages, no settings or URL list shown; scripts/run --dev
#     sets 1) and a generated, persisted DJANGO_SECRET_KEY unless they are set;
#   - `manage.py migrate`.
# CELERY_BROKER_URL is left as the caller set it: unset, settings put the queue in the same PostgreSQL.
#
# It also installs the EXIT/INT/TERM traps: on exit, every PID in NQI_CHILD_PIDS is stopped (TERM,
# then KILL after NQI_STOP_TIMEOUT seconds), then the embedded PostgreSQL is released; it is stopped
# unless another script (another terminal's scripts/run or scripts/test) still holds it.

set -euo pipefail

NQI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$NQI_ROOT"
NQI_VAR="${NQI_VAR_DIR:-$NQI_ROOT/var}"
NQI_CHILD_PIDS=()
NQI_EMBEDDED_PG_HOLDER=""

nqi_log() { printf '==> %s\n' "$*" >&2 || true; }

nqi_cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    # Every step below must run: no errexit, and no death by SIGPIPE when the terminal or a `| tee`
    # reading our output is gone already (Ctrl-C reaches tee too).
    set +e
    trap '' PIPE
    if ((${#NQI_CHILD_PIDS[@]})); then
        nqi_log "stopping ${NQI_CHILD_PIDS[*]}"
        kill -TERM "${NQI_CHILD_PIDS[@]}" 2>/dev/null || true
        local deadline=$((SECONDS + ${NQI_STOP_TIMEOUT:-30})) pid
        for pid in "${NQI_CHILD_PIDS[@]}"; do
            while kill -0 "$pid" 2>/dev/null; do
                if ((SECONDS >= deadline)); then
                    nqi_log "PID $pid ignored TERM for ${NQI_STOP_TIMEOUT:-30}s; killing it"
                    kill -KILL "$pid" 2>/dev/null || true
                    break
                fi
                sleep 0.2
            done
        done
        wait "${NQI_CHILD_PIDS[@]}" 2>/dev/null || true
    fi
    if [[ -n "$NQI_EMBEDDED_PG_HOLDER" ]]; then
        "$NQI_ROOT/.venv/bin/python" -m config.embedded_pg stop --data "$NQI_VAR/pgdata" \
            --holder "$NQI_EMBEDDED_PG_HOLDER" || true
    fi
    exit "$rc"
}
trap nqi_cleanup EXIT
# Turning the signals into exits runs the EXIT trap once, whichever way the script ends.
trap 'exit 130' INT
trap 'exit 143' TERM

# nqi_find_python, nqi_python_supported, nqi_python_range: the supported range from pyproject.toml.
# shellcheck source=scripts/_python.sh
source "$NQI_ROOT/scripts/_python.sh"

nqi_ensure_venv() {
    # A venv whose interpreter is gone (pyenv upgrade, copied checkout) or out of the supported range
    # is rebuilt, not patched; one on any supported version is kept.
    if ! nqi_python_supported .venv/bin/python; then
        local python range tried
        if ! python="$(nqi_find_python)"; then
            range="$(nqi_python_range)" || return 1
            tried="$(nqi_python_candidates | tr '\n' ' ')"
            nqi_log "Python >=${range% *},<${range#* } is required: none of ${tried% } is"
            return 1
        fi
        nqi_log "creating .venv with $python"
        rm -rf .venv
        "$python" -m venv .venv
    fi
    local stamp=.venv/.nqi-installed wanted
    wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]]; then
        nqi_log "installing the project and its dev dependencies into .venv"
        .venv/bin/python -m pip install --disable-pip-version-check -q -e '.[dev]'
        # Written only after a successful install, so a failed one is retried next time.
        printf '%s\n' "$wanted" >"$stamp"
    fi
    export VIRTUAL_ENV="$NQI_ROOT/.venv"
    export PATH="$VIRTUAL_ENV/bin:$PATH"
}

nqi_ensure_database() {
    if [[ -n "${DATABASE_URL:-}" ]]; then
        return 0
    fi
    nqi_log "starting the embedded PostgreSQL in $NQI_VAR/pgdata"
    mkdir -p "$NQI_VAR"
    local url
    # Registered as holder before the URL is known, so a failure below still releases it.
    NQI_EMBEDDED_PG_HOLDER=$$
    url="$(python -m config.embedded_pg start --data "$NQI_VAR/pgdata" --holder "$NQI_EMBEDDED_PG_HOLDER")"
    export DATABASE_URL="$url"
}

nqi_ensure_django_env() {
    export DJANGO_DEBUG="${DJANGO_DEBUG:-0}"
    if [[ -z "${DJANGO_SECRET_KEY:-}" ]]; then
        local key_file="$NQI_VAR/secret_key"
        if [[ ! -s "$key_file" ]]; then
            mkdir -p "$NQI_VAR"
            # umask in a subshell: the key file is created 0600, never briefly world-readable.
            (umask 077 && python -c 'import secrets; print(secrets.token_urlsafe(50))' >"$key_file")
        fi
        chmod 600 "$key_file"
        DJANGO_SECRET_KEY="$(cat "$key_file")"
        export DJANGO_SECRET_KEY
    fi
}

# Debian packages the project needs; installed (as root) only when missing.
nqi_ensure_debian_packages() {
    local missing=()
    local spec cmd pkg
    # Each spec is COMMAND:PACKAGE, or /PATH:PACKAGE for packages without a command (fonts).
    for spec in "$@"; do
        cmd="${spec%%:*}" pkg="${spec##*:}"
        if [[ "$cmd" == /* ]]; then
            [[ -e "$cmd" ]] || missing+=("$pkg")
        else
            command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
        fi
    done
    ((${#missing[@]})) || return 0
    if [[ $(id -u) -ne 0 ]]; then
        nqi_log "missing Debian packages: ${missing[*]} (install them, or run as root)"
        return 1
    fi
    nqi_log "installing Debian packages: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# What the set-up chose, for running `python manage.py …` by hand later (manage.py reads it for
# variables that are not set; settings themselves still fail loudly without them).
nqi_write_dev_env() {
    mkdir -p "$NQI_VAR"
    (umask 077 && printf 'DATABASE_URL=%s\nDJANGO_SECRET_KEY=%s\nDJANGO_DEBUG=%s\n' \
        "$DATABASE_URL" "$DJANGO_SECRET_KEY" "$DJANGO_DEBUG" >"$NQI_VAR/dev.env")
}

nqi_ensure_venv
nqi_ensure_debian_packages msgfmt:gettext npm:npm
nqi_ensure_database
nqi_ensure_django_env
nqi_write_dev_env
nqi_log "building the front end (npm) and compiling translations"
NQI_VAR_DIR="$NQI_VAR" "$NQI_ROOT/scripts/build_frontend.sh"
python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
nqi_log "applying migrations"
python manage.py migrate --noinput
# Timer activities of instances that waited before they were recorded (a no-op once done).
python manage.py backfill_timer_specs
