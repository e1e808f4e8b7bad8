/*
 * verifier.js - runs alot-verify, compiled to WebAssembly, on files held in
 * memory.  The same ES module serves the page and the node tests.
 *
 * Each run gets a fresh instance of one compiled WebAssembly.Module, so no
 * run sees another's state, and the bytes are fetched and compiled once.
 * The files live only in that instance's in-memory file system, under /in.
 */

export class Verifier {
	/* factory: emscripten's createAlotVerify; module: a compiled WebAssembly.Module. */
	constructor(factory, module) {
		this.factory = factory;
		this.module = module;
	}

	static async load(factory, wasmBytes) {
		return new Verifier(factory, await WebAssembly.compile(wasmBytes));
	}

	/*
	 * Run alot-verify with args (an array of strings); files maps a name
	 * under /in to its bytes (Uint8Array or string).  Resolves to
	 * { status, stdout, stderr }: status is the exit code, 0, 1 or 2.
	 */
	async run(args, files = {}) {
		const out = [];
		const err = [];
		let status = null;
		const module = this.module;
		const instance = await this.factory({
			noInitialRun: true,
			/* argv[0]: messages start "alot-verify:", as the native tool's do. */
			thisProgram: 'alot-verify',
			print: (line) => out.push(line),
			printErr: (line) => err.push(line),
			onExit: (code) => { status = code; },
			/* Under node, emscripten's default would end the process. */
			quit: (code, toThrow) => { status = code; throw toThrow; },
			instantiateWasm(imports, receive) {
				WebAssembly.instantiate(module, imports).then((inst) => receive(inst));
				return {};
			},
		});
		instance.FS.mkdir('/in');
		for (const [name, data] of Object.entries(files))
			instance.FS.writeFile('/in/' + name, data);
		try {
			const code = instance.callMain(args);
			if (status === null && typeof code === 'number')
				status = code;
		} catch (e) {
			if (!(e && e.name === 'ExitStatus'))
				throw e;
			status = e.status;
		}
		return { status, stdout: out.join('\n') + (out.length ? '\n' : ''), stderr: err.join('\n') + (err.length ? '\n' : '') };
	}
}
