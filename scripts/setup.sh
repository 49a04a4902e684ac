#!/usr/bin/env bash
# Installs what building and testing jidiao needs on a Debian machine, only when missing:
# cmake and libclang (HiGHS builds from source through cmake; bindgen needs libclang),
# and Python's pika for the worker's client example.
set -euo pipefail

missing=()
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
# bindgen loads libclang.so / libclang-N.so; libclang-cpp (often present on its own) is not it.
if ! ls /usr/lib/llvm-*/lib/libclang.so* /usr/lib/llvm-*/lib/libclang-[0-9]*.so* >/dev/null 2>&1 \
  && ! ldconfig -p 2>/dev/null | grep -Eq 'libclang(-[0-9.]+)?\.so'; then
  missing+=(libclang-dev)
fi
command -v c++ >/dev/null 2>&1 || missing+=(g++)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import pika' >/dev/null 2>&1; then
  echo "setup: installing pika" >&2
  python3 -m pip install --quiet pika >/dev/null 2>&1 || echo "setup: could not install pika (the Python example test will say so)" >&2
fi
