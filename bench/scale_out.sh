#!/usr/bin/env bash
# Scale-out, shown: two app hosts (a network namespace each, gunicorn -w 2 in it) behind HAProxy,
# both on one PostgreSQL and one Redis, a mail worker beside each; learners work through a course
# while host A is killed with SIGKILL; then the database is checked (bench/scale_out.py).
# Needs root (namespaces). Everything it starts or creates is removed on exit.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV=${VENV:-$ROOT/.venv}
PY=$VENV/bin/python
LEARNERS=${LEARNERS:-40}
RUN=$$
DB=scaleout_$RUN
PG_PORT=5432
REDIS_PORT=6379
REDIS_DB=13                       # a database of its own: the test suite flushes 15
GATEWAY=10.77.0.1                 # the root namespace's side: where PostgreSQL and Redis are reached
HOST_A=10.77.1.2
HOST_B=10.77.2.2
APP_PORT=8000
BRIDGE=sobr$RUN
SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
WORK=$(mktemp -d /tmp/scaleout.XXXXXX)
PIDS=()

[ "$(id -u)" -eq 0 ] || { echo "scale_out.sh needs root (network namespaces)" >&2; exit 2; }

ours() {  # still this script's child: host a's pid, killed on purpose, may belong to another by now
    [ "$(ps -o ppid= -p "$1" 2>/dev/null | tr -d ' ')" = "$$" ]
}

