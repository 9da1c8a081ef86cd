#!/usr/bin/env bash
# The reference server's suite: Keycloak, PostgreSQL, Chromium, real HTTP (scripts/test-server.sh).
set -euo pipefail
exec "$(cd "$(dirname "$0")/../.." && pwd)/scripts/test-server.sh"
