import { describe, expect, it } from 'vitest';
import { plainDestinationRefusal } from '../../../server/media/plainDestination.js';

const own = new Set(['127.0.0.1', '192.0.2.10', '198.51.100.1']);

describe('plainDestinationRefusal', () => {
	it("allows only the client's own address", () => {
		expect(plainDestinationRefusal('203.0.113.9', '203.0.113.9', own)).toBeUndefined();
		expect(plainDestinationRefusal('203.0.113.10', '203.0.113.9', own)).toMatch(/only to the address this connection comes from/);
		expect(plainDestinationRefusal('::ffff:203.0.113.9', '203.0.113.9', own)).toBeUndefined();
	});

	it('lets a client on this machine use its loopback address, even one the server listens on', () => {
		expect(plainDestinationRefusal('127.0.0.1', '127.0.0.1', own)).toBeUndefined();
		expect(plainDestinationRefusal('127.0.0.2', '127.0.0.2', own)).toBeUndefined();
		expect(plainDestinationRefusal('127.0.0.1', '127.0.0.2', own)).toMatch(/only to the address/);
	});

	it("refuses the server's own addresses for a client elsewhere, whatever it says it is", () => {
		expect(plainDestinationRefusal('192.0.2.10', '192.0.2.10', own)).toMatch(/server's own addresses/);
		expect(plainDestinationRefusal('198.51.100.1', '198.51.100.1', own)).toMatch(/server's own addresses/);
		expect(plainDestinationRefusal('127.0.0.1', '203.0.113.9', own)).toMatch(/only to the address/);
	});
});
