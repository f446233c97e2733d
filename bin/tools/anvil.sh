# Sourced by bin/test and bin/bench-ingest: installs anvil 1.7.1 (a real local Ethereum node, npm
# package @foundry-rs/anvil; the Linux binary ships in @foundry-rs/anvil-linux-amd64) and solc-js (the
# Solidity compiler the tests compile their contracts with) into .tools/ when missing, then exports
#   DW_TOOL_ANVIL     the anvil binary
#   DW_TOOL_SOLCJS    the solc-js package folder (run with node)
# A failed install stops the caller: no test skips for want of anvil.
_dw_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
_dw_tools="$_dw_root/.tools/anvil"
_dw_anvil="$_dw_tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
_dw_solc="$_dw_tools/node_modules/solc"
if [ ! -x "$_dw_anvil" ] || [ ! -f "$_dw_solc/soljson.js" ]; then
  command -v npm >/dev/null || { echo "bin/tools/anvil.sh: npm is needed to install anvil and solc-js (apt-get install npm)" >&2; exit 1; }
  echo "installing anvil 1.7.1 and solc-js 0.8.30 into $_dw_tools ..." >&2
  mkdir -p "$_dw_tools"
  [ -f "$_dw_tools/package.json" ] || echo '{"name":"drainwatch-tools","private":true}' > "$_dw_tools/package.json"
  if ! (cd "$_dw_tools" && npm install --no-audit --no-fund --loglevel=error \
        @foundry-rs/anvil@1.7.1 @foundry-rs/anvil-linux-amd64@1.7.1 solc@0.8.30 >&2); then
    echo "bin/tools/anvil.sh: npm install of anvil/solc-js failed (see above)" >&2; exit 1
  fi
  [ -x "$_dw_anvil" ] || { echo "bin/tools/anvil.sh: no anvil binary at $_dw_anvil after install" >&2; exit 1; }
  "$_dw_anvil" --version >/dev/null || { echo "bin/tools/anvil.sh: $_dw_anvil does not run" >&2; exit 1; }
fi
export DW_TOOL_ANVIL="$_dw_anvil"
export DW_TOOL_SOLCJS="$_dw_solc"
unset _dw_root _dw_tools _dw_anvil _dw_solc