cleanup() {
    local status=$?
    set +e
    # Newest first, so the forwarders stop last; children (socat's per-connection copies,
    # gunicorn's workers) before their parent, which then reaps them.
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        ours "${PIDS[i]}" || continue
        pkill -TERM -P "${PIDS[i]}" 2>/dev/null && sleep 0.2
        kill -TERM "${PIDS[i]}" 2>/dev/null
    done
    sleep 1
    for pid in "${PIDS[@]}"; do
        ours "$pid" || continue
        pkill -KILL -P "$pid" 2>/dev/null
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    ip netns del "so${RUN}a" 2>/dev/null
    ip netns del "so${RUN}b" 2>/dev/null
    ip link del "$BRIDGE" 2>/dev/null
    dropdb -h 127.0.0.1 -p $PG_PORT -U postgres --if-exists --force "$DB" 2>/dev/null
    if [ "$status" -ne 0 ] && [ -d "$WORK" ]; then
        for log in "$WORK"/*.log; do
            [ -s "$log" ] && { echo "--- $(basename "$log") (last lines)"; tail -n 15 "$log"; }
        done
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need() {  # command, Debian package
    command -v "$1" >/dev/null 2>&1 && return
    echo "installing $2"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null
}
need haproxy haproxy
need socat socat
need psql postgresql-client
[ -x "$VENV/bin/gunicorn" ] || { echo "no $VENV: run make install first" >&2; exit 2; }
ls translations/*/LC_MESSAGES/messages.mo >/dev/null 2>&1 || make catalogues >/dev/null

# Network: a bridge in the root namespace holds the gateway address; each host's veth hangs on it.
ip link add "$BRIDGE" type bridge
ip addr add "$GATEWAY/16" dev "$BRIDGE"
ip link set "$BRIDGE" up
for side in a b; do
    ns="so${RUN}${side}"
    address=$([ $side = a ] && echo $HOST_A || echo $HOST_B)
    ip netns add "$ns"
    ip link add "so${RUN}${side}0" type veth peer name "so${RUN}${side}1"
    ip link set "so${RUN}${side}0" master "$BRIDGE" up
    ip link set "so${RUN}${side}1" netns "$ns"
    ip -n "$ns" addr add "$address/16" dev "so${RUN}${side}1"
    ip -n "$ns" link set "so${RUN}${side}1" up
    ip -n "$ns" link set lo up
done

# PostgreSQL and Redis listen on 127.0.0.1 only; socat carries the hosts' connections there.
for port in $PG_PORT $REDIS_PORT; do
    socat "TCP-LISTEN:$port,bind=$GATEWAY,reuseaddr,fork" "TCP:127.0.0.1:$port" 2>"$WORK/socat-$port.log" &
    PIDS+=($!)
done

createdb -h 127.0.0.1 -p $PG_PORT -U postgres "$DB"
BALANCER_PORT=$("$PY" -c "from bench.servers import free_port; print(free_port())")
export LMS_ENV=production SECRET_KEY=$SECRET PYTHONWARNINGS=ignore
export BASE_URL="http://127.0.0.1:$BALANCER_PORT"
export TRUSTED_HOSTS="127.0.0.1,localhost,$HOST_A,$HOST_B"
export DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/$DB"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/$REDIS_DB"
export MAIL_DIR=$WORK/mail-setup
echo "== database $DB: schema, courses, demo accounts"
"$VENV/bin/flask" --app wsgi db upgrade >"$WORK/setup.log" 2>&1
"$VENV/bin/flask" --app wsgi courses sync >>"$WORK/setup.log" 2>&1
"$VENV/bin/flask" --app wsgi demo seed >>"$WORK/setup.log" 2>&1

host_env() {  # what a host in its namespace is given: the shared services through the gateway
    echo "DATABASE_URL=postgresql+psycopg://postgres@$GATEWAY:$PG_PORT/$DB" \
         "REDIS_URL=redis://$GATEWAY:$REDIS_PORT/$REDIS_DB" "PROXY_FIX_X_FOR=1" \
         "MAIL_DIR=$WORK/mail-$1"
}
for side in a b; do
    address=$([ $side = a ] && echo $HOST_A || echo $HOST_B)
    # shellcheck disable=SC2046  # host_env's words are separate VAR=value assignments
    ip netns exec "so${RUN}${side}" env $(host_env $side) "$VENV/bin/gunicorn" --workers 2 \
        --bind "$address:$APP_PORT" --pid "$WORK/gunicorn-$side.pid" --log-level warning wsgi:app \
        >"$WORK/host-$side.log" 2>&1 &
    PIDS+=($!)
    disown $!   # host a is killed on purpose: no "Killed" notice from the shell
    # shellcheck disable=SC2046
    ip netns exec "so${RUN}${side}" env $(host_env $side) "$VENV/bin/flask" --app wsgi mail work --poll 1 \
        >"$WORK/mail-$side.log" 2>&1 &
    PIDS+=($!)
done

cat >"$WORK/haproxy.cfg" <<EOF
global
    maxconn 2000
    stats socket $WORK/haproxy.sock mode 600 level admin
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout queue 60s
    # A busy host answers its check late: that is not a dead one (a dead one refuses at once).
    timeout check 5s
    option forwardfor
    # A request that cannot connect is tried again, each time on another host if there is one.
    option redispatch 1
    retries 3
frontend lms
    bind 127.0.0.1:$BALANCER_PORT
    default_backend hosts
backend hosts
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    # maxconn: each host takes a few requests at a time (gunicorn's sync workers serve one each);
    # the rest wait in HAProxy's queue, where a request for a host that dies goes to the other.
    # A refused connection in real traffic takes the host out at once, before its next check.
    default-server inter 500ms fall 2 rise 2 maxconn 4 observe layer4 error-limit 1 on-error mark-down
    # Which host answered: the driver counts requests and logins per host.
    http-response set-header X-Served-By %s
    server a $HOST_A:$APP_PORT check
    server b $HOST_B:$APP_PORT check
EOF
haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/haproxy.log" 2>&1 &
PIDS+=($!)

echo "== hosts a ($HOST_A) and b ($HOST_B) behind HAProxy on 127.0.0.1:$BALANCER_PORT"
"$PY" -m bench.scale_out \
    --balancer "http://127.0.0.1:$BALANCER_PORT" \
    --host "a=http://$HOST_A:$APP_PORT" --host "b=http://$HOST_B:$APP_PORT" \
    --kill-pidfile "$WORK/gunicorn-a.pid" --haproxy-socket "$WORK/haproxy.sock" \
    --mail-dir "a=$WORK/mail-a" --mail-dir "b=$WORK/mail-b" \
    --learners "$LEARNERS" --run "$RUN"
