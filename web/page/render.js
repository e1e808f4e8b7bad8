/*
 * render.js - the verifier's JSON report as the page shows it: the overall
 * verdict, and for each record each check with its plain-language sentence
 * (from alot-verify --list-checks), PASS, FAIL or SKIP and the reason, and
 * what a verified record proves and rests on, as the native verifier says.
 *
 * The verdict is the verifier's exit status and nothing else: 0 with every
 * record verified is VERIFIED, 1 is FAILED, and anything else (2: the tool
 * could not run, or output the page cannot read) is "could not verify".
 */
import { el, replace } from './dom.js';

const KIND_NAMES = { draw: 'Draw record', commitment: 'Commitment record', freeze: 'Freeze record',
	ledger: 'Ledger file', proof: 'Proof file', 'log-proof': 'Log proof file' };

/* The records of a run's stdout (one JSON object a line); null when it is not that. */
export function parseReport(stdout) {
	const records = [];
	for (const line of stdout.split('\n')) {
		if (line === '')
			continue;
		try {
			const r = JSON.parse(line);
			if (r === null || typeof r !== 'object' || !Array.isArray(r.checks))
				return null;
			records.push(r);
		} catch {
			return null;
		}
	}
	return records;
}

/* 'VERIFIED', 'FAILED' or 'ERROR' of a run and its records. */
export function verdictOf(result, records) {
	if (records === null || records.length === 0)
		return 'ERROR';
	if (result.status === 0 && records.every((r) => r.verified === true))
		return 'VERIFIED';
	if (result.status === 1 && records.some((r) => r.verified !== true))
		return 'FAILED';
	return 'ERROR';
}

function checkRow(c, describe) {
	const status = String(c.status);
	const sentence = describe(String(c.name));
	const lead = status === 'PASS' ? null : status === 'FAIL' ? 'Meant to show: ' : 'Would show: ';
	return el('li', { class: 'check ' + status.toLowerCase(), dataset: { name: String(c.name), status } },
		el('span', { class: 'status' }, status),
		el('span', { class: 'check-name' }, String(c.name)),
		el('p', { class: 'proves' }, lead ? el('span', { class: 'lead' }, lead) : null, sentence),
		c.message ? el('p', { class: 'message' },
			el('span', { class: 'lead' }, status === 'FAIL' ? 'Why it failed: ' : 'Why: '), String(c.message)) : null);
}

function meaning(r) {
	const rows = [];
	const add = (term, value) => {
		if (typeof value === 'string' && value !== '')
			rows.push(el('dt', {}, term), el('dd', {}, value));
	};
	add('Log time', r.log_time);
	add('What it proves', r.proves);
	add('What it rests on', r.rests_on);
	if (typeof r.log_index === 'number')
		add('In the log', `entry ${r.log_index} of ${r.log_size}`);
	add('What the log proves', r.log_proves);
	add('What the log rests on', r.log_rests_on);
	return rows.length ? el('dl', { class: 'meaning' }, rows) : null;
}

function recordCard(r, sourceName, describe) {
	const kind = KIND_NAMES[r.type] || 'Unreadable record';
	const where = [sourceName(String(r.source ?? '')), typeof r.line === 'number' ? `line ${r.line}` : null]
		.filter(Boolean).join(', ');
	const verified = r.verified === true;
	return el('article', { class: 'record', dataset: { type: String(r.type ?? ''), verified: String(verified) } },
		el('h3', {}, kind, r.room_id ? el('span', { class: 'room' }, ' of room ', el('code', {}, String(r.room_id))) : null),
		el('p', { class: 'where' }, where),
		el('p', { class: 'record-verdict ' + (verified ? 'verified' : 'failed') }, verified ? 'VERIFIED' : 'FAILED'),
		checkList(r.checks, verified, describe),
		meaning(r));
}

/* The checks, folded on a narrow screen when they all passed: the verdict comes first there. */
function checkList(checks, verified, describe) {
	const count = (status) => checks.filter((c) => c.status === status).length;
	const parts = [`${count('PASS')} passed`, count('FAIL') && `${count('FAIL')} failed`, count('SKIP') && `${count('SKIP')} not checked`];
	const wide = globalThis.matchMedia ? matchMedia('(min-width: 44rem)').matches : true;
	return el('details', { class: 'check-list', open: !verified || wide },
		el('summary', {}, `${checks.length} checks: ${parts.filter(Boolean).join(', ')}`),
		el('ol', { class: 'checks' }, checks.map((c) => checkRow(c, describe))));
}

/*
 * Show a run in verdictBox and recordsBox.  sourceName maps a path under
 * /in to the name the user knows; describe maps a check name to its
 * sentence.  Returns the verdict.
 */
export function showReport(verdictBox, recordsBox, result, sourceName, describe) {
	const records = parseReport(result.stdout);
	const verdict = verdictOf(result, records);
	const failed = records ? records.filter((r) => r.verified !== true).length : 0;
	let headline, detail;

	if (verdict === 'VERIFIED') {
		headline = 'VERIFIED';
		detail = records.length === 1 ? 'The record passed every check.' : `All ${records.length} records passed every check.`;
	} else if (verdict === 'FAILED') {
		headline = 'FAILED';
		const names = [...new Set(records.flatMap((r) => r.checks.filter((c) => c.status === 'FAIL').map((c) => String(c.name))))];
		detail = `${failed} of ${records.length} record${records.length === 1 ? '' : 's'} failed: ${names.join(', ')}. See below.`;
	} else {
		headline = 'Could not verify';
		detail = 'The verifier could not run, so nothing is known about these files.';
	}
	showVerdict(verdictBox, verdict, headline, detail, verdict === 'ERROR' ? result.stderr : '');
	replace(recordsBox, verdict === 'ERROR' ? [] : records.map((r) => recordCard(r, sourceName, describe)));
	return verdict;
}

/* The verdict box: VERIFIED, FAILED or ERROR, a headline, a sentence, and the tool's stderr. */
export function showVerdict(box, verdict, headline, detail, stderr = '') {
	box.dataset.verdict = verdict;
	box.className = 'verdict ' + verdict.toLowerCase();
	replace(box, el('p', { class: 'headline' }, headline), el('p', {}, detail),
		stderr ? el('pre', { class: 'stderr' }, stderr) : null);
	box.hidden = false;
}
