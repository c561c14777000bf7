#!/usr/bin/env bash
# Make sure the servers the test suite needs are running: RabbitMQ (with the management
# plugin, which nameko's test fixtures use to create a vhost per test) and PostgreSQL.
# Starts local ones if they are installed; otherwise stops with a sentence saying what to do.
set -euo pipefail

answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_for() {  # host port seconds
  for _ in $(seq 1 "$3"); do answers "$1" "$2" && return 0; sleep 1; done; return 1
}

if ! answers 127.0.0.1 5672; then
  if command -v rabbitmq-server >/dev/null; then
    echo "starting RabbitMQ …"; rabbitmq-server -detached >/dev/null 2>&1 || true
    wait_for 127.0.0.1 5672 60 || { echo "RabbitMQ did not come up on 5672 within 60 s (see /var/log/rabbitmq)." >&2; exit 1; }
  else
    echo "RabbitMQ is not running on 127.0.0.1:5672 and rabbitmq-server is not installed: apt install rabbitmq-server" >&2; exit 1
  fi
fi
if ! answers 127.0.0.1 15672; then
  if command -v rabbitmq-plugins >/dev/null; then
    echo "enabling the RabbitMQ management plugin (test vhosts) …"
    rabbitmq-plugins enable rabbitmq_management >/dev/null
    wait_for 127.0.0.1 15672 60 || { echo "RabbitMQ management API did not answer on 15672." >&2; exit 1; }
  else
    echo "The RabbitMQ management API (port 15672) is needed by the tests: rabbitmq-plugins enable rabbitmq_management" >&2; exit 1
  fi
fi
if ! answers 127.0.0.1 5432; then
  if command -v pg_ctlcluster >/dev/null; then
    echo "starting PostgreSQL …"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    wait_for 127.0.0.1 5432 30 || { echo "PostgreSQL did not come up on 5432 within 30 s." >&2; exit 1; }
  else
    echo "PostgreSQL is not running on 127.0.0.1:5432 and is not installed: apt install postgresql" >&2; exit 1
  fi
fi
if ! command -v kubectl >/dev/null; then
  echo "note: kubectl is not on PATH; the deploy tests (tests/deploy) will fail until it is installed (deploy/README.md, Prerequisites)." >&2
fi
echo "RabbitMQ (5672, management 15672) and PostgreSQL (5432) are up."
