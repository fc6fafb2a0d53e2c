#!/usr/bin/env bash
# The Python package's suite, as .ci/run calls it: a fresh virtual
# environment with what the tests need, the wheel built in release mode and
# installed from the file, then pytest. Java 17 comes from apt only when
# there is no `java` (Spark needs it).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
say() { echo "python/ci.sh: $* ($((SECONDS - start)) s)"; }

if ! command -v java >/dev/null 2>&1; then
    say "installing Java 17 for Spark"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
py="$work/venv/bin/python"
# Activated, as a user's would be: Spark starts its workers with `python3`.
export VIRTUAL_ENV="$work/venv" PATH="$work/venv/bin:$PATH"
say "installing the test tools"
"$py" -m pip install -q --disable-pip-version-check \
    "maturin==1.16.0" "pytest==9.2.0" "pyarrow==26.0.1" "duckdb==2.0.1" \
    "polars==2.1.0" "pandas==2.3.3" "pyspark==4.3.0"

say "building the wheel"
"$work/venv/bin/maturin" build --release --quiet -m python/Cargo.toml -o "$work/dist"
"$py" -m pip install -q --disable-pip-version-check "$work"/dist/tactful-*.whl

# The acceptance test compares with the command-line tool when one is
# built. The cli/ crate is cheap to build next to the wheel (the library is
# already compiled); the old example is not (it brings the benchmarks'
# dependencies), so it is only used when something else built it.
if [[ -z "${TACTFUL_CLI:-}" && ! -x target/release/tactful && -f cli/Cargo.toml ]]; then
    say "building the command-line tool"
    cargo build --release --quiet --manifest-path cli/Cargo.toml ||
        say "no command-line tool built; that comparison is skipped"
fi

say "running pytest"
# From the repository root, so that `import tactful` is the installed wheel.
set +e
"$work/venv/bin/pytest" -q -rfEs -p no:cacheprovider python/tests
status=$?
set -e
if [[ $status -eq 5 ]]; then
    echo "python/ci.sh: pytest collected no tests" >&2
    exit 1
fi
say "done, pytest exit status $status"
exit $status
