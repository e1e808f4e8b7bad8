/*
 * node-verify.mjs - the browser verifier's module run from a terminal with
 * node: the same arguments as alot-verify, and the same output and exit
 * status, from the very WebAssembly the page runs.
 *
 *   node web/node-verify.mjs WEBDIR [ALOT-VERIFY ARGUMENT]...
 *
 * WEBDIR is a built page (build/web).  Each argument naming an existing
 * file is copied into the module's memory and passed as /in/N-NAME; the
 * rest pass as they are.  "make demo" uses it to show the page's verdict
 * beside the static binary's.
 */
import { readFileSync, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [webdir, ...args] = process.argv.slice(2);
if (!webdir) {
	process.stderr.write('node-verify: usage: node web/node-verify.mjs WEBDIR [ARGUMENT]...\n');
	process.exit(2);
}
const dir = resolve(webdir);
const factory = createRequire(import.meta.url)(join(dir, 'alot-verify.js'));
const { Verifier } = await import(pathToFileURL(join(dir, 'verifier.js')).href);
const verifier = await Verifier.load(factory, readFileSync(join(dir, 'alot-verify.wasm')));

const files = {};
const argv = args.map((arg, i) => {
	if (!arg.startsWith('-') && existsSync(arg) && statSync(arg).isFile()) {
		const name = `${i}-${basename(arg)}`;
		files[name] = readFileSync(arg);
		return '/in/' + name;
	}
	return arg;
});
const { status, stdout, stderr } = await verifier.run(argv, files);
process.stdout.write(stdout);
process.stderr.write(stderr);
process.exitCode = status ?? 2;
