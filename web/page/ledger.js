/*
 * ledger.js - the room's ticket ledger as a picture, and the search for a
 * buyer's entry.  The ledger file is read here only to draw it and to
 * find entries: whether it is the ledger the draw used is the verifier's
 * "ledger" check, never this file's.
 *
 * The picture is one bar of tickets 1..N, 1000 columns wide: each column
 * takes the colour of the buyer holding most of its tickets (the top
 * buyers by tickets get a colour each, every other buyer grey), so a
 * ledger of 100,000 entries is as cheap to draw as one of ten.
 */
import { el, svg, replace } from './dom.js';

const COLUMNS = 1000;
/*
 * Okabe and Ito's colour-blind-safe colours.  The bar and each legend swatch
 * have a dark outline, so the lighter ones stand out from the white page too.
 */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#882255'];
const OTHERS = '#8C8C8C';

/* The ledger file's text parsed: its header and entries; throws with a reason. */
export function parseLedger(text) {
	const lines = text.split('\n');
	let header = null;
	const entries = [];

	lines.forEach((line, i) => {
		if (line === '')
			return;
		let v;
		try {
			v = JSON.parse(line);
		} catch {
			throw new Error(`line ${i + 1} is not JSON`);
		}
		if (i === 0 && v && v.type === 'alot.ledger') {
			header = v;
			return;
		}
		if (!v || typeof v.tickets_start !== 'number' || typeof v.tickets_end !== 'number')
			throw new Error(`line ${i + 1} is not a ledger entry`);
		entries.push({ entry: String(v.entry_id), user: String(v.user_id), start: v.tickets_start, end: v.tickets_end });
	});
	const total = header && typeof header.total_tickets === 'number'
		? header.total_tickets : entries.reduce((m, e) => Math.max(m, e.end), 0);
	return { header, entries, total };
}

/* The draw record of room (or the first one) among the lines of a records file's text; null if none. */
export function drawOf(text, room) {
	let first = null;
	for (const line of text.split('\n')) {
		if (line === '')
			continue;
		try {
			const v = JSON.parse(line);
			if (v && v.type === 'alot.draw') {
				if (room && v.room_id === room)
					return { record: v, line };
				first = first || { record: v, line };
			}
		} catch { /* not a record: the verifier says so */ }
	}
	return first;
}

/* The buyers by tickets held, most first: [{user, tickets, entries}]. */
function buyers(entries) {
	const by = new Map();
	for (const e of entries) {
		const b = by.get(e.user) || { user: e.user, tickets: 0, entries: 0 };
		b.tickets += e.end - e.start + 1;
		b.entries++;
		by.set(e.user, b);
	}
	return [...by.values()].sort((a, b) => b.tickets - a.tickets || (a.user < b.user ? -1 : 1));
}

/* Per column, the colour index (PALETTE's, or PALETTE.length for others) holding most of it; -1: none. */
function columns(entries, total, colourOf) {
	const k = PALETTE.length + 1;
	const weight = new Float64Array(COLUMNS * k);
	for (const e of entries) {
		const x0 = Math.max(0, (e.start - 1) / total * COLUMNS);
		const x1 = Math.min(COLUMNS, e.end / total * COLUMNS);
		const key = colourOf(e.user);
		for (let c = Math.floor(x0); c < x1 && c < COLUMNS; c++)
			weight[c * k + key] += Math.min(x1, c + 1) - Math.max(x0, c);
	}
	const best = new Int8Array(COLUMNS).fill(-1);
	for (let c = 0; c < COLUMNS; c++) {
		let max = 0;
		for (let j = 0; j < k; j++)
			if (weight[c * k + j] > max) {
				max = weight[c * k + j];
				best[c] = j;
			}
	}
	return best;
}

function colour(index) {
	return index < PALETTE.length ? PALETTE[index] : OTHERS;
}

