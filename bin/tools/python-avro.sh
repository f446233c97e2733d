# Sourced by bin/test: makes sure a Python 3 with the Apache Avro library is installed (Debian packages
# python3 and python3-avro; the machines this project runs on reach Debian's packages but not PyPI) and
# exports
#   DRAINWATCH_PYTHON    that Python (Debian's /usr/bin/python3, which sees Debian's python3-avro)
# OutsideConsumersIT decodes the detector's records with it through docs/consumers/read_alerts.py.
# Stops the test run with the reason when it cannot be installed: no test skips for want of it.
_dw_python=/usr/bin/python3
if ! "$_dw_python" -c 'import avro.io, avro.schema' >/dev/null 2>&1; then
  echo "bin/tools/python-avro.sh: $_dw_python with the avro module not found; installing Debian packages python3 and python3-avro" >&2
  _dw_sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then _dw_sudo="sudo"; else
      echo "bin/tools/python-avro.sh: cannot install python3-avro: not root and no sudo. Install the Debian packages python3 and python3-avro and re-run." >&2
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "bin/tools/python-avro.sh: cannot install python3-avro: no apt-get on this machine." >&2
    exit 1
  fi
  if ! { $_dw_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
         $_dw_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3 python3-avro >&2; }; then
    echo "bin/tools/python-avro.sh: apt-get could not install python3 and python3-avro (see above); OutsideConsumersIT needs them." >&2
    exit 1
  fi
  "$_dw_python" -c 'import avro.io, avro.schema' >/dev/null 2>&1 ||
    { echo "bin/tools/python-avro.sh: $_dw_python still cannot import avro after installing python3-avro" >&2; exit 1; }
fi
export DRAINWATCH_PYTHON="$_dw_python"
unset _dw_python _dw_sudo
