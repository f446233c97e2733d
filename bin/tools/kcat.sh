# Sourced by bin/test: installs the tools of the outside-the-JVM consumer recipe (docs/operators-guide.md,
# "Reading alerts from outside the JVM") when missing, and exports
#   DW_TOOL_KCAT      kcat (Debian package kcat), a Kafka client no one here wrote
#   DW_TOOL_PYTHON    a Python 3 that imports the Apache Avro library: Debian's /usr/bin/python3 with
#                        python3-avro (these machines reach Debian's packages, not PyPI)
# OutsideConsumersIT reads the detector's topics with kcat and decodes them with
# docs/consumers/read_alerts.py run by that Python. A failed install stops the caller with the reason:
# no test skips for want of these tools.
_dw_kcat=$(command -v kcat 2>/dev/null || true)
_dw_python=/usr/bin/python3
_dw_packages=""
[ -n "$_dw_kcat" ] || _dw_packages="kcat"
"$_dw_python" -c 'import avro.io, avro.schema' >/dev/null 2>&1 || _dw_packages="$_dw_packages python3 python3-avro"
if [ -n "$_dw_packages" ]; then
  echo "bin/tools/kcat.sh: installing Debian packages:$_dw_packages" >&2
  _dw_sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then _dw_sudo="sudo"; else
      echo "bin/tools/kcat.sh: cannot install$_dw_packages: not root and no sudo. Install these Debian packages and re-run." >&2
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "bin/tools/kcat.sh: cannot install$_dw_packages: no apt-get on this machine. Install kcat 1.7+ and Python 3 with the avro module." >&2
    exit 1
  fi
  # shellcheck disable=SC2086 # the package list is meant to split
  if ! { $_dw_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
         $_dw_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $_dw_packages >&2; }; then
    echo "bin/tools/kcat.sh: apt-get could not install$_dw_packages (see above); OutsideConsumersIT needs them." >&2
    exit 1
  fi
  _dw_kcat=$(command -v kcat 2>/dev/null || true)
  [ -n "$_dw_kcat" ] || { echo "bin/tools/kcat.sh: kcat still not on PATH after installing the Debian package" >&2; exit 1; }
  "$_dw_python" -c 'import avro.io, avro.schema' >/dev/null 2>&1 ||
    { echo "bin/tools/kcat.sh: $_dw_python still cannot import avro after installing python3-avro" >&2; exit 1; }
fi
"$_dw_kcat" -V >/dev/null 2>&1 || { echo "bin/tools/kcat.sh: $_dw_kcat does not run ('$_dw_kcat -V' failed)" >&2; exit 1; }
export DW_TOOL_KCAT="$_dw_kcat"
export DW_TOOL_PYTHON="$_dw_python"
unset _dw_kcat _dw_python _dw_packages _dw_sudo
