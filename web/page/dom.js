/*
 * dom.js - building the page's elements.  Every piece of text goes in as a
 * text node (textContent), never as markup: records, ledgers and the
 * verifier's messages are untrusted, so none of them can add an element,
 * an attribute or a script to the page.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

function fill(e, props, children) {
	for (const [k, v] of Object.entries(props)) {
		if (v === undefined || v === null || v === false)
			continue;
		if (k === 'class')
			e.setAttribute('class', v);
		else if (k === 'dataset')
			Object.assign(e.dataset, v);
		else
			e.setAttribute(k, v === true ? '' : String(v));
	}
	for (const c of children.flat())
		if (c !== null && c !== undefined && c !== false)
			e.append(c); /* a string becomes a text node */
	return e;
}

/* el('p', {class: 'x'}, 'text', child...): an HTML element. */
export function el(tag, props = {}, ...children) {
	return fill(document.createElement(tag), props, children);
}

/* The same for an SVG element. */
export function svg(tag, props = {}, ...children) {
	return fill(document.createElementNS(SVG_NS, tag), props, children);
}

/* Empty e, then give it children. */
export function replace(e, ...children) {
	e.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}
