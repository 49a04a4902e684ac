#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up, format, lints, the solver's purity, every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
# The solver crate stays pure: no async runtime, no broker client.
if cargo tree -p jidiao-solver -e normal --prefix none | grep -E '^(tokio|lapin|axum|hyper) ' >/dev/null; then
  echo "jidiao-solver must not depend on tokio, lapin, axum or hyper" >&2
  exit 1
fi
cargo test --workspace
