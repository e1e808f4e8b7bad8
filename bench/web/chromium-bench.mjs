// chromium-bench.mjs - bench/web/bench.html in headless chromium (Debian's
// /usr/bin/chromium, driven by playwright-core), for bench/web/run.sh.
// Serves, on 127.0.0.1 only: /web/ from WEB_DIR (the build's browser
// verifier, as published), /bench/ from this folder, /data/ from DATA_DIR.
// The page is visited twice, in one tab: first with no runs (a first
// visit, chromium just started: "cold"), then with RUNS runs ("warm": the
// browser running, the module's bytes fetched again, not cached).  Prints
// both visits' window.benchResult as one JSON object (milliseconds).
// Then the published page itself, web/index.html, six times in a new tab, with
// a link naming one record and its key (?pubkey=...&draw=...): the time,
// from navigation start, at which its verdict box said VERIFIED, as a
// buyer opening a "verify this draw" link would wait for it ("page"): the
// first visit, and the median of the five after it.
//
//   node chromium-bench.mjs WEB_DIR DATA_DIR PLAYWRIGHT_DIR RUNS
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const [webDir, dataDir, playwrightDir, runs] = process.argv.slice(2);
const { chromium } = createRequire(join(playwrightDir, 'package.json'))('playwright-core');
const roots = { web: webDir, bench: dirname(fileURLToPath(import.meta.url)), data: dataDir };
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript',
                '.wasm': 'application/wasm', '.json': 'application/json' };

const server = createServer(async (req, res) => {
	const [, root, ...rest] = new URL(req.url, 'http://x').pathname.split('/');
	const path = normalize(rest.join('/'));
	if (!roots[root] || path.startsWith('..')) {
		res.writeHead(404).end();
		return;
	}
	try {
		const body = await readFile(join(roots[root], path));
		res.writeHead(200, { 'Content-Type': types[extname(path)] || 'application/octet-stream',
		                     'Cache-Control': 'no-store' }).end(body);
	} catch {
		res.writeHead(404).end();
	}
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/bench/bench.html`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
	const page = await browser.newPage();
	const visit = async (n) => {
		await page.goto(`${url}?runs=${n}`);
		await page.waitForFunction(() => window.benchResult !== undefined, null, { timeout: 600000, polling: 100 });
		const result = await page.evaluate(() => window.benchResult);
		if (result.error)
			throw new Error(result.error);
		return result;
	};
	const cold = await visit(0);
	const warm = await visit(runs || 3);
	const linkTab = await browser.newPage();
	// Set when the verdict box first gets a verdict (the page's CSP does not
	// apply to a script the browser is told to inject).
	await linkTab.addInitScript(() => {
		new MutationObserver((_, observer) => {
			const box = document.getElementById('verdict');
			if (box && box.dataset.verdict) {
				window.benchVerdict = { verdict: box.dataset.verdict, at_ms: performance.now() };
				observer.disconnect();
			}
		}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-verdict'], childList: true });
	});
	const link = `http://127.0.0.1:${server.address().port}/web/index.html?pubkey=/data/pub.pem&draw=/data/one.jsonl`;
	const open = async () => {
		await linkTab.goto(link);
		await linkTab.waitForFunction(() => window.benchVerdict !== undefined, null, { timeout: 60000, polling: 50 });
		const v = await linkTab.evaluate(() => ({ ...window.benchVerdict,
			page_ms: performance.getEntriesByType('navigation')[0].responseEnd }));
		if (v.verdict !== 'VERIFIED')
			throw new Error(`the page said ${v.verdict}`);
		return v;
	};
	const first = await open();
	const again = [];
	for (let i = 0; i < 5; i++)
		again.push(await open());
	again.sort((x, y) => (x.at_ms - x.page_ms) - (y.at_ms - y.page_ms));
	const linked = { first, again: again[2] };
	console.log(JSON.stringify({ chromium: browser.version(), cold, warm, page: linked }));
} finally {
	await browser.close();
	server.close();
}
