# Sourced by bin/test: makes sure kcat (Debian package kcat, a Kafka client no one here wrote) is
# installed, and exports
#   DRAINWATCH_KCAT      the kcat binary
# OutsideConsumersIT reads the detector's topics with it. Stops the test run with the reason when it
# cannot be installed: no test skips for want of kcat.
_dw_kcat=$(command -v kcat 2>/dev/null || true)
if [ -z "$_dw_kcat" ]; then
  echo "bin/tools/kcat.sh: kcat not found; installing Debian package kcat" >&2
  _dw_sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then _dw_sudo="sudo"; else
      echo "bin/tools/kcat.sh: cannot install kcat: not root and no sudo. Install the Debian package kcat and re-run." >&2
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "bin/tools/kcat.sh: cannot install kcat: no apt-get on this machine. Install kcat (1.7 or newer) and re-run." >&2
    exit 1
  fi
  if ! { $_dw_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
         $_dw_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends kcat >&2; }; then
    echo "bin/tools/kcat.sh: apt-get could not install kcat (see above); OutsideConsumersIT needs it." >&2
    exit 1
  fi
  _dw_kcat=$(command -v kcat 2>/dev/null || true)
  [ -n "$_dw_kcat" ] || { echo "bin/tools/kcat.sh: kcat still not on PATH after installing the Debian package" >&2; exit 1; }
fi
"$_dw_kcat" -V >/dev/null 2>&1 || { echo "bin/tools/kcat.sh: $_dw_kcat does not run ('$_dw_kcat -V' failed)" >&2; exit 1; }
export DRAINWATCH_KCAT="$_dw_kcat"
unset _dw_kcat _dw_sudo
