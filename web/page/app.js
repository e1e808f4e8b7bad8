/*
 * app.js - the browser verifier's page (docs/verifier.md): the files a
 * buyer gives (picked, dropped, or named by URL in the page's query
 * string), alot-verify compiled to WebAssembly run over exactly those
 * files, and its report, the ledger's picture and the buyer's own entry.
 *
 * The module is loaded and compiled as soon as the page opens, so the
 * page keeps working offline from then on.  document.body.dataset.state
 * is 'loading', 'ready', 'verifying' or 'done' (dataset.runs counts the
 * runs finished), for tests and for anyone scripting the page.
 */
import { Verifier } from './verifier.js';
import { el, replace } from './dom.js';
import { showReport, showVerdict, parseReport } from './render.js';
import { parseLedger, drawOf, showLedger, findEntries } from './ledger.js';

/* Each input: its file under /in in the module, and what it is called on the page. */
const ROLES = {
	draw: { path: '/in/draw.json', what: 'the draw record' },
	commitment: { path: '/in/commitment.json', what: 'the commitment record' },
	freeze: { path: '/in/freeze.json', what: 'the freeze record' },
	ledger: { path: '/in/ledger.jsonl', what: 'the ledger' },
	proof: { path: '/in/proof.json', what: 'the proof' },
	pubkey: { path: '/in/pubkey.pem', what: "the operator's key" },
};

const $ = (id) => document.getElementById(id);
const chosen = {};   /* role -> { name, bytes } */
const reading = {};  /* role -> the promise of a file being read */
const descriptions = new Map();
let verifier = null;
let ledger = null;   /* the parsed ledger of the last run, for the search */
let draw = null;     /* the draw record of the ledger's room: { record, line } */
let runs = 0;

function setState(state) {
	document.body.dataset.state = state;
}

function say(text) {
	$('status').textContent = text;
}

function finishRun() {
	runs++;
	document.body.dataset.runs = String(runs);
	setState('done');
}

