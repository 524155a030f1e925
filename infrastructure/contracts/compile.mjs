// Compiles Anchor.sol with the pinned solc-js (infrastructure/tools) through its standard-JSON
// interface and writes the ABI and creation bytecode where the Java code loads them.
// Usage: node compile.mjs <tools dir> <output dir>
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [toolsDir, outDir] = process.argv.slice(2);
const require = createRequire(resolve(toolsDir, 'package.json'));
const solc = require('solc');
const here = dirname(fileURLToPath(import.meta.url));
const source = readFileSync(join(here, 'src/main/solidity/Anchor.sol'), 'utf8');

const input = {
  language: 'Solidity',
  sources: { 'Anchor.sol': { content: source } },
  settings: {
    // Pinned so that the bytecode is the same whatever the node's default hardfork.
    evmVersion: 'cancun',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { Anchor: ['abi', 'evm.bytecode.object'] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
if (errors.length > 0) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}
const contract = output.contracts['Anchor.sol'].Anchor;
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'Anchor.abi.json'), JSON.stringify(contract.abi, null, 2) + '\n');
writeFileSync(join(outDir, 'Anchor.bin'), contract.evm.bytecode.object + '\n');
writeFileSync(join(outDir, 'Anchor.solc-version'), solc.version() + '\n');
console.log(`Anchor.sol compiled with solc ${solc.version()}`);
