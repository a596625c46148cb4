import { describe, expect, it } from 'vitest';
import { AgentGate } from '../../../tools/loadtest/src/agentGate.js';

const create = (type: string, guid: string) => JSON.stringify({ guid: '', method: '__create__', params: { type, guid, initializer: {} } });
const call = (guid: string, method: string, params: Record<string, unknown> = {}) => JSON.stringify({ id: 'c@1', guid, method, params });

describe('AgentGate', () => {
	it('passes only the calls a load run makes, on objects the browser created', () => {
		const gate = new AgentGate();
		gate.fromBrowser(create('Frame', 'frame@1'));
		gate.fromBrowser(create('LocalUtils', 'utils@1'));
		expect(gate.fromCoordinator(call('frame@1', 'goto', { url: 'https://rooms.example/r/abc' }))).toEqual({ pass: true });
		expect(gate.fromCoordinator(call('frame@1', 'setInputFiles'))).toMatchObject({ pass: false, why: 'Frame.setInputFiles is not served' });
		expect(gate.fromCoordinator(call('utils@1', 'zip', { zipFile: '/etc/cron.d/x' }))).toMatchObject({ pass: false, why: 'LocalUtils.zip is not served' });
		expect(gate.fromCoordinator(call('frame@2', 'goto', { url: 'https://rooms.example' }))).toMatchObject({ pass: false });
	});

	it('refuses navigations other than http(s), and answers the call in the protocol with the reason', () => {
		const gate = new AgentGate();
		gate.fromBrowser(create('Frame', 'frame@1'));
		for (const url of ['file:///etc/passwd', 'FILE:///etc/passwd', 'chrome://settings', 'view-source:file:///etc/passwd']) {
			const verdict = gate.fromCoordinator(call('frame@1', 'goto', { url }));
			expect(verdict.pass, url).toBe(false);
			if (!verdict.pass) expect(JSON.parse(verdict.answer)).toEqual({ id: 'c@1', error: { error: { name: 'Error', message: expect.stringContaining('is not served') } } });
		}
	});

	it('lets DevTools read the process list and emulate a page\'s network, and nothing else, and forgets disposed objects', () => {
		const gate = new AgentGate();
		gate.fromBrowser(create('CDPSession', 'cdp@1'));
		expect(gate.fromCoordinator(call('cdp@1', 'send', { method: 'SystemInfo.getProcessInfo' }))).toEqual({ pass: true });
		expect(gate.fromCoordinator(call('cdp@1', 'send', { method: 'Network.emulateNetworkConditions', params: { latency: 100 } }))).toEqual({ pass: true });
		expect(gate.fromCoordinator(call('cdp@1', 'send', { method: 'Page.navigate', params: { url: 'file:///' } }))).toMatchObject({ pass: false });
		// Network.* beyond the emulation (reading bodies, setting cookies) stays closed.
		expect(gate.fromCoordinator(call('cdp@1', 'send', { method: 'Network.getResponseBody', params: {} }))).toMatchObject({ pass: false });
		gate.fromBrowser(JSON.stringify({ guid: 'cdp@1', method: '__dispose__', params: {} }));
		expect(gate.fromCoordinator(call('cdp@1', 'send', { method: 'SystemInfo.getProcessInfo' }))).toMatchObject({ pass: false });
	});

	it('closes on what is not a call at all', () => {
		const gate = new AgentGate();
		expect(gate.fromCoordinator('not json')).toMatchObject({ pass: false, answer: '' });
		expect(gate.fromCoordinator('{"guid":"","method":"initialize"}')).toMatchObject({ pass: false, answer: '' });
		expect(gate.fromCoordinator(call('', 'initialize'))).toEqual({ pass: true });
	});
});
