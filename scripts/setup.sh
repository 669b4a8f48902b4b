#!/usr/bin/env bash
# Installs what PruneAug needs on a fresh Debian machine, idempotently: build tools, GoogleTest,
# Google Benchmark, OpenBLAS, the Fashion-MNIST package, a JDK and Maven (Maven then fetches the Java
# dependencies on the first build). Run by test.sh, demo.sh and the pruneaug launcher.
set -euo pipefail

PA_APT_PACKAGES=(build-essential cmake pkg-config libgtest-dev libbenchmark-dev libopenblas-dev
                 dataset-fashion-mnist openjdk-17-jdk-headless maven)

pa_missing_packages() {
  local missing=()
  for p in "${PA_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  echo "${missing[@]:-}"
}

pa_install_packages() {
  local missing
  missing=$(pa_missing_packages)
  [ -z "$missing" ] && return 0
  # java and mvn may come from elsewhere (e.g. a pre-installed JDK); only install what is absent
  if command -v java >/dev/null && java -version 2>&1 | grep -q 'version "17'; then
    missing=${missing//openjdk-17-jdk-headless/}
  fi
  command -v mvn >/dev/null && missing=${missing//maven/}
  missing=$(echo $missing)
  [ -z "$missing" ] && return 0
  echo "setup: installing $missing" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  # a fresh machine starts with empty package lists
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

pa_install_packages
