import { describe, expect, it } from 'vitest';
import { originCheck } from '../../../server/http/origins.js';

describe('originCheck', () => {
	it('allows the public URL\'s origin, configured extras and requests without an Origin; nothing else', () => {
		const allowed = originCheck(() => 'https://rooms.example.com', ['https://chat.example.com/']);
		expect(allowed(undefined)).toBe(true);
		expect(allowed('https://rooms.example.com')).toBe(true);
		expect(allowed('https://chat.example.com')).toBe(true);
		expect(allowed('http://rooms.example.com')).toBe(false);
		expect(allowed('https://rooms.example.com.evil.example')).toBe(false);
		expect(allowed('https://localhost')).toBe(false);
		expect(allowed('null')).toBe(false);
	});

	it('treats the loopback spellings of a localhost public URL as the same place, with the same port only', () => {
		const allowed = originCheck(() => 'http://localhost:3000', []);
		expect(allowed('http://localhost:3000')).toBe(true);
		expect(allowed('http://127.0.0.1:3000')).toBe(true);
		expect(allowed('http://[::1]:3000')).toBe(true);
		expect(allowed('http://127.0.0.1:4000')).toBe(false);
		expect(allowed('https://localhost:3000')).toBe(false);
	});
});