/* Let the page paint "verifying" before the module takes the thread. */
function nextFrame() {
	return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

async function fetchBytes(url) {
	const response = await fetch(url);
	if (!response.ok)
		throw new Error(`HTTP ${response.status}`);
	return new Uint8Array(await response.arrayBuffer());
}

const text = (bytes) => new TextDecoder().decode(bytes);

/* ---- loading ---------------------------------------------------------------- */

async function hex(bytes) {
	if (!globalThis.crypto || !crypto.subtle)
		return null;
	const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
	return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function showBuild(buildinfo, wasm) {
	const first = buildinfo ? buildinfo.split('\n')[0] : 'version unknown (no BUILDINFO)';
	$('version').textContent = first;
	$('buildinfo').textContent = buildinfo || '';
	const sum = await hex(wasm);
	$('wasm-sum').textContent = sum ? `${sum}  alot-verify.wasm` : '(this browser cannot compute it here)';
}

async function load() {
	setState('loading');
	/* The files a link names are fetched while the module loads. */
	const linked = fetchLinked();
	try {
		/* Only the module waits for the module: BUILDINFO is shown when it comes. */
		const buildinfo = fetch('BUILDINFO').then((r) => (r.ok ? r.text() : null), () => null);
		const wasm = await fetchBytes('alot-verify.wasm');
		if (typeof globalThis.createAlotVerify !== 'function')
			throw new Error('alot-verify.js did not load');
		/* The hash is computed off the main thread while the module compiles and lists its checks. */
		const build = buildinfo.then((text) => showBuild(text, wasm));
		verifier = await Verifier.load(globalThis.createAlotVerify, wasm);
		const list = await verifier.run(['--list-checks', '--format', 'json']);
		if (list.status !== 0)
			throw new Error(list.stderr || `--list-checks exit ${list.status}`);
		for (const { name, proves } of JSON.parse(list.stdout))
			descriptions.set(name, proves);
		await build;
	} catch (e) {
		showVerdict($('verdict'), 'ERROR', 'Could not verify', 'The verifier did not load, so this page can check nothing.',
			String(e && e.message ? e.message : e));
		$('result').hidden = false;
		say('');
		finishRun();
		return;
	}
	$('verify').disabled = false;
	say('Ready. The verifier is loaded: from now on nothing you check leaves this device.');
	setState('ready');
	await fromQuery(await linked);
}

/* ---- inputs ------------------------------------------------------------------ */

function choose(role, name, bytes) {
	chosen[role] = { name, bytes };
	$('picked-' + role).textContent = `${name} (${bytes.length.toLocaleString('en')} bytes)`;
	if (role === 'proof' && $('entry').value.trim() === '') {
		try {
			const p = JSON.parse(text(bytes));
			if (p && typeof p.entry_id === 'string')
				$('entry').value = p.entry_id;
		} catch { /* a malformed proof: the verifier says so */ }
	}
}

function readFile(role, file) {
	reading[role] = file.arrayBuffer().then((buf) => choose(role, file.name, new Uint8Array(buf)));
	return reading[role];
}

/* What a dropped file is, by its first lines (or its name). */
function roleOf(name, bytes) {
	const head = text(bytes.subarray(0, 1 << 20));
	if (head.startsWith('-----BEGIN PUBLIC KEY'))
		return 'pubkey';
	const types = new Set();
	for (const line of head.split('\n').slice(0, 2000)) {
		try {
			const v = JSON.parse(line);
			if (v && typeof v.type === 'string')
				types.add(v.type);
		} catch { /* cut short, or not a record */ }
	}
	if (types.has('alot.ledger'))
		return 'ledger';
	if (types.has('alot.inclusion-proof'))
		return 'proof';
	if (types.has('alot.draw'))
		return 'draw';
	if (types.has('alot.freeze'))
		return 'freeze';
	if (types.has('alot.commitment'))
		return 'commitment';
	const byName = [['ledger', 'ledger'], ['proof', 'proof'], ['commitment', 'commitment'], ['freeze', 'freeze'],
		['draw', 'draw'], ['.pem', 'pubkey']].find(([part]) => name.toLowerCase().includes(part));
	return byName ? byName[1] : null;
}

function dropped(files) {
	reading.drop = readDropped(files);
}

async function readDropped(files) {
	const unknown = [];
	for (const file of files) {
		const bytes = new Uint8Array(await file.arrayBuffer());
		const role = roleOf(file.name, bytes);
		if (role)
			choose(role, file.name, bytes);
		else
			unknown.push(file.name);
	}
	say(unknown.length ? `Could not tell what ${unknown.join(', ')} is: choose it with the buttons.` : 'Files added. Press Verify.');
}

/*
 * The query string's files (?pubkey=URL&draw=URL&...&entry=UUID), fetched
 * once, relative to the page, into chosen.  Resolves to the roles named and
 * the problems met (never rejects).
 */
async function fetchLinked() {
	const params = new URLSearchParams(location.search);
	const named = Object.keys(ROLES).filter((role) => params.get(role));
	if (params.get('entry'))
		$('entry').value = params.get('entry');
	const problems = [];
	await Promise.all(named.map(async (role) => {
		const url = new URL(params.get(role), location.href);
		try {
			if (url.protocol !== 'https:' && url.origin !== location.origin)
				throw new Error('only https:// addresses, or this page\'s own, are fetched');
			choose(role, url.href, await fetchBytes(url.href));
		} catch (e) {
			problems.push(`could not fetch ${ROLES[role].what} from ${url.href}: ${e.message}`);
		}
	}));
	return { named, problems };
}

/* Verify what a link named, once the module is loaded. */
async function fromQuery({ named, problems }) {
	if (named.length === 0)
		return;
	setState('verifying');
	if (problems.length) {
		$('result').hidden = false;
		replace($('records'));
		showVerdict($('verdict'), 'ERROR', 'Could not verify',
			'A file named in the link could not be fetched, so nothing is known about it.', problems.join('\n'));
		say('');
		finishRun();
		return;
	}
	await verify({ fromLink: true });
}

/* ---- verifying ------------------------------------------------------------- */

/* The command line of the files given, as alot-verify takes them. */
function commandLine(entry) {
	const args = ['--pubkey', ROLES.pubkey.path, '--format', 'json'];
	if (chosen.commitment)
		args.push('--commitment', ROLES.commitment.path);
	if (chosen.ledger)
		args.push('--ledger', ROLES.ledger.path);
	if (chosen.proof)
		args.push('--proof', ROLES.proof.path, '--entry', entry);
	args.push(ROLES.draw.path);
	if (chosen.freeze)
		args.push(ROLES.freeze.path);
	return args;
}

function inputFiles() {
	const files = {};
	for (const role of Object.keys(chosen))
		files[ROLES[role].path.slice('/in/'.length)] = chosen[role].bytes;
	return files;
}

function sourceName(path) {
	const role = Object.keys(ROLES).find((r) => ROLES[r].path === path);
	return role && chosen[role] ? chosen[role].name : path;
}

const describe = (name) => descriptions.get(name) || '(no description of this check)';

async function verify({ fromLink = false } = {}) {
	await Promise.all(Object.values(reading));
	const missing = ['draw', 'pubkey'].filter((role) => !chosen[role]);
	const entry = $('entry').value.trim();
	if (missing.length || (chosen.proof && entry === '')) {
		say(missing.length ? `Give ${missing.map((r) => ROLES[r].what).join(' and ')} first.`
			: 'Give your entry id with the proof: the proof must show that entry.');
		if (fromLink)
			finishRun();
		return;
	}
	setState('verifying');
	$('verify').disabled = true;
	say('Verifying…');
	await nextFrame();
	try {
		let result;
		try {
			result = await verifier.run(commandLine(entry), inputFiles());
		} catch (e) {
			result = { status: 2, stdout: '', stderr: `the verifier stopped: ${e && e.message ? e.message : e}` };
		}
		$('result').hidden = false;
		const verdict = showReport($('verdict'), $('records'), result, sourceName, describe);
		say(verdict === 'VERIFIED' ? 'Done: verified.' : verdict === 'FAILED' ? 'Done: a check failed.' : 'Done: could not verify.');
		$('verdict').focus();
		showLedgerSection();
		if (chosen.proof && verdict !== 'ERROR')
			showGivenProof(result, entry);
		if (fromLink && entry && ledger && !chosen.proof)
			await checkEntry(entry, { finish: false });
	} catch (e) {
		/* The page failed, not the record: say so, never a verdict. */
		showVerdict($('verdict'), 'ERROR', 'Could not verify', 'This page could not show the report.', String(e && e.stack ? e.stack : e));
		replace($('records'));
	} finally {
		$('verify').disabled = false;
		finishRun();
	}
}

/* ---- the ledger and the buyer's entry ---------------------------------------- */

function showLedgerSection() {
	const section = $('ledger-section');
	ledger = draw = null;
	replace($('find-results'));
	replace($('proof-result'));
	$('entry-section').hidden = true;
	if (!chosen.ledger) {
		section.hidden = true;
		return;
	}
	section.hidden = false;
	try {
		ledger = parseLedger(text(chosen.ledger.bytes));
	} catch (e) {
		replace($('ledger-caption'), `The ledger file cannot be drawn: ${e.message}.`);
		replace($('ledger-picture').querySelector('.bar'));
		replace($('ledger-legend'));
		return;
	}
	draw = drawOf(text(chosen.draw.bytes), ledger.header ? ledger.header.room_id : null);
	showLedger($('ledger-picture'), $('ledger-caption'), $('ledger-legend'), ledger, draw ? draw.record : null);
}

function find(event) {
	event.preventDefault();
	if (!ledger)
		return;
	const { found, more } = findEntries(ledger, $('find').value);
	const items = found.map((e) => el('li', { class: 'found' },
		el('span', {}, 'Entry ', el('code', {}, e.entry), `, tickets ${e.start} to ${e.end}, user `, el('code', {}, e.user)),
		el('button', { type: 'button', class: 'check-entry', dataset: { entry: e.entry } }, 'Check this entry')));
	if (found.length === 0)
		items.push(el('li', {}, 'No entry with that entry id or user id in this ledger.'));
	if (more)
		items.push(el('li', {}, `and ${more} more: give the whole id.`));
	replace($('find-results'), items);
}

function proofPath(proof) {
	return el('div', { class: 'proof-path' },
		el('p', {}, `Leaf ${proof.leaf_index} of ${proof.entry_count}, tickets ${proof.tickets_start} to ${proof.tickets_end}, up to the ledger root `,
			el('code', {}, String(proof.ledger_root)), ' that the draw record names and the operator signed:'),
		el('ol', { class: 'hashes' }, (Array.isArray(proof.audit_path) ? proof.audit_path : []).map((h) => el('li', {}, el('code', {}, String(h))))));
}

/* The outcome of a proof check in #proof-result: status, what it shows or why not, the path. */
function showProof(entry, status, check, stderr, proofText) {
	const box = $('proof-result');
	let proof = null;
	try {
		proof = JSON.parse(proofText);
	} catch { /* a malformed proof: its check says so */ }
	box.dataset.status = status;
	box.dataset.entry = entry;
	box.className = 'proof-result ' + status.toLowerCase();
	replace(box,
		el('p', { class: 'headline' }, status === 'PASS' ? 'PASS: your entry is in the ledger the draw used'
			: status === 'FAIL' ? 'FAIL: this entry is not shown in the ledger the draw used' : 'Could not check the entry'),
		el('p', {}, status === 'PASS' ? describe('proof') : check && check.message ? String(check.message) : stderr),
		proof && typeof proof === 'object' && typeof proof.leaf_index === 'number' ? proofPath(proof) : null);
	$('entry-section').hidden = false;
	say(`Entry ${entry}: ${status}.`);
}

/* The proof file given, as the run just checked it with the draw of its room. */
function showGivenProof(result, entry) {
	const records = parseReport(result.stdout) || [];
	const checks = records.flatMap((r) => r.checks.filter((c) => c.name === 'proof'));
	const check = checks.find((c) => c.status === 'FAIL') || checks[0] || null;
	showProof(entry, check ? String(check.status) : 'ERROR', check, result.stderr, text(chosen.proof.bytes));
}

/* make-proof from the ledger, then alot-verify --proof --entry: the buyer's own check. */
async function checkEntry(entry, { finish = true } = {}) {
	if (!ledger || !draw)
		return;
	setState('verifying');
	say(`Checking entry ${entry}…`);
	await nextFrame();
	try {
		const files = { 'draw.json': draw.line + '\n', 'ledger.jsonl': chosen.ledger.bytes };
		const made = await verifier.run(['make-proof', '/in/draw.json', '/in/ledger.jsonl', entry], files);
		if (made.status !== 0) {
			showProof(entry, 'ERROR', null, made.stderr, '');
			return;
		}
		const result = await verifier.run(['--pubkey', ROLES.pubkey.path, '--format', 'json', '--proof', '/in/proof.json',
			'--entry', entry, '/in/draw.json'], { 'pubkey.pem': chosen.pubkey.bytes, 'draw.json': files['draw.json'], 'proof.json': made.stdout });
		const records = parseReport(result.stdout) || [];
		const check = records.length ? records[0].checks.find((c) => c.name === 'proof') : null;
		showProof(entry, result.status === 2 || !check ? 'ERROR' : String(check.status), check, result.stderr, made.stdout);
	} finally {
		$('proof-result').focus();
		if (finish)
			finishRun();
	}
}

/* ---- wiring ------------------------------------------------------------------ */

function wire() {
	for (const input of document.querySelectorAll('input[type=file][data-role]'))
		input.addEventListener('change', () => {
			if (input.files.length)
				readFile(input.dataset.role, input.files[0]);
		});
	$('verify').addEventListener('click', () => verify());
	$('find-form').addEventListener('submit', find);
	$('find-results').addEventListener('click', (event) => {
		const button = event.target.closest('button.check-entry');
		if (button)
			checkEntry(button.dataset.entry);
	});
	document.addEventListener('dragover', (event) => {
		event.preventDefault();
		document.body.classList.add('dragging');
	});
	document.addEventListener('dragleave', (event) => {
		if (event.relatedTarget === null)
			document.body.classList.remove('dragging');
	});
	document.addEventListener('drop', (event) => {
		event.preventDefault();
		document.body.classList.remove('dragging');
		if (event.dataTransfer && event.dataTransfer.files.length)
			dropped([...event.dataTransfer.files]);
	});
}

wire();
load();
