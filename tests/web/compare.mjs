// compare.mjs - the browser verifier under node against the native binary
// (tests/web/test_web_node.sh runs it; GitHub issue #15).
//
//   node compare.mjs WEB_DIR NATIVE_VERIFY VECTORS_DIR DEMO_RECORDS_DIR SCRATCH_DIR
//
// Every invocation runs twice: alot-verify.wasm through web/page/verifier.js,
// its files under /in/NAME, and the native alot-verify, the same files
// copied to SCRATCH_DIR/N/in/NAME.  The native outputs are then normalized
// by that one prefix (SCRATCH_DIR/N/in/ becomes /in/), so "source" and any
// message naming a file read the same, and the two must agree exactly:
// exit status, stderr, the text report byte for byte, and, in --format json,
// every record's verdict and every check's name, order, status and message.
// Each invocation also states what it must give (exit status, verdicts, a
// failed check), so two verifiers wrong in the same way do not pass.
//
// The inputs: every record of the three vector folders, with the companions
// and options their index.json names (as tests/verify/test_verify_cli.sh
// and test_verify_beacon.sh give them), and every file alone; every record
// the demo exported: each draw with its commitment, freeze and ledger, with
// its log proofs under the demo's 2-of-2 witness policy, each buyer's proof,
// the bundles, each commitment alone.  Then make-proof: the wasm-made proof
// of each vector and demo proof's entry equals the file alot-draw export
// --proof wrote, byte for byte, and proofs of the first, middle and last
// entry of every ledger verify with --proof --entry in both verifiers.
//
// Prints the counts; exits 1 on any difference, on a vector file no
// invocation used, or when fewer invocations ran than the inputs call for.
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const [webDir, nativeVerify, vectorsDir, demoDir, scratch] = process.argv.slice(2);
if (!scratch) {
	console.error('usage: node compare.mjs WEB_DIR NATIVE_VERIFY VECTORS_DIR DEMO_RECORDS_DIR SCRATCH_DIR');
	process.exit(2);
}

const { Verifier } = await import(join(webDir, 'verifier.js'));
const factory = createRequire(import.meta.url)(join(webDir, 'alot-verify.js'));
const loaded = await Verifier.load(factory, readFileSync(join(webDir, 'alot-verify.wasm')));
// Under node, emscripten's glue adds an uncaughtException and an
// unhandledRejection listener to process for every instance, each holding
// its instance: hundreds of runs grow the heap and slow every run (unless
// linked with -sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0).  They only
// rethrow; drop the ones each run added.
const verifier = {
	async run(args, files) {
		const before = new Map(['uncaughtException', 'unhandledRejection'].map((e) => [e, process.listeners(e)]));
		try {
			return await loaded.run(args, files);
		} finally {
			for (const [e, kept] of before)
				for (const l of process.listeners(e))
					if (!kept.includes(l))
						process.removeListener(e, l);
		}
	},
};

const problems = [];
const used = new Set();          // every input file given to some invocation
const counts = { invocations: 0, runs: 0, records: 0, proofsMade: 0, proofsByteEqual: 0 };
let scratchN = 0;

function problem(label, what) {
	problems.push(`${label}: ${what}`);
	if (problems.length <= 30)
		console.error(`FAIL: ${label}: ${what}`);
}

// An argument that names a file: f(path).  Everything else is a string.
const f = (path) => ({ file: path });

// Give every file of one invocation a name under /in, its basename unless taken.
function nameFiles(args) {
	const names = new Map();
	const taken = new Set();
	for (const a of args) {
		if (typeof a === 'string' || names.has(a.file))
			continue;
		let name = basename(a.file);
		for (let i = 2; taken.has(name); i++)
			name = `${i}-${basename(a.file)}`;
		taken.add(name);
		names.set(a.file, name);
	}
	return names;
}

