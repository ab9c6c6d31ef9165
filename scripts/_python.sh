# shellcheck shell=bash
# Which Python the set-up builds .venv with. Sourced (not run) by scripts/_setup.sh, and by
# tests/test_python_versions.py, which runs these functions against fake interpreters.
#
# The supported range is read from pyproject.toml's `requires-python = ">=MIN,<BELOW"`, so the set-up
# and the package metadata cannot disagree. Needs NQI_ROOT (the checkout) to be set.

# Prints "MIN BELOW" (say "3.11 3.14"); fails loudly if requires-python is not in that one shape.
nqi_python_range() {
    local range
    range="$(sed -n 's/^requires-python *= *"[[:space:]]*>=[[:space:]]*\([0-9][0-9]*\.[0-9][0-9]*\)[[:space:]]*,[[:space:]]*<[[:space:]]*\([0-9][0-9]*\.[0-9][0-9]*\)[[:space:]]*"[[:space:]]*$/\1 \2/p' \
        "$NQI_ROOT/pyproject.toml")"
    if [[ -z "$range" ]]; then
        printf '==> %s\n' "pyproject.toml: requires-python must read \">=X.Y,<X.Z\"" >&2
        return 1
    fi
    printf '%s\n' "$range"
}

# MAJOR.MINOR as one comparable number (3.13 -> 3013).
nqi_version_key() {
    [[ "$1" =~ ^([0-9]+)\.([0-9]+)$ ]] || return 1
    printf '%d\n' $((10#${BASH_REMATCH[1]} * 1000 + 10#${BASH_REMATCH[2]}))
}

# Succeeds when interpreter $1 runs and its MAJOR.MINOR is within the supported range.
nqi_python_supported() {
    local version range low below key
    version="$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" || return 1
    range="$(nqi_python_range)" || return 1
    read -r low below <<<"$range"
    key="$(nqi_version_key "$version")" || return 1
    ((key >= $(nqi_version_key "$low") && key < $(nqi_version_key "$below")))
}

# The interpreters tried, in order: python3.MIN ... python3.(BELOW-1), then python3. The oldest
# supported comes first so that CI keeps testing the lowest version ruff and mypy target.
nqi_python_candidates() {
    local range low below minor
    range="$(nqi_python_range)" || return 1
    read -r low below <<<"$range"
    for ((minor = ${low#*.}; minor < ${below#*.}; minor++)); do
        printf 'python%s.%d\n' "${low%%.*}" "$minor"
    done
    printf 'python3\n'
}

# Prints the path of the first candidate that is present and supported.
nqi_find_python() {
    local candidate candidates
    candidates="$(nqi_python_candidates)" || return 1
    for candidate in $candidates; do
        if command -v "$candidate" >/dev/null 2>&1 && nqi_python_supported "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}
