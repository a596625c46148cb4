/**
 * Asks before something that cannot be undone, in the page rather than with
 * the browser's confirm(): a modal <dialog> (focus stays in it, Escape
 * cancels), in the app's language and look, with Cancel focused first.
 */
import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import { useI18n } from './I18n.js';

export interface Question {
	message: string;
	/** The confirming button's label, the action itself ("Remove", "End room"). */
	confirm: string;
}

/** The dialog to render (null when nothing is asked) and `ask`, which resolves whether the person confirmed. */
export function useConfirm(): [ReactNode, (question: Question) => Promise<boolean>] {
	const [asking, setAsking] = useState<Question & { resolve: (yes: boolean) => void }>();
	const ask = useCallback((question: Question) => new Promise<boolean>((resolve) => setAsking({ ...question, resolve })), []);
	const answer = (yes: boolean) => {
		asking?.resolve(yes);
		setAsking(undefined);
	};
	return [asking ? <ConfirmDialog question={asking} onAnswer={answer} /> : null, ask];
}

function ConfirmDialog({ question, onAnswer }: { question: Question; onAnswer: (yes: boolean) => void }) {
	const { t } = useI18n();
	const ref = useRef<HTMLDialogElement>(null);
	const messageId = useId();
	useEffect(() => {
		const dialog = ref.current;
		dialog?.showModal();
		return () => dialog?.close();
	}, []);
	return (
		<dialog ref={ref} className="confirm" aria-labelledby={messageId} onCancel={(event) => {
			event.preventDefault();
			onAnswer(false);
		}}>
			<p id={messageId}>{question.message}</p>
			<div className="dialog-actions">
				<button type="button" autoFocus onClick={() => onAnswer(false)}>{t('dialog.cancel')}</button>
				<button type="button" className="danger" onClick={() => onAnswer(true)}>{question.confirm}</button>
			</div>
		</dialog>
	);
}
