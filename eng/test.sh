#!/usr/bin/env bash
# The suite's test command (README: "Run the tests").
#
#   bash eng/test.sh            build Release, start a throwaway PostgreSQL 15, run every test project,
#                               run the benchmarks once in quick mode, print "Tests: N passed, N failed, N skipped"
#
# Environment:
#   DIALER_TEST_POSTGRES   set by this script: the throwaway server's connection string (tests that need
#                          PostgreSQL fail when it is missing; they never skip)
#   DIALER_SKIP_BENCH=1    skip the benchmark smoke run
#   DIALER_TEST_FILTER     passed to `dotnet test --filter` (optional)
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work="$(mktemp -d "${TMPDIR:-/tmp}/dialer-test.XXXXXX")"
results="$work/results"
mkdir -p "$results"
pg_data="$work/pgdata"
pg_bin=""
pg_user=""
pg_started=0

log() { printf '[test.sh] %s\n' "$*" >&2; }

as_pg_user() {
  if [ "$(id -u)" = "0" ]; then
    su -s /bin/bash "$pg_user" -c "$*"
  else
    bash -c "$*"
  fi
}

stop_postgres() {
  if [ "$pg_started" = "1" ]; then
    log "stopping PostgreSQL"
    as_pg_user "'$pg_bin/pg_ctl' -D '$pg_data' -m immediate stop" >/dev/null 2>&1 || true
    pg_started=0
  fi
}

cleanup() {
  stop_postgres
  if [ -z "${DIALER_KEEP_TEST_DIR:-}" ]; then rm -rf "$work"; else log "kept $work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

find_pg_bin() {
  local d
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return 0; fi
  return 1
}

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

start_postgres() {
  if ! pg_bin="$(find_pg_bin)"; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      log "PostgreSQL binaries not found; installing postgresql-15 with apt-get"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null 2>&1 \
        || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 || true
    fi
    pg_bin="$(find_pg_bin)" || { log "PostgreSQL binaries are missing; PostgreSQL tests will fail"; return 1; }
  fi

  if [ "$(id -u)" = "0" ]; then
    # The server refuses to run as root: use an unprivileged account.
    if id postgres >/dev/null 2>&1; then pg_user=postgres
    else
      id dialertest >/dev/null 2>&1 || useradd --system --no-create-home --shell /bin/bash dialertest
      pg_user=dialertest
    fi
    chmod 755 "$work"
    mkdir -p "$pg_data" && chown "$pg_user" "$pg_data"
  else
    pg_user="$(id -un)"
    mkdir -p "$pg_data"
  fi

  local port
  port="$(free_port)" || { log "no free port found"; return 1; }
  as_pg_user "'$pg_bin/initdb' -D '$pg_data' -U postgres --auth=trust --encoding=UTF8 --no-locale" >"$work/initdb.log" 2>&1 \
    || { log "initdb failed:"; cat "$work/initdb.log" >&2; return 1; }
  as_pg_user "'$pg_bin/pg_ctl' -D '$pg_data' -l '$pg_data/server.log' -w -t 60 \
      -o \"-p $port -k '$pg_data' -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on\" start" >"$work/pgctl.log" 2>&1 \
    || { log "PostgreSQL failed to start:"; cat "$work/pgctl.log" "$pg_data/server.log" >&2 2>/dev/null; return 1; }
  pg_started=1
  as_pg_user "'$pg_bin/psql' -h 127.0.0.1 -p $port -U postgres -d postgres -qAt -c 'CREATE DATABASE dialer_test'" >/dev/null \
    || { log "could not create the test database"; return 1; }
  export DIALER_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=dialer_test;Pooling=true;Maximum Pool Size=100"
  export DIALER_TEST_PGDATA="$pg_data"
  export DIALER_TEST_PGBIN="$pg_bin"
  log "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data $pg_data, user $pg_user)"
}

log "building (Release)"
dotnet build Dialer.Libraries.sln -c Release -nologo >"$work/build.log" 2>&1
build_rc=$?
grep -E 'error|warning [A-Z]+[0-9]+' "$work/build.log" | sort -u | head -n 60 >&2
if [ "$build_rc" != "0" ]; then
  log "build failed (exit $build_rc)"; tail -n 30 "$work/build.log" >&2
  echo "Tests: 0 passed, 1 failed, 0 skipped"
  exit 1
fi

start_postgres || log "continuing without PostgreSQL (its tests will fail, not skip)"

# libfaketime (Debian's package) shifts whole host processes' clocks in the reliability suite's clock-skew family.
faketime_lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
if [ ! -f "$faketime_lib" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  log "libfaketime not found; installing it with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libfaketime >/dev/null 2>&1 \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libfaketime >/dev/null 2>&1; } || true
fi
if [ -f "$faketime_lib" ]; then export DIALER_FAKETIME_LIB="$faketime_lib"; else log "libfaketime is missing; the clock-skew tests will fail"; fi

status=0
filter_args=()
if [ -n "${DIALER_TEST_FILTER:-}" ]; then filter_args=(--filter "$DIALER_TEST_FILTER"); fi

for proj in $(ls tests/*/*.csproj | sort); do
  name="$(basename "$proj" .csproj)"
  # Only projects that reference the test SDK are test projects (Dialer.Testing is a library).
  grep -q 'Microsoft.NET.Test.Sdk' "$proj" || continue
  log "testing $name"
  dotnet test "$proj" -c Release --no-build -nologo "${filter_args[@]}" \
        --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
        --results-directory "$results" >"$work/$name.log" 2>&1
  rc=$?
  grep -vE '^\s*$' "$work/$name.log" | tail -n 25 >&2
  if [ "$rc" != "0" ]; then
    log "$name: dotnet test exited with $rc"
    status=1
    if [ ! -f "$results/$name.trx" ]; then
      # A crash before results were written still counts as a failure.
      echo "<Counters total=\"1\" executed=\"1\" passed=\"0\" failed=\"1\" notExecuted=\"0\" />" > "$results/$name.crash.trx"
    fi
  fi
done

bench_failed=0
if [ -z "${DIALER_SKIP_BENCH:-}" ] && [ -d benchmarks/Dialer.Benchmarks ]; then
  log "benchmarks: quick smoke run (numbers from it mean nothing)"
  if ! (cd "$work" && dotnet run -c Release --no-build --project "$root/benchmarks/Dialer.Benchmarks" -- --quick) >"$work/bench.log" 2>&1; then
    log "benchmark smoke run failed:"; tail -n 60 "$work/bench.log" >&2
    bench_failed=1
    status=1
  else
    log "benchmark smoke run passed ($(grep -c '^// Benchmark:' "$work/bench.log" || true) benchmarks)"
  fi
fi

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  get() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  p="$(get passed)"; f="$(get failed)"; e="$(get error)"; t="$(get timeout)"; a="$(get aborted)"; n="$(get notExecuted)"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
  skipped=$((skipped + ${n:-0}))
done
failed=$((failed + bench_failed))
if [ "$failed" -gt 0 ]; then status=1; fi
if [ "$passed" -eq 0 ]; then log "no test passed"; status=1; fi

stop_postgres
echo "Tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
