// node-bench.mjs - the browser verifier under node, for bench/web/run.sh:
// time to first verdict (reading and compiling alot-verify.wasm, then one
// record verified), and the best of RUNS runs over a bundle and over one
// draw with its full ledger.  Prints one JSON object (milliseconds).
//
//   node node-bench.mjs WEB_DIR DATA_DIR RUNS
//
// DATA_DIR holds pub.pem, one.jsonl, bundle.jsonl, and ledger/{pub.pem,draw.json,ledger.jsonl}.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { best, check, BUNDLE_ARGS, FIRST_ARGS, LEDGER_ARGS } from './timing.mjs';

const start = performance.now();
const [webDir, dataDir, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 3);
const { Verifier } = await import(join(webDir, 'verifier.js'));
const factory = createRequire(import.meta.url)(join(webDir, 'alot-verify.js'));
const verifier = await Verifier.load(factory, readFileSync(join(webDir, 'alot-verify.wasm')));
const loaded = performance.now();
const data = (name) => readFileSync(join(dataDir, name));

const first = await verifier.run(FIRST_ARGS, { 'pub.pem': data('pub.pem'), 'one.jsonl': data('one.jsonl') });
check('first verdict', first);
const firstVerdict = performance.now();

const bundle = await best(verifier, runs, 'bundle', BUNDLE_ARGS,
                          { 'pub.pem': data('pub.pem'), 'bundle.jsonl': data('bundle.jsonl') });
const ledger = await best(verifier, runs, 'ledger', LEDGER_ARGS,
                          { 'pub.pem': data('ledger/pub.pem'), 'draw.json': data('ledger/draw.json'),
                            'ledger.jsonl': data('ledger/ledger.jsonl') });
console.log(JSON.stringify({ load_ms: loaded - start, first_verdict_ms: firstVerdict - start, bundle_ms: bundle, ledger_ms: ledger }));
