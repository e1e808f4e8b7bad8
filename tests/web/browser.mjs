/*
 * browser.mjs - drives the browser verifier's page in headless chromium
 * (Debian's /usr/bin/chromium, through playwright-core) for
 * tests/web/test_web_browser.sh, which computes what native alot-verify
 * reports for the same files and passes it here in a plan (JSON):
 *
 *   node browser.mjs PLAN.json
 *
 * plan: { modules, url, shots, cases: [...] }; each case gives its files
 * by file input ("files": {role: path}) or by the page's query string
 * ("query"), the verdict and records expected, and optionally the ledger
 * picture and a buyer's proof to check.  Every assertion failure is
 * collected; exit 0 only when there is none, and when no console error,
 * no CSP violation and no request to anywhere but 127.0.0.1 happened.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const plan = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { chromium } = createRequire(plan.modules + '/')('playwright-core');

const failures = [];
const consoleErrors = [];
const outside = [];
let checked = 0;

function expectEqual(what, got, want) {
	checked++;
	const g = JSON.stringify(got), w = JSON.stringify(want);
	if (g !== w)
		failures.push(`${what}:\n    got  ${g}\n    want ${w}`);
}

function expectTrue(what, ok, detail = '') {
	checked++;
	if (!ok)
		failures.push(`${what}${detail ? ': ' + detail : ''}`);
}

async function newPage(browser, viewport) {
	const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
	/* Nothing but the test's server: anything else is recorded and refused. */
	await context.route('**/*', (route) => {
		const url = new URL(route.request().url());
		if (url.hostname === '127.0.0.1')
			return route.continue();
		outside.push(url.href);
		return route.abort();
	});
	const page = await context.newPage();
	await page.addInitScript(() => {
		window.__csp = [];
		document.addEventListener('securitypolicyviolation',
			(e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
	});
	page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`); });
	page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: uncaught ${e.message}`));
	return { context, page };
}

const runs = (page) => page.evaluate(() => Number(document.body.dataset.runs || 0));

async function waitRuns(page, n) {
	await page.waitForFunction((k) => Number(document.body.dataset.runs || 0) >= k && document.body.dataset.state === 'done',
		n, { timeout: 60000 });
}

/* What the page shows of each record: type, verdict, and every check's name, status and message. */
function shown(page) {
	return page.evaluate(() => {
		const meaning = (a, term) => {
			const dt = [...a.querySelectorAll('.meaning dt')].find((t) => t.textContent === term);
			return dt ? dt.nextElementSibling.textContent : null;
		};
		return [...document.querySelectorAll('#records article.record')].map((a) => ({
		type: a.dataset.type,
		verified: a.dataset.verified === 'true',
		proves: meaning(a, 'What it proves'),
		rests_on: meaning(a, 'What it rests on'),
		checks: [...a.querySelectorAll('li.check')].map((li) => {
			const m = li.querySelector('.message');
			return [li.dataset.name, li.dataset.status, m ? m.lastChild.textContent : ''];
		}),
		sentences: [...a.querySelectorAll('li.check')].map((li) => [li.dataset.name, li.querySelector('.proves').lastChild.textContent]),
		/* Each row of an unfolded list inside its card, one below the other. */
		laidOut: [...a.querySelectorAll('details[open] li.check')].every((li, i, all) => {
			const box = a.getBoundingClientRect(), r = li.getBoundingClientRect();
			return r.left >= box.left && r.right <= box.right && r.height > 0 && (i === 0 || r.top >= all[i - 1].getBoundingClientRect().bottom - 1);
		}),
		}));
	});
}

