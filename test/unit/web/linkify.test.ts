import { describe, expect, it } from 'vitest';
import { linkify } from '../../../web/src/ui/linkify.js';

describe('linkify', () => {
	it('makes http and https addresses links and leaves the rest as text', () => {
		expect(linkify('agenda: https://example.org/a?b=1#c and http://x.test/')).toEqual([
			{ text: 'agenda: ' }, { href: 'https://example.org/a?b=1#c', text: 'https://example.org/a?b=1#c' }, { text: ' and ' },
			{ href: 'http://x.test/', text: 'http://x.test/' },
		]);
	});

	it('never links other schemes, and keeps markup as text', () => {
		for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', '<a href="https://x.test">x</a>']) {
			expect(linkify(text).filter((run) => 'href' in run).map((run) => 'href' in run && run.href)).not.toContain(expect.stringMatching(/^(javascript|data):/));
		}
		expect(linkify('<b>hi</b>')).toEqual([{ text: '<b>hi</b>' }]);
	});

	it('leaves trailing punctuation out of the link', () => {
		expect(linkify('see https://example.org/page.')).toEqual([{ text: 'see ' }, { href: 'https://example.org/page', text: 'https://example.org/page' }, { text: '.' }]);
	});
});
