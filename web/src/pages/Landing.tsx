import { useState, type FormEvent } from 'react';
import { newRoomSecret } from '../../../shared/e2ee/roomSecret.js';
import { withRoomSecret } from '../../../shared/links.js';
import { INVITE_CODE_ALPHABET, LIMITS } from '../../../shared/limits.js';
import { ApiError, api } from '../api.js';
import { rememberHostLink } from '../hostCredentials.js';
import { LanguageSwitcher, useI18n } from '../ui/I18n.js';
import { ShareLink } from '../ui/ShareLink.js';
import { NAME_STORAGE_KEY } from './JoinPage.js';
import { Switch } from '../ui/Switch.js';

const CODE = new RegExp(`(?:^|/r/)([${INVITE_CODE_ALPHABET}]{${LIMITS.inviteCodeLength}})(?:[/?#]|$)`);

/** The code in a pasted invite link or a bare code, if there is one. */
export function inviteCodeFrom(input: string): string | undefined {
	return CODE.exec(input.trim())?.[1];
}

interface CreatedRoom {
	inviteUrl: string;
	hostUrl: string;
	room: { title: string; defaultTitleOf?: string };
}

/** The ready screen of a room this tab just created, until its creator goes in. */
const READY_STORAGE_KEY = 'rooms.landing.ready';

function readyRoom(): CreatedRoom | undefined {
	try {
		const stored = JSON.parse(sessionStorage.getItem(READY_STORAGE_KEY) ?? 'null') as CreatedRoom | null;
		return stored?.inviteUrl && stored.hostUrl && stored.room ? stored : undefined;
	} catch {
		return undefined;
	}
}

export function Landing() {
	const { t, roomTitle } = useI18n();
	const [link, setLink] = useState('');
	const [linkError, setLinkError] = useState(false);
	const [name, setName] = useState(() => localStorage.getItem(NAME_STORAGE_KEY) ?? '');
	const [createError, setCreateError] = useState<string>();
	const [creating, setCreating] = useState(false);
	const [e2ee, setE2ee] = useState(false);
	/** The room just created: its link to share before going in (kept for this tab, so a reload shows it again). */
	const [created, setCreated] = useState<CreatedRoom | undefined>(readyRoom);

	const open = (event: FormEvent) => {
		event.preventDefault();
		const code = inviteCodeFrom(link);
		if (!code) return setLinkError(true);
		// The fragment carries what the server never sees: an encrypted room's key, a host key.
		const fragment = link.trim().match(/#.*$/)?.[0] ?? '';
		window.location.assign(`/r/${code}${fragment}`);
	};

	const create = async (event: FormEvent) => {
		event.preventDefault();
		setCreating(true);
		setCreateError(undefined);
		try {
			localStorage.setItem(NAME_STORAGE_KEY, name.trim());
			const { inviteUrl, hostUrl, room } = await api.createWebRoom(name.trim(), e2ee);
			// An encrypted room's key is made here and goes only into the links: the server never sees it.
			const secret = e2ee ? newRoomSecret() : undefined;
			const ready = { inviteUrl: withRoomSecret(inviteUrl, secret), hostUrl: withRoomSecret(hostUrl, secret), room };
			// The host key is kept the moment the room exists: a reload, or the invite link, still opens it as its host.
			rememberHostLink(hostUrl);
			sessionStorage.setItem(READY_STORAGE_KEY, JSON.stringify(ready));
			setCreated(ready);
		} catch (error) {
			setCreateError(error instanceof ApiError ? error.message : String(error));
			setCreating(false);
		}
	};

	if (created) {
		const target = new URL(created.hostUrl);
		const title = roomTitle(created.room);
		return (
			<main className="page landing">
				<header className="topbar"><h1>{t('landing.ready.heading')}</h1><LanguageSwitcher /></header>
				<p className="hint">{t('landing.ready.hint')}</p>
				<section className="card" aria-label={title}>
					<h2>{title}</h2>
					<ShareLink url={created.inviteUrl} title={title} primary />
				</section>
				<section className="card host-link" aria-label={t('landing.ready.hostLink')}>
					<ShareLink url={created.hostUrl} title={title} label={t('landing.ready.hostLink')} copyLabel={t('landing.ready.copyHostLink')} shareSheet={false} />
					<p className="hint">{t('landing.ready.hostLinkHint')}</p>
				</section>
				{/* Passing the link on is this screen's job: Copy is the filled button, going in the plain one. */}
				<button type="button" onClick={() => {
					sessionStorage.removeItem(READY_STORAGE_KEY);
					window.location.assign(`${target.pathname}${target.hash}`);
				}}>{t('landing.ready.join')}</button>
				<button type="button" className="link-button" onClick={() => {
					sessionStorage.removeItem(READY_STORAGE_KEY);
					setCreated(undefined);
					setCreating(false);
				}}>{t('landing.ready.another')}</button>
			</main>
		);
	}

	return (
		<main className="page landing">
			<header className="topbar"><h1>{t('app.name')}</h1><LanguageSwitcher /></header>
			<p className="tagline">{t('landing.tagline')}</p>
			<form onSubmit={open} className="card">
				<label htmlFor="invite-link">{t('landing.open.label')}</label>
				<input id="invite-link" value={link} onChange={(e) => { setLink(e.target.value); setLinkError(false); }} autoComplete="off" />
				{linkError && <p role="alert" className="error">{t('landing.open.invalid')}</p>}
				{/* Creating a room is the page's main action: opening a link is the plain button. */}
				<button type="submit" className="plain">{t('landing.open.button')}</button>
			</form>
			<form onSubmit={create} className="card">
				<h2>{t('landing.create.heading')}</h2>
				<label htmlFor="host-name">{t('landing.create.name')}</label>
				<input id="host-name" value={name} maxLength={LIMITS.nameMaxLength} required onChange={(e) => setName(e.target.value)} />
				<Switch label={t('landing.create.e2ee')} checked={e2ee} onChange={setE2ee} />
				{createError && <p role="alert" className="error">{t('error.generic', { message: createError })}</p>}
				<button type="submit" disabled={creating || name.trim() === ''}>{t('landing.create.button')}</button>
			</form>
		</main>
	);
}
