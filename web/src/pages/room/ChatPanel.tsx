/** The chat panel: messages of this visit, and a box to send one. */
import { useState, useSyncExternalStore, type FormEvent } from 'react';
import { LIMITS } from '../../../../shared/limits.js';
import type { RoomClient } from '../../room/RoomClient.js';
import { useI18n } from '../../ui/I18n.js';

export function ChatPanel({ client, onClose }: { client: RoomClient; onClose: () => void }) {
	const { t } = useI18n();
	const state = useSyncExternalStore(client.store.subscribe, () => client.store.state);
	const [text, setText] = useState('');
	const send = (event: FormEvent) => {
		event.preventDefault();
		if (!text.trim()) return;
		// A failed send keeps the text in the box, so it can be sent again.
		void client.sendChat(text.trim()).then((sent) => sent && setText(''));
	};
	return (
		<aside className="panel" aria-label={t('chat.heading')}>
			<header><h2>{t('chat.heading')}</h2><button type="button" onClick={onClose}>{t('chat.close')}</button></header>
			<ol className="messages" aria-live="polite">
				{state.messages.length === 0 && <li className="hint">{t('chat.empty')}</li>}
				{state.messages.map((message) => <li key={message.id}><strong>{message.name}</strong> {message.text}</li>)}
			</ol>
			<form onSubmit={send}>
				<input aria-label={t('chat.placeholder')} placeholder={t('chat.placeholder')} value={text} maxLength={LIMITS.chatMaxLength} onChange={(e) => setText(e.target.value)} />
				<button type="submit">{t('chat.send')}</button>
			</form>
		</aside>
	);
}
