/**
 * Splits chat text into plain runs and web links. Only http and https
 * addresses become links (never javascript: or data:), and trailing
 * punctuation stays text. Pure; React renders the runs as text, so nothing
 * in a message is ever parsed as markup.
 */
export type Run = { text: string } | { href: string; text: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
const TRAILING = /[.,;:!?)\]}]+$/;

export function linkify(text: string): Run[] {
	const runs: Run[] = [];
	let last = 0;
	for (const match of text.matchAll(URL_PATTERN)) {
		const raw = match[0].replace(TRAILING, '');
		let href: URL;
		try {
			href = new URL(raw);
		} catch {
			continue;
		}
		if (match.index > last) runs.push({ text: text.slice(last, match.index) });
		runs.push({ href: href.href, text: raw });
		last = match.index + raw.length;
	}
	if (last < text.length) runs.push({ text: text.slice(last) });
	return runs;
}
