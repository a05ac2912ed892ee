#!/usr/bin/env bash
# A real PostgreSQL streaming replica of the local cluster (127.0.0.1:5432), made with
# pg_basebackup as a second cluster on port 5437, and the site's public pages served
# from it: bench/replica_reads.py requests pages with DATABASE_REPLICA_URL set and shows
# which server ran the queries (query counts per alias, and the replica's own
# pg_stat_database counters). Not part of .ci/run: it copies the whole cluster.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/mf_ops_bench bench/replica.sh
#
# Needs root (it runs the replica as the postgres user) and a primary that accepts
# replication connections from 127.0.0.1; it adds that pg_hba.conf line and reloads
# the primary (a reload, not a restart) when it is missing. Stops and removes the
# replica at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to a database on the primary, filled by generatedata}"
PORT=${REPLICA_PORT:-5437}
DATA=${REPLICA_DATA:-/tmp/mayoralforum-replica}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres() { runuser -u postgres -- "$@"; }

HBA=$(psql -h 127.0.0.1 -U postgres -Atc "show hba_file")
if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$HBA"; then
  echo "Allowing replication connections from 127.0.0.1 in $HBA (and reloading)"
  echo "host replication all 127.0.0.1/32 trust" >> "$HBA"
  psql -h 127.0.0.1 -U postgres -Atc "select pg_reload_conf()" >/dev/null
fi

cleanup() {
  as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$DATA"
}
trap cleanup EXIT
cleanup
mkdir -p "$DATA" && chown postgres: "$DATA" && chmod 700 "$DATA"

echo "== pg_basebackup of the primary into $DATA (port $PORT)"
start=$(date +%s)
as_postgres "$BIN/pg_basebackup" -h 127.0.0.1 -p 5432 -U postgres -D "$DATA" -R -X stream -c fast
echo "   copied $(du -sh "$DATA" | cut -f1) in $(( $(date +%s) - start ))s"
# Debian keeps the configuration outside the data directory: give the replica its own.
printf "port = %s\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '/tmp'\nhot_standby = on\n" \
  "$PORT" > "$DATA/postgresql.conf"
printf "local all all trust\nhost all all 127.0.0.1/32 trust\n" > "$DATA/pg_hba.conf"
: > "$DATA/pg_ident.conf"
chown postgres: "$DATA"/*.conf
as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$DATA/replica.log" -w start \
  || { tail -20 "$DATA/replica.log"; exit 1; }
psql -h 127.0.0.1 -p "$PORT" -U postgres -Atc \
  "select 'replica in recovery (read-only): ' || pg_is_in_recovery()"
psql -h 127.0.0.1 -U postgres -Atc \
  "select 'primary streams to: ' || client_addr || ' state ' || state from pg_stat_replication"

REPLICA_URL=$(python3 -c "import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(p._replace(netloc=p.netloc.rsplit(':',1)[0]+':$PORT').geturl())" "$DATABASE_URL")
DATABASE_REPLICA_URL=$REPLICA_URL .venv/bin/python bench/replica_reads.py
