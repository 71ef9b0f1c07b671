#!/usr/bin/env bash
# Make sure Redis answers on 127.0.0.1:6379 (the test of django-q's Redis broker), starting it
# if it is not running. Used by the test command; a production server has its own.
set -euo pipefail

sudo_cmd=()
[[ "$(id -u)" -ne 0 ]] && sudo_cmd=(sudo)

ping() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! ping; then
  echo "==> Starting Redis"
  "${sudo_cmd[@]}" mkdir -p /var/lib/redis /var/log/redis
  "${sudo_cmd[@]}" redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do
    ping && break
    sleep 0.5
  done
  ping || { echo "Redis did not answer on 127.0.0.1:6379 within 15 s" >&2; exit 1; }
fi
echo "==> Redis is up on 127.0.0.1:6379"
