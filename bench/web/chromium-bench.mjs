// chromium-bench.mjs - bench/web/bench.html in headless chromium (Debian's
// /usr/bin/chromium, driven by playwright-core), for bench/web/run.sh.
// Serves, on 127.0.0.1 only: /web/ from WEB_DIR (the build's browser
// verifier, as published), /bench/ from this folder, /data/ from DATA_DIR.
// The page is visited twice, in one tab: first with no runs (a first
// visit, chromium just started: "cold"), then with RUNS runs ("warm": the
// browser running, the module's bytes fetched again, not cached).  Prints
// both visits' window.benchResult as one JSON object (milliseconds).
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
	console.log(JSON.stringify({ chromium: browser.version(), cold, warm }));
} finally {
	await browser.close();
	server.close();
}
