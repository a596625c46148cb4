import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { INVITE_CODE_ALPHABET, LIMITS } from '../../shared/limits.js';
import { ErrorScreen } from './pages/ErrorScreen.js';
import { JoinPage, prefetchInvite } from './pages/JoinPage.js';
import { Landing } from './pages/Landing.js';
import { openDevicesEarly } from './pages/usePreview.js';
import { I18nProvider } from './ui/I18n.js';
import './styles.css';

const ROOM_PATH = new RegExp(`^/r/([^/]+)/?$`);
const CODE = new RegExp(`^[${INVITE_CODE_ALPHABET}]{${LIMITS.inviteCodeLength}}$`);

/** The invite code of a join page's address, if it is one and well formed (a malformed code cannot be a room). */
function inviteCode(): { code: string; valid: boolean } | undefined {
	const match = ROOM_PATH.exec(window.location.pathname);
	if (!match) return undefined;
	const code = decodeURIComponent(match[1]!);
	return { code, valid: CODE.test(code) };
}

function Page() {
	const invite = inviteCode();
	if (!invite) return <Landing />;
	// Said without asking the server.
	return invite.valid ? <JoinPage code={invite.code} /> : <ErrorScreen code="INVITE_NOT_FOUND" />;
}

// A join page asks for what it shows first before React renders it: the invite's status and the preview's devices.
const invite = inviteCode();
if (invite?.valid) {
	prefetchInvite(invite.code);
	openDevicesEarly();
}

createRoot(document.getElementById('root')!).render(
	<StrictMode>
		<I18nProvider>
			<Page />
		</I18nProvider>
	</StrictMode>,
);
