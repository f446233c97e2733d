// Compiles a Solidity file with solc-js and prints {"Name": {"abi": [...], "bin": "..."}} as JSON.
//   usage: NODE_PATH=<folder holding solc> node compile.js File.sol
const solc = require('solc');
const fs = require('fs');
const path = require('path');
const file = process.argv[2];
const input = { language: 'Solidity', sources: { [path.basename(file)]: { content: fs.readFileSync(file, 'utf8') } },
  settings: { evmVersion: 'cancun', optimizer: { enabled: true, runs: 200 },
              outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } } };
const out = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (out.errors || []).filter(e => e.severity === 'error');
if (errors.length) { errors.forEach(e => console.error(e.formattedMessage)); process.exit(1); }
const result = {};
for (const [name, c] of Object.entries(out.contracts[path.basename(file)])) {
  result[name] = { abi: c.abi, bin: c.evm.bytecode.object };
}
process.stdout.write(JSON.stringify(result));