/* The bar: runs of columns of one colour, then the winning ticket's marker. */
function bar(best, total, winning) {
	const rects = [];
	for (let c = 0; c < COLUMNS;) {
		let d = c + 1;
		while (d < COLUMNS && best[d] === best[c])
			d++;
		if (best[c] >= 0)
			rects.push(svg('rect', { x: c, y: 30, width: d - c, height: 100, fill: colour(best[c]) }));
		c = d;
	}
	const parts = [svg('rect', { x: 0, y: 30, width: COLUMNS, height: 100, fill: '#ffffff', stroke: '#1f1f1f', 'stroke-width': 2 }), ...rects];
	if (winning >= 1 && winning <= total) {
		const x = (winning - 0.5) / total * COLUMNS;
		parts.push(svg('g', { id: 'winning-marker', dataset: { ticket: String(winning) } },
			svg('title', {}, `winning ticket ${winning}`),
			svg('line', { x1: x, y1: 26, x2: x, y2: 134, stroke: '#000000', 'stroke-width': 4 }),
			svg('line', { x1: x, y1: 30, x2: x, y2: 130, stroke: '#ffffff', 'stroke-width': 1.5 }),
			svg('polygon', { points: `${x - 14},0 ${x + 14},0 ${x},26`, fill: '#000000' })));
	}
	return svg('svg', { viewBox: `0 0 ${COLUMNS} 136`, role: 'img', 'aria-labelledby': 'ledger-caption', focusable: 'false' }, parts);
}

function swatch(fill) {
	return svg('svg', { class: 'swatch', viewBox: '0 0 10 10', 'aria-hidden': 'true', focusable: 'false' },
		svg('rect', { x: 0.5, y: 0.5, width: 9, height: 9, fill, stroke: '#1f1f1f', 'stroke-width': 1 }));
}

/*
 * Draw ledger into figure (#ledger-picture) with the draw record's winner,
 * its caption and its legend.
 */
export function showLedger(figure, caption, legend, ledger, draw) {
	const { entries, total } = ledger;
	const ranked = buyers(entries);
	const top = ranked.slice(0, PALETTE.length);
	const index = new Map(top.map((b, i) => [b.user, i]));
	const best = columns(entries, total, (user) => (index.has(user) ? index.get(user) : PALETTE.length));
	const winning = draw && typeof draw.winning_ticket === 'number' ? draw.winning_ticket : 0;
	const holder = entries.find((e) => e.start <= winning && winning <= e.end);

	figure.dataset.tickets = String(total);
	figure.dataset.entries = String(entries.length);
	figure.dataset.winningTicket = String(winning);
	replace(figure.querySelector('.bar'), bar(best, total, winning));
	replace(figure.querySelector('.ends'), el('span', {}, '1'), el('span', {}, String(total)));

	const sentences = [`Tickets 1 to ${total}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} of ${ranked.length} buyer${ranked.length === 1 ? '' : 's'}.`];
	if (winning) {
		sentences.push(`The winning ticket, ${winning}, is marked ▼` +
			(draw.winner_entry_id ? `; the draw record names entry ${draw.winner_entry_id} of user ${draw.winner_user_id}.` : '.'));
		if (holder && holder.entry !== draw.winner_entry_id)
			sentences.push(`In this ledger file ticket ${winning} belongs to entry ${holder.entry}: not the same.`);
	}
	sentences.push('The picture is drawn from the file given; the "ledger" check above says whether it is the ledger the draw used.');
	replace(caption, sentences.join(' '));

	const items = top.map((b, i) => el('li', {}, swatch(PALETTE[i]), el('code', {}, b.user),
		` ${b.tickets} ticket${b.tickets === 1 ? '' : 's'} (${percent(b.tickets, total)})`));
	if (ranked.length > top.length) {
		const rest = ranked.slice(top.length).reduce((n, b) => n + b.tickets, 0);
		items.push(el('li', {}, swatch(OTHERS), `${ranked.length - top.length} other buyers: ${rest} tickets (${percent(rest, total)})`));
	}
	replace(legend, items);
}

function percent(n, total) {
	const p = total ? (100 * n) / total : 0;
	return (p >= 10 ? p.toFixed(0) : p >= 0.1 ? p.toFixed(1) : p.toPrecision(1)) + '%';
}

/* The entries whose entry id or user id is query (or starts with it, from 4 characters), at most limit. */
export function findEntries(ledger, query, limit = 20) {
	const q = query.trim().toLowerCase();
	const found = [];
	let more = 0;
	if (q === '')
		return { found, more };
	for (const e of ledger.entries) {
		const id = e.entry.toLowerCase(), user = e.user.toLowerCase();
		const hit = id === q || user === q || (q.length >= 4 && (id.startsWith(q) || user.startsWith(q)));
		if (!hit)
			continue;
		if (found.length < limit)
			found.push(e);
		else
			more++;
	}
	return { found, more };
}
