#!/usr/bin/env bash
# Make sure MariaDB answers on 127.0.0.1:3306 for user root without a password, starting
# it if it is not running. Used by the test command; a production server has its own.
set -euo pipefail

sudo_cmd=()
[[ "$(id -u)" -ne 0 ]] && sudo_cmd=(sudo)

ping() { mysqladmin --protocol=tcp -h 127.0.0.1 -P 3306 -u root status >/dev/null 2>&1; }

start() {
  # Not while a previous server is still shutting down: it holds the data files.
  if ! pgrep -x mariadbd >/dev/null && ! pgrep -x mysqld >/dev/null; then
    echo "==> Starting MariaDB"
    "${sudo_cmd[@]}" mkdir -p /run/mysqld
    "${sudo_cmd[@]}" chown mysql:mysql /run/mysqld
    "${sudo_cmd[@]}" /usr/sbin/start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  fi
}

if ! ping; then
  for _ in $(seq 1 60); do
    start
    ping && break
    # A fresh Debian install lets root in through the socket only: allow the empty
    # password over TCP too, as on the machines this project is tested on.
    if "${sudo_cmd[@]}" mysql -u root -e "SELECT 1" >/dev/null 2>&1; then
      "${sudo_cmd[@]}" mysql -u root -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('')" || true
    fi
    sleep 1
  done
  ping || { echo "MariaDB did not answer on 127.0.0.1:3306 within 60 s" >&2; exit 1; }
fi
mysql --protocol=tcp -h 127.0.0.1 -u root -e \
  "CREATE DATABASE IF NOT EXISTS smsmotor CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
echo "==> MariaDB is up on 127.0.0.1:3306"
