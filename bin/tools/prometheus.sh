# Sourced by bin/test: makes sure promtool, amtool, prometheus and prometheus-alertmanager are on PATH
# (Debian packages prometheus and prometheus-alertmanager); the rule, Alertmanager and end-to-end tests
# run these binaries. Stops the test run with the reason when they cannot be installed.
drainwatch_prometheus_tools_missing() {
  local tool
  for tool in promtool amtool prometheus prometheus-alertmanager; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$tool"; return 0; }
  done
  return 1
}
if missing=$(drainwatch_prometheus_tools_missing); then
  echo "bin/tools/prometheus.sh: $missing not found; installing Debian packages prometheus and prometheus-alertmanager" >&2
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo_cmd="sudo"; else
      echo "bin/tools/prometheus.sh: cannot install $missing: not root and no sudo. Install prometheus and prometheus-alertmanager (Debian) and re-run." >&2
      exit 1
    fi
  fi
  if ! { $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
         $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
           -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
           prometheus prometheus-alertmanager >&2; }; then
    echo "bin/tools/prometheus.sh: apt-get could not install prometheus and prometheus-alertmanager; the rule and end-to-end tests need promtool, amtool, prometheus and prometheus-alertmanager." >&2
    exit 1
  fi
  if missing=$(drainwatch_prometheus_tools_missing); then
    echo "bin/tools/prometheus.sh: $missing still not on PATH after installing the Debian packages" >&2
    exit 1
  fi
fi
unset -f drainwatch_prometheus_tools_missing
