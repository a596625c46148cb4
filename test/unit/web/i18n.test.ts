import { describe, expect, it } from 'vitest';
import { CATALOGS, format, pickLanguage } from '../../../web/src/i18n/index.js';

describe('message catalogs', () => {
	const reference = Object.keys(CATALOGS.en).sort();

	it.each(Object.keys(CATALOGS))('%s has exactly the English keys, none empty', (language) => {
		const catalog = CATALOGS[language as keyof typeof CATALOGS];
		expect(Object.keys(catalog).sort()).toEqual(reference);
		for (const text of Object.values(catalog)) expect(text.trim()).not.toBe('');
	});

	it.each(Object.keys(CATALOGS))('%s uses the same placeholders as English', (language) => {
		const catalog = CATALOGS[language as keyof typeof CATALOGS] as Record<string, string>;
		const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
		for (const [key, text] of Object.entries(CATALOGS.en)) expect(placeholders(catalog[key]!), key).toEqual(placeholders(text));
	});
});

describe('pickLanguage', () => {
	it('takes the first shipped language the browser prefers', () => {
		expect(pickLanguage(['de-DE', 'fr-CA', 'en'])).toBe('fr');
		expect(pickLanguage(['id-ID'])).toBe('id');
		expect(pickLanguage(['in'])).toBe('id');
		expect(pickLanguage(['ja', 'de'])).toBe('en');
		expect(pickLanguage([])).toBe('en');
	});
});

describe('format', () => {
	it('fills placeholders and leaves unknown ones visible', () => {
		expect(format('en', 'join.inRoom', { count: 3, max: 50 })).toBe('3 of 50 in the room');
		expect(format('fr', 'room.left', { name: 'Zoé' })).toBe('Zoé est parti');
		expect(format('en', 'room.joined')).toBe('{name} joined');
	});
});
