#!/usr/bin/env bash
# Install Debian's Chromium (for the browser tests), Fashion-MNIST (for the full-data loader test) and
# nginx (for `make hall` and its test) when they are missing; given package names, only those.
# Needs root or sudo; does nothing when all are present.
set -euo pipefail
wanted=" ${*:-chromium dataset-fashion-mnist nginx} "
missing=()
need() { [[ $wanted == *" $1 "* ]] && [ ! -e "$2" ]; }
if need chromium /usr/bin/chromium; then missing+=(chromium); fi
if need dataset-fashion-mnist /usr/share/datasets/fashion-mnist; then missing+=(dataset-fashion-mnist); fi
if need nginx /usr/sbin/nginx; then missing+=(nginx); fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
echo "installing ${missing[*]} with apt-get"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
