// timing.mjs - the one timing loop of the browser verifier's benchmark,
// shared by node-bench.mjs (under node) and bench.html (in chromium), so
// that both measure the same thing: the best of RUNS runs of one
// alot-verify invocation through web/page/verifier.js, each required to
// exit 0.  Milliseconds, from performance.now().

// check: throws unless the run verified (exit status 0).
export function check(what, r) {
	if (r.status !== 0)
		throw new Error(`${what}: exit ${r.status}: ${r.stderr}`);
}

// best: the fastest of RUNS runs of verifier.run(args, files), in ms;
// null when RUNS is 0.
export async function best(verifier, runs, what, args, files) {
	if (runs === 0)
		return null;
	let ms = Infinity;
	for (let i = 0; i < runs; i++) {
		const t = performance.now();
		const r = await verifier.run(args, files);
		ms = Math.min(ms, performance.now() - t);
		check(what, r);
	}
	return ms;
}

// The two workloads, as alot-verify's arguments over the files the runner gives.
export const BUNDLE_ARGS = ['--quiet', '--pubkey', '/in/pub.pem', '/in/bundle.jsonl'];
export const LEDGER_ARGS = ['--quiet', '--pubkey', '/in/pub.pem', '--ledger', '/in/ledger.jsonl', '/in/draw.json'];
export const FIRST_ARGS = ['--quiet', '--pubkey', '/in/pub.pem', '/in/one.jsonl'];