// Run argv (strings and f(path)s) in wasm and natively; both results, the native one normalized.
async function runBoth(args) {
	const names = nameFiles(args);
	const files = {};
	for (const [path, name] of names) {
		files[name] = readFileSync(path);
		used.add(path);
	}
	const wasmArgs = args.map((a) => (typeof a === 'string' ? a : '/in/' + names.get(a.file)));
	const wasm = await verifier.run(wasmArgs, files);

	const stage = join(scratch, String(scratchN++));
	mkdirSync(join(stage, 'in'), { recursive: true });
	for (const [path, name] of names)
		copyFileSync(path, join(stage, 'in', name));
	const prefix = join(stage, 'in') + '/';
	const p = spawnSync(nativeVerify, args.map((a) => (typeof a === 'string' ? a : prefix + names.get(a.file))),
	                    { encoding: 'utf8', maxBuffer: 1 << 28 });
	rmSync(stage, { recursive: true, force: true });
	if (p.error)
		throw p.error;
	const norm = (s) => s.split(prefix).join('/in/');
	counts.runs++;
	return { wasm, native: { status: p.status, stdout: norm(p.stdout), stderr: norm(p.stderr) } };
}

const checkLine = (c) => `${c.name} ${c.status}${c.message ? ': ' + c.message : ''}`;

// One invocation, in --format json and in text; expect: { status, verified, fail, pass }.
//   verified: every record's verdict (true/false), fail/pass: a check some record FAILs/every draw PASSes.
//   text: false skips the text report (the make-proof and alone runs, to keep the test short).
async function compare(label, args, expect = {}) {
	counts.invocations++;
	const json = await runBoth(['--format', 'json', ...args]);
	const text = expect.text === false ? null : await runBoth(args);
	const { wasm, native } = json;
	if (wasm.status !== native.status)
		return problem(label, `exit ${wasm.status} in wasm, ${native.status} native; wasm stderr: ${wasm.stderr}`);
	if (wasm.stderr !== native.stderr)
		return problem(label, `stderr differs:\n  wasm:   ${wasm.stderr}\n  native: ${native.stderr}`);
	const parse = (out) => out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
	const w = parse(wasm.stdout);
	const n = parse(native.stdout);
	if (w.length !== n.length)
		return problem(label, `${w.length} records in wasm, ${n.length} native`);
	for (let i = 0; i < w.length; i++) {
		const where = `${label}: record ${i + 1} (${n[i].source}:${n[i].line})`;
		if (w[i].source !== n[i].source || w[i].line !== n[i].line)
			return problem(where, `wasm reports ${w[i].source}:${w[i].line}`);
		if (w[i].verified !== n[i].verified)
			return problem(where, `verified ${w[i].verified} in wasm, ${n[i].verified} native`);
		const wc = (w[i].checks || []).map(checkLine).join('\n    ');
		const nc = (n[i].checks || []).map(checkLine).join('\n    ');
		if (wc !== nc)
			return problem(where, `checks differ:\n  wasm:\n    ${wc}\n  native:\n    ${nc}`);
		if (JSON.stringify(w[i]) !== JSON.stringify(n[i]))
			return problem(where, `reports differ:\n  wasm:   ${JSON.stringify(w[i])}\n  native: ${JSON.stringify(n[i])}`);
	}
	for (const k of text ? ['status', 'stdout', 'stderr'] : [])
		if (text.wasm[k] !== text.native[k])
			return problem(label, `text report: ${k} differs:\n  wasm:\n${text.wasm[k]}\n  native:\n${text.native[k]}`);
	counts.records += w.length;

	// What the invocation must give, beyond agreeing.
	const status = expect.status ?? null;
	if (status !== null && wasm.status !== status)
		return problem(label, `exit ${wasm.status}, expected ${status}: ${wasm.stdout}${wasm.stderr}`);
	if (wasm.status !== 2 && w.length === 0)
		return problem(label, 'no record reported');
	if (wasm.status === 2 && !expect.couldNotRun)
		return problem(label, `could not run: ${wasm.stderr}`);
	if (expect.verified !== undefined && !w.every((r) => r.verified === expect.verified))
		return problem(label, `not every record ${expect.verified ? 'verified' : 'failed'}: ${wasm.stdout}`);
	if (expect.fail && !w.some((r) => r.checks.some((c) => c.name === expect.fail && c.status === 'FAIL')))
		return problem(label, `no record fails ${expect.fail}: ${wasm.stdout}`);
	for (const check of expect.pass || [])
		if (!w.filter((r) => r.type === 'draw').every((r) => r.checks.some((c) => c.name === check && c.status === 'PASS')))
			return problem(label, `a draw does not PASS ${check}: ${wasm.stdout}`);
}

