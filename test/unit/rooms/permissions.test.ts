import { describe, expect, it } from 'vitest';
import { type Authority, type Permission, authorityOf, may, targetRefusal } from '../../../server/rooms/permissions.js';

describe('permissions', () => {
	it('lets the owner app and hosts do everything, co-hosts everything but end, guests nothing', () => {
		const table = (['owner', 'host', 'cohost', 'guest'] as Authority[]).map((authority) =>
			[authority, (['moderate', 'end'] as Permission[]).filter((permission) => may(authority, permission))]);
		expect(table).toEqual([['owner', ['moderate', 'end']], ['host', ['moderate', 'end']], ['cohost', ['moderate']], ['guest', []]]);
	});

	it('gives spotlight and lowering others\' hands to whoever moderates, and treats a stand-in host as a co-host', () => {
		const table = (['owner', 'host', 'cohost', 'guest'] as Authority[]).map((authority) =>
			[authority, (['spotlight', 'lower-hands'] as Permission[]).filter((permission) => may(authority, permission))]);
		expect(table).toEqual([['owner', ['spotlight', 'lower-hands']], ['host', ['spotlight', 'lower-hands']],
			['cohost', ['spotlight', 'lower-hands']], ['guest', []]]);
		expect([authorityOf({ role: 'host', owner: true }), authorityOf({ role: 'host', owner: false }), authorityOf({ role: 'guest', owner: false })])
			.toEqual(['host', 'cohost', 'guest']);
	});

	it('never lets a control target a host or the actor themselves', () => {
		expect(targetRefusal({ id: 'h', role: 'host' }, 'c')).toMatch(/hosts/);
		expect(targetRefusal({ id: 'c', role: 'cohost' }, 'c')).toMatch(/own/);
		expect(targetRefusal({ id: 'g', role: 'guest' }, 'c')).toBeUndefined();
		expect(targetRefusal({ id: 'c', role: 'cohost' }, undefined)).toBeUndefined();
	});
});
