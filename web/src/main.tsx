import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { INVITE_CODE_ALPHABET, LIMITS } from '../../shared/limits.js';
import { ErrorScreen } from './pages/ErrorScreen.js';
import { JoinPage } from './pages/JoinPage.js';
import { Landing } from './pages/Landing.js';
import { I18nProvider } from './ui/I18n.js';
import './styles.css';

const ROOM_PATH = new RegExp(`^/r/([^/]+)/?$`);
const CODE = new RegExp(`^[${INVITE_CODE_ALPHABET}]{${LIMITS.inviteCodeLength}}$`);

function Page() {
	const match = ROOM_PATH.exec(window.location.pathname);
	if (!match) return <Landing />;
	const code = decodeURIComponent(match[1]!);
	// A malformed code cannot be a room: say so without asking the server.
	return CODE.test(code) ? <JoinPage code={code} /> : <ErrorScreen code="INVITE_NOT_FOUND" />;
}

createRoot(document.getElementById('root')!).render(
	<StrictMode>
		<I18nProvider>
			<Page />
		</I18nProvider>
	</StrictMode>,
);