// make-proof of entry in the wasm, checked with --proof --entry in both
// verifiers (extra: the options and companion records the draw needs to
// verify); with expected (a proof file), equal to it byte for byte.
async function makeProof(label, pubkey, draw, ledger, entry, expected, extra = []) {
	const names = nameFiles([f(draw), f(ledger)]);
	const files = {};
	for (const [path, name] of names)
		files[name] = readFileSync(path);
	const made = await verifier.run(['make-proof', '/in/' + names.get(draw), '/in/' + names.get(ledger), entry], files);
	counts.proofsMade++;
	if (made.status !== 0 || made.stderr !== '')
		return problem(label, `make-proof ${entry}: exit ${made.status}: ${made.stderr}`);
	if (expected !== undefined) {
		if (made.stdout !== readFileSync(expected, 'latin1'))
			return problem(label, `make-proof ${entry} differs from ${expected}:\n  made: ${made.stdout}`);
		counts.proofsByteEqual++;
	}
	const proof = join(scratch, `made-${counts.proofsMade}.proof.json`);
	mkdirSync(scratch, { recursive: true });
	writeFileSync(proof, made.stdout);
	await compare(`${label}: the made proof of ${entry}`,
	              ['--pubkey', f(pubkey), ...extra, '--proof', f(proof), '--entry', entry, f(draw)],
	              { status: 0, verified: true, pass: ['proof'], text: false });
	rmSync(proof);
}

// The entry ids of a ledger file (its header line skipped).
function ledgerEntries(path) {
	return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '')
		.map((l) => JSON.parse(l)).filter((o) => o.entry_id).map((o) => o.entry_id);
}
const firstMiddleLast = (v) => [...new Set([v[0], v[v.length >> 1], v[v.length - 1]])].filter(Boolean);

// A random entry id in no ledger: make-proof says so, exit 1.
async function makeProofAbsent(label, draw, ledger) {
	const made = await verifier.run(['make-proof', '/in/d', '/in/l', '00000000-0000-4000-8000-000000000000'],
	                                { d: readFileSync(draw), l: readFileSync(ledger) });
	if (made.status !== 1 || !made.stderr.includes('is not in the ledger'))
		problem(label, `make-proof of an absent entry: exit ${made.status}: ${made.stderr}`);
}

