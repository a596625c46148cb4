/** Message catalogs and the pure helpers to pick a language and format a message. */
import { en, type Catalog, type MessageKey } from './en.js';
import { fr } from './fr.js';
import { id } from './id.js';

export type { MessageKey };
export const CATALOGS = { en, id, fr } satisfies Record<string, Catalog>;
export type Language = keyof typeof CATALOGS;
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', id: 'Bahasa Indonesia', fr: 'Français' };

/** The first of the browser's preferred languages that we ship, else English. */
export function pickLanguage(preferred: readonly string[]): Language {
	for (const tag of preferred) {
		const base = tag.toLowerCase().split('-')[0];
		// Indonesian is `id`; older browsers still send the withdrawn `in`.
		const language = base === 'in' ? 'id' : base;
		if (language && language in CATALOGS) return language as Language;
	}
	return 'en';
}

export function format(language: Language, key: MessageKey, vars: Record<string, string | number> = {}): string {
	return CATALOGS[language][key].replace(/\{(\w+)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match));
}