async function checkLedger(page, c) {
	const pic = await page.evaluate(() => {
		const f = document.getElementById('ledger-picture');
		const m = document.getElementById('winning-marker');
		return {
			visible: !document.getElementById('ledger-section').hidden && f.querySelector('svg') !== null,
			tickets: Number(f.dataset.tickets), entries: Number(f.dataset.entries),
			winning: Number(f.dataset.winningTicket), marker: m ? Number(m.dataset.ticket) : null,
			rects: f.querySelectorAll('svg rect').length,
			legend: document.querySelectorAll('#ledger-legend li').length,
			caption: document.getElementById('ledger-caption').textContent,
		};
	});
	expectTrue(`${c.name}: the ledger picture is shown`, pic.visible);
	expectEqual(`${c.name}: the picture's tickets and entries`, [pic.tickets, pic.entries], [c.ledger.tickets, c.ledger.entries]);
	expectEqual(`${c.name}: the winning ticket marked`, [pic.winning, pic.marker], [c.ledger.winning, c.ledger.winning]);
	expectTrue(`${c.name}: at most one rectangle a column`, pic.rects >= 2 && pic.rects <= 1001, `${pic.rects} rects`);
	expectTrue(`${c.name}: a legend of the top buyers`, pic.legend >= Math.min(c.ledger.buyers, 2) && pic.legend <= 8, `${pic.legend} items`);
	expectTrue(`${c.name}: the caption names the winning ticket`, pic.caption.includes(`The winning ticket, ${c.ledger.winning}, is marked`), pic.caption);
}

async function checkProof(page, c) {
	const before = await runs(page);
	await page.fill('#find', c.proof.search);
	await page.press('#find', 'Enter');
	const button = page.locator(`#find-results button.check-entry[data-entry="${c.proof.entry}"]`);
	await button.waitFor({ timeout: 10000 });
	await button.click();
	await waitRuns(page, before + 1);
	await expectProof(page, c);
}

/* #proof-result: PASS for the case's entry, with the path of its proof file. */
async function expectProof(page, c) {
	const got = await page.evaluate(() => {
		const box = document.getElementById('proof-result');
		const leaf = box.querySelector('.proof-path p');
		return { status: box.dataset.status, entry: box.dataset.entry, leaf: leaf ? leaf.textContent : '',
			hashes: [...box.querySelectorAll('.hashes code')].map((h) => h.textContent) };
	});
	expectEqual(`${c.name}: the buyer's proof check`, [got.status, got.entry], ['PASS', c.proof.entry]);
	expectEqual(`${c.name}: the proof's path`, got.hashes, c.proof.audit_path);
	expectTrue(`${c.name}: the proof's leaf`, got.leaf.startsWith(`Leaf ${c.proof.leaf_index} of ${c.proof.entry_count},`), got.leaf);
}

/* Drop files onto the page, as a drag from the file manager does; the page tells what each is. */
async function drop(page, paths) {
	const files = paths.map((p) => ({ name: basename(p), data: readFileSync(p).toString('base64') }));
	await page.evaluate((list) => {
		const dt = new DataTransfer();
		for (const f of list)
			dt.items.add(new File([Uint8Array.from(atob(f.data), (ch) => ch.charCodeAt(0))], f.name));
		document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
		document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
	}, files);
	await page.waitForFunction((n) => document.querySelectorAll('.picked:not(:empty)').length >= n, paths.length, { timeout: 10000 });
}

/* Tab to the Verify button, which must show its focus, and press Enter. */
async function byKeyboard(page) {
	let tabs = 0;
	while (tabs < 40 && await page.evaluate(() => document.activeElement.id) !== 'verify') {
		await page.keyboard.press('Tab');
		tabs++;
	}
	const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
	expectEqual('the Verify button is reached by Tab and shows its focus', [await page.evaluate(() => document.activeElement.id), ring], ['verify', 'solid']);
	await page.keyboard.press('Enter');
}

/* Text shown below WCAG AA contrast (4.5:1) against its background: [selector, text, ratio]. */
function lowContrast(page) {
	return page.evaluate(() => {
		const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
		const lum = ([r, g, b]) => {
			const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
			return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
		};
		const background = (e) => {
			for (; e; e = e.parentElement) {
				const c = rgb(getComputedStyle(e).backgroundColor);
				if (c.length === 3 || c[3] > 0)
					return c;
			}
			return [255, 255, 255];
		};
		const bad = [];
		for (const e of document.querySelectorAll('body *')) {
			const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
			if (!own || e.closest('[hidden], details:not([open]) > :not(summary)') || e.getClientRects().length === 0)
				continue;
			const a = lum(rgb(getComputedStyle(e).color)), b = lum(background(e));
			const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
			if (ratio < 4.5)
				bad.push([e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''), e.textContent.trim().slice(0, 40), ratio.toFixed(2)]);
		}
		return bad;
	});
}

