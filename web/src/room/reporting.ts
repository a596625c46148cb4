import { errorCode } from '../signaling/SignalingClient.js';
import type { RoomStateStore } from './RoomStateStore.js';

/** Runs something the person asked for; a failure becomes a notice instead of vanishing. */
export async function reporting(store: RoomStateStore, action: Promise<unknown>): Promise<void> {
	try {
		await action;
	} catch (error) {
		store.dispatch({ type: 'actionFailed', code: errorCode(error) });
	}
}
