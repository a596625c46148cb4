import { describe, expect, it } from 'vitest';
import { type Authority, type Permission, may, targetRefusal } from '../../../server/rooms/permissions.js';

describe('permissions', () => {
	it('lets the owner app and hosts do everything, co-hosts everything but end, guests nothing', () => {
		const table = (['owner', 'host', 'cohost', 'guest'] as Authority[]).map((authority) =>
			[authority, (['moderate', 'end'] as Permission[]).filter((permission) => may(authority, permission))]);
		expect(table).toEqual([['owner', ['moderate', 'end']], ['host', ['moderate', 'end']], ['cohost', ['moderate']], ['guest', []]]);
	});

	it('never lets a control target a host or the actor themselves', () => {
		expect(targetRefusal({ id: 'h', role: 'host' }, 'c')).toMatch(/hosts/);
		expect(targetRefusal({ id: 'c', role: 'cohost' }, 'c')).toMatch(/own/);
		expect(targetRefusal({ id: 'g', role: 'guest' }, 'c')).toBeUndefined();
		expect(targetRefusal({ id: 'c', role: 'cohost' }, undefined)).toBeUndefined();
	});
});
