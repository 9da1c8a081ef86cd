#!/usr/bin/env bash
# The main job: generate, sign, verify and lint an enrollment profile with a throwaway
# identity, and simulate an enrollment. Output goes to ./demo-out.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --locked -p enrollkit-cli -- demo --out demo-out "$@"