// ---- the vectors ------------------------------------------------------------
const folders = ['records', 'records-v2', 'records-beacon'];
let indexEntries = 0;
let vectorProofs = 0;        // valid index entries with a proof file
let vectorFiles = [];
for (const folder of folders) {
	const D = join(vectorsDir, folder);
	const K = join(D, 'pubkey.pem');
	const certs = (c) => (c.beacon_cert || []).flatMap((p) => ['--beacon-cert', f(join(D, p))]);
	// Companions as the native vector tests give them: --commitment, --ledger,
	// --proof with --entry, the freeze and "with" records beside, --beacon-cert.
	const companions = (c) => [
		...certs(c),
		...['commitment', 'ledger', 'proof'].filter((o) => c[o]).flatMap((o) => ['--' + o, f(join(D, c[o]))]),
		...(c.entry ? ['--entry', c.entry] : []),
		...[...(c.freeze ? [c.freeze] : []), ...(c.with || [])].map((p) => f(join(D, p))),
	];
	for (const kind of ['valid', 'invalid']) {
		const index = JSON.parse(readFileSync(join(D, kind, 'index.json'), 'utf8'));
		if (index.length === 0)
			problem(`${folder}/${kind}`, 'empty index.json');
		for (const c of index) {
			indexEntries++;
			const label = `${folder}/${c.record}`;
			const args = ['--pubkey', f(K), ...companions(c), f(join(D, c.record))];
			if (kind === 'valid')
				await compare(label, args, { status: 0, verified: true, pass: ['ledger', 'proof'] });
			else
				await compare(label, args, { status: 1, fail: c.check });
			if (kind === 'valid' && c.proof) {
				vectorProofs++;
				const draw = join(D, c.record);
				const ledger = join(D, c.ledger);
				const extra = [...certs(c), ...(c.freeze ? [f(join(D, c.freeze))] : [])];
				await makeProof(label, K, draw, ledger, c.entry, join(D, c.proof), extra);
				for (const e of firstMiddleLast(ledgerEntries(ledger)))
					await makeProof(label, K, draw, ledger, e, undefined, extra);
				await makeProofAbsent(label, draw, ledger);
			}
		}
		// Every record file alone, with only the key (and a beacon folder's certificates).
		const allCerts = folder === 'records-beacon'
			? readdirSync(D).filter((n) => n.endsWith('.pem') && n !== 'pubkey.pem').sort().flatMap((n) => ['--beacon-cert', f(join(D, n))])
			: [];
		for (const name of readdirSync(join(D, kind)).sort()) {
			if (name === 'index.json')
				continue;
			vectorFiles.push(join(D, kind, name));
			if (name.endsWith('.ledger.jsonl') || name.endsWith('.proof.json'))
				continue;
			const alone = kind === 'valid' && /\.(commitment|freeze)\.json$/.test(name) ? { status: 0, verified: true } : {};
			await compare(`${folder}/${kind}/${name} alone`, ['--pubkey', f(K), ...allCerts, f(join(D, kind, name))],
			              { ...alone, text: false });
		}
	}
}
const unused = vectorFiles.filter((p) => !used.has(p));
for (const p of unused)
	problem(p, 'no invocation used this vector file');
const vectorInvocations = counts.invocations;
console.log(`vectors: ${vectorInvocations} invocations over ${vectorFiles.length} files (${indexEntries} index entries), ` +
            `${counts.records} records, ${counts.proofsByteEqual} proofs made byte for byte`);

// ---- the demo's published records ----------------------------------------
const R = (name) => join(demoDir, name);
const demoNames = readdirSync(demoDir).sort();
const Kd = R('pubkey.pem');
const beaconCert = existsSync(R('beacon-test-certificate.pem')) ? ['--beacon-cert', f(R('beacon-test-certificate.pem'))] : [];
const logPolicy = ['--log-key', f(R('log.vkey')), '--witness-key', f(R('witness1.vkey')),
                   '--witness-key', f(R('witness2.vkey')), '--witnesses', '2'];
