# Sourced by bin/test: makes sure a headless-capable Chromium is installed (Debian package chromium),
# which the backtest report test uses to render report.html as a browser would, then exports
#   DW_TOOL_CHROMIUM  the chromium binary
# Stops the test run with the reason when it cannot be installed: no test skips for want of it.
drainwatch_chromium_binary() {
  local candidate
  for candidate in "${DW_TOOL_CHROMIUM:-}" chromium chromium-browser; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; return 0; fi
  done
  return 1
}
if ! _dw_chromium=$(drainwatch_chromium_binary); then
  echo "bin/tools/chromium.sh: chromium not found; installing the Debian package chromium" >&2
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo_cmd="sudo"; else
      echo "bin/tools/chromium.sh: cannot install chromium: not root and no sudo. Install chromium (Debian) and re-run." >&2
      exit 1
    fi
  fi
  if ! { $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
         $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
           -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
           chromium >&2; }; then
    echo "bin/tools/chromium.sh: apt-get could not install chromium; the backtest report test renders report.html in it." >&2
    exit 1
  fi
  if ! _dw_chromium=$(drainwatch_chromium_binary); then
    echo "bin/tools/chromium.sh: chromium still not on PATH after installing the Debian package" >&2
    exit 1
  fi
fi
if ! "$_dw_chromium" --version >/dev/null 2>&1; then
  echo "bin/tools/chromium.sh: $_dw_chromium does not run ($_dw_chromium --version failed)" >&2
  exit 1
fi
export DW_TOOL_CHROMIUM="$_dw_chromium"
unset -f drainwatch_chromium_binary
unset _dw_chromium