async function runCase(browser, c) {
	const { context, page } = await newPage(browser, c.viewport || { width: 1000, height: 900 });
	const url = plan.url + (c.query ? '?' + new URLSearchParams(c.query).toString() : '');
	await page.goto(url);
	if (c.query) {
		await waitRuns(page, 1);
	} else {
		await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60000 });
		/* Loaded once, the page needs no network. */
		if (c.offline)
			await context.setOffline(true);
		if (c.drop)
			await drop(page, c.drop);
		else
			for (const [role, file] of Object.entries(c.files))
				await page.setInputFiles(`#in-${role}`, file);
		if (c.keyboard)
			await byKeyboard(page);
		else
			await page.click('#verify');
		await waitRuns(page, 1);
	}
	const verdict = await page.getAttribute('#verdict', 'data-verdict');
	expectEqual(`${c.name}: the verdict`, verdict, c.verdict);
	if (c.records) {
		const records = await shown(page);
		expectEqual(`${c.name}: the records and their checks`, records.map(({ sentences, laidOut, ...r }) => r), c.records);
		const wrong = records.flatMap((r) => r.sentences).filter(([name, text]) => plan.sentences[name] !== text);
		expectEqual(`${c.name}: each check's sentence, as alot-verify --list-checks gives it`, wrong, []);
		expectTrue(`${c.name}: every check row is laid out in its card`, records.every((r) => r.laidOut));
	}
	if (c.verdictText)
		expectTrue(`${c.name}: the reason`, (await page.textContent('#verdict')).includes(c.verdictText), await page.textContent('#verdict'));
	if (c.ledger)
		await checkLedger(page, c);
	if (c.proof && c.proof.search)
		await checkProof(page, c);
	else if (c.proof)
		await expectProof(page, c);
	if (c.viewport && c.viewport.width <= 400) {
		const width = await page.evaluate(() => document.documentElement.scrollWidth);
		expectTrue(`${c.name}: nothing wider than the phone`, width <= c.viewport.width, `scrollWidth ${width}`);
	}
	expectEqual(`${c.name}: text below AA contrast`, await lowContrast(page), []);
	const version = await page.textContent('#version');
	expectTrue(`${c.name}: the build's version is shown`, version.startsWith('alot-verify '), version);
	if (c.consoleError) {
		/* The browser's own line for a failed fetch the case provokes: exactly one. */
		const mine = consoleErrors.filter((e) => e.includes(c.consoleError));
		expectEqual(`${c.name}: the console error it provokes`, mine.length, 1);
		consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !e.includes(c.consoleError)));
	}
	const csp = await page.evaluate(() => window.__csp);
	expectEqual(`${c.name}: CSP violations`, csp, []);
	if (c.shot) {
		const path = join(plan.shots, c.shot);
		await page.screenshot({ path, fullPage: true });
		console.log(`screenshot: ${path}`);
	}
	await context.close();
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
	for (const c of plan.cases) {
		try {
			await runCase(browser, c);
			console.log(`case: ${c.name}`);
		} catch (e) {
			failures.push(`${c.name}: ${e.message.split('\n')[0]}`);
		}
	}
} finally {
	await browser.close();
}
expectEqual('console errors', consoleErrors, []);
expectEqual('requests that left 127.0.0.1', outside, []);
if (failures.length) {
	console.log(`FAIL: ${failures.length} of ${checked} assertions:\n  ` + failures.join('\n  '));
	process.exit(1);
}
console.log(`ok: ${plan.cases.length} cases, ${checked} assertions`);
