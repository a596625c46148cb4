import { Languages } from 'lucide-react';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { CATALOGS, LANGUAGE_NAMES, format, pickLanguage, type Language, type MessageKey } from '../i18n/index.js';

const STORAGE_KEY = 'rooms.language';

interface I18n {
	language: Language;
	setLanguage: (language: Language) => void;
	t: (key: MessageKey, vars?: Record<string, string | number>) => string;
	/** A room's title in this language: a default "<owner>'s room" is translated, a chosen one is kept. */
	roomTitle: (room: { title: string; defaultTitleOf?: string }) => string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLanguage(): Language {
	const saved = localStorage.getItem(STORAGE_KEY);
	if (saved && saved in CATALOGS) return saved as Language;
	return pickLanguage(navigator.languages ?? [navigator.language]);
}

export function I18nProvider({ children }: { children: ReactNode }) {
	const [language, setLanguageState] = useState(initialLanguage);
	const setLanguage = useCallback((next: Language) => {
		localStorage.setItem(STORAGE_KEY, next);
		setLanguageState(next);
	}, []);
	// Screen readers and spell checkers read the page in the chosen language, the first one included.
	useEffect(() => {
		document.documentElement.lang = language;
	}, [language]);
	const value = useMemo<I18n>(() => ({
		language,
		setLanguage,
		t: (key, vars) => format(language, key, vars),
		roomTitle: ({ title, defaultTitleOf }) => (defaultTitleOf === undefined ? title : format(language, 'room.defaultTitle', { name: defaultTitleOf })),
	}), [language, setLanguage]);
	return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
	const value = useContext(I18nContext);
	if (!value) throw new Error('useI18n outside I18nProvider');
	return value;
}

export function LanguageSwitcher() {
	const { language, setLanguage, t } = useI18n();
	return (
		<label className="language">
			{/* A globe rather than the word beside the heading, so the switcher stays on the heading's line; the word stays for screen readers. */}
			<Languages aria-hidden="true" focusable="false" />
			<span className="visually-hidden">{t('language.label')}</span>
			<select value={language} onChange={(event) => setLanguage(event.target.value as Language)}>
				{(Object.keys(CATALOGS) as Language[]).map((code) => <option key={code} value={code}>{LANGUAGE_NAMES[code]}</option>)}
			</select>
		</label>
	);
}
