import { describe, expect, it } from 'vitest';
import { OrderedConnection } from '../../../server/signaling/OrderedConnection.js';

function recording() {
	const sent: string[] = [];
	const connection = new OrderedConnection({
		emit: (event) => sent.push(event),
		disconnect: () => sent.push('disconnect'),
	});
	return { sent, connection };
}

describe('OrderedConnection', () => {
	it('sends at once when nothing is held', () => {
		const { sent, connection } = recording();
		connection.emit('participant.left', { participantId: 'a', reason: 'left' });
		expect(sent).toEqual(['participant.left']);
	});

	it('holds events while an answer is being made, and sends them after it, in order', () => {
		const { sent, connection } = recording();
		connection.hold();
		connection.emit('participant.joined', { id: 'b', name: 'Bo', role: 'guest', joinedAt: '' });
		connection.emit('lobby.updated', { entries: [] });
		expect(sent).toEqual([]);
		sent.push('answer');
		connection.release();
		expect(sent).toEqual(['answer', 'participant.joined', 'lobby.updated']);
	});

	it('disconnects only after the held events went out, and nested holds release once', () => {
		const { sent, connection } = recording();
		connection.hold();
		connection.hold();
		connection.emit('session.closed', { reason: 'replaced' });
		connection.disconnect();
		connection.release();
		expect(sent).toEqual([]);
		connection.release();
		expect(sent).toEqual(['session.closed', 'disconnect']);
	});
});
