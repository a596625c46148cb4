/** The chat panel: messages of this visit, to everyone or privately to one person, with web links made clickable. */
import { X } from 'lucide-react';
import { useEffect, useRef, useState, useSyncExternalStore, type FormEvent } from 'react';
import { LIMITS } from '../../../../shared/limits.js';
import type { ChatMessage } from '../../../../shared/protocol.js';
import type { RoomClient } from '../../room/RoomClient.js';
import { useI18n } from '../../ui/I18n.js';
import { linkify } from '../../ui/linkify.js';
import { IconButton } from '../../ui/IconButton.js';

function MessageText({ text }: { text: string }) {
	return <>{linkify(text).map((run, index) => ('href' in run
		? <a key={index} href={run.href} target="_blank" rel="noopener noreferrer nofollow">{run.text}</a>
		: <span key={index}>{run.text}</span>))}</>;
}

export function ChatPanel({ client, onClose }: { client: RoomClient; onClose: () => void }) {
	const { t } = useI18n();
	const state = useSyncExternalStore(client.store.subscribe, () => client.store.state);
	const [text, setText] = useState('');
	const [to, setTo] = useState('');
	const input = useRef<HTMLInputElement>(null);
	// Opening the chat moves the focus into it, and marks everything read while it stays open.
	useEffect(() => {
		input.current?.focus();
		client.store.dispatch({ type: 'chatOpen', open: true });
		return () => client.store.dispatch({ type: 'chatOpen', open: false });
	}, [client]);
	const recipient = state.participants.find(({ id }) => id === to);
	const send = (event: FormEvent) => {
		event.preventDefault();
		if (!text.trim()) return;
		// A failed send keeps the text in the box, so it can be sent again.
		void client.interactions.sendChat(text.trim(), recipient?.id).then((sent) => sent && setText(''));
	};
	const privacy = (message: ChatMessage) => (!message.to ? null
		: <em className="private">{message.participantId === state.self?.id ? t('chat.privateTo', { name: message.to.name }) : t('chat.privateFrom')}</em>);
	return (
		<aside className="panel" aria-label={t('chat.heading')}>
			<header><h2>{t('chat.heading')}</h2><IconButton icon={X} label={t('chat.close')} onClick={onClose} /></header>
			<ol className="messages" aria-live="polite" tabIndex={0} aria-label={t('chat.heading')}>
				{state.messages.length === 0 && <li className="hint">{t('chat.empty')}</li>}
				{state.messages.map((message) => (
					<li key={message.id}><strong>{message.name}</strong> {privacy(message)} {message.unreadable ? <em>{t('chat.unreadable')}</em> : <MessageText text={message.text} />}</li>
				))}
			</ol>
			<form onSubmit={send} className="chat-form">
				<label className="chat-to"><span>{t('chat.to')}</span>
					<select value={recipient ? to : ''} onChange={(event) => setTo(event.target.value)}>
						<option value="">{t('chat.everyone')}</option>
						{state.participants.map((person) => <option key={person.id} value={person.id}>{person.name}</option>)}
					</select>
				</label>
				<input ref={input} aria-label={t('chat.placeholder')} placeholder={t('chat.placeholder')} value={text} maxLength={LIMITS.chatMaxLength} onChange={(e) => setText(e.target.value)} />
				<button type="submit">{t('chat.send')}</button>
			</form>
		</aside>
	);
}