const rooms = demoNames.filter((n) => n.endsWith('.draw.json')).map((n) => n.slice(0, -'.draw.json'.length));
const recordsBefore = counts.records;
const byteEqualBefore = counts.proofsByteEqual;
let logged = 0;
let demoProofs = 0;
for (const room of rooms) {
	const [C, F, D, L] = ['commitment.json', 'freeze.json', 'draw.json', 'ledger.jsonl'].map((s) => R(`${room}.${s}`));
	// As scripts/demo.d/70-verify.sh: with its commitment, freeze record and ledger.
	await compare(`demo ${room}`, ['--pubkey', f(Kd), ...beaconCert, '--commitment', f(C), '--ledger', f(L), f(F), f(D)],
	              { status: 0, verified: true, pass: ['ledger', 'commitment-record', 'freeze-record'] });
	// As 65-log.sh: every record of the room that has a tlog-proof, in the log both witnesses saw.
	const kinds = ['commitment', 'freeze', 'draw'].filter((k) => existsSync(R(`${room}.${k}.tlog-proof`)));
	if (kinds.length > 0) {
		logged++;
		await compare(`demo ${room} in the log`,
		              ['--pubkey', f(Kd), ...beaconCert, ...logPolicy,
		               ...kinds.flatMap((k) => ['--log-proof', f(R(`${room}.${k}.tlog-proof`))]),
		               ...(kinds.includes('draw') ? ['--ledger', f(L)] : []), ...kinds.map((k) => f(R(`${room}.${k}.json`)))],
		              { status: 0, verified: true });
	}
	// Each buyer's proof the demo exported, and make-proof of it.
	for (const name of demoNames.filter((n) => n.startsWith(`${room}.proof-`) && n.endsWith('.json'))) {
		const entry = name.slice(`${room}.proof-`.length, -'.json'.length);
		demoProofs++;
		await compare(`demo ${name}`, ['--pubkey', f(Kd), ...beaconCert, '--commitment', f(C), '--proof', f(R(name)),
		                               '--entry', entry, f(F), f(D)], { status: 0, verified: true, pass: ['proof'] });
		await makeProof(`demo ${room}`, Kd, D, L, entry, R(name), [...beaconCert, f(F)]);
	}
	for (const e of firstMiddleLast(ledgerEntries(L)))
		await makeProof(`demo ${room}`, Kd, D, L, e, undefined, [...beaconCert, f(F)]);
	await makeProofAbsent(`demo ${room}`, D, L);
}
// The bundles at once, as 70-verify.sh; then each commitment alone.
await compare('demo bundle', ['--pubkey', f(Kd), ...beaconCert, '--commitment', f(R('commitments.jsonl')),
                              f(R('freezes.jsonl')), f(R('draws.jsonl'))], { status: 0, verified: true });
const bundled = readFileSync(R('draws.jsonl'), 'utf8').split('\n').filter((l) => l !== '').length;
const commitments = demoNames.filter((n) => n.endsWith('.commitment.json'));
for (const name of commitments)
	await compare(`demo ${name} alone`, ['--pubkey', f(Kd), f(R(name))], { status: 0, verified: true, text: false });
console.log(`demo: ${counts.invocations - vectorInvocations} invocations over ${rooms.length} drawn rooms ` +
            `(${logged} in the log, ${bundled} in draws.jsonl), ${commitments.length} commitments, ${demoProofs} buyer proofs, ` +
            `${counts.records - recordsBefore} records, ${counts.proofsByteEqual - byteEqualBefore} proofs made byte for byte`);

// ---- floors ---------------------------------------------------------------
// Each index entry is one invocation, each record file alone another; the
// demo draws at least the rooms its 60-draw and 75-beacon stages fund, each
// logged, each bundled, and exports at least one buyer's proof.
const floor = (what, got, least) => { if (got < least) problem('floor', `${what}: ${got}, at least ${least} expected`); };
floor('vector invocations', vectorInvocations, indexEntries + vectorFiles.filter((p) => /\.json$/.test(p) && !/\.proof\.json$/.test(p)).length);
floor('vector index entries', indexEntries, 3 * 2);
floor('demo drawn rooms', rooms.length, 2);
floor('demo rooms in the log', logged, rooms.length);
floor('demo draws in draws.jsonl', bundled, 1);
floor('demo buyer proofs', demoProofs, 1);
floor('beacon rooms in the demo', beaconCert.length, 2);
floor('proofs made byte for byte', counts.proofsByteEqual, Math.max(vectorProofs + demoProofs, 2));

console.log(`compared ${counts.invocations} invocations (${counts.runs} runs each in wasm and native), ` +
            `${counts.records} records; ${counts.proofsMade} proofs made, ${counts.proofsByteEqual} equal to export's byte for byte`);
if (problems.length > 0) {
	console.error(`${problems.length} difference(s)`);
	process.exit(1);
}
