/**
 * `--network`: the networks participants run on. A profile is a name
 * (`3g`, `4g`, `lossy-wifi`) or its figures (`rtt=150ms,loss=2%,down=1.5mbit,up=1mbit`).
 * Browsers get it through Chromium's network emulation (DevTools, which
 * applies it to WebRTC too: the delay each way, the loss, the throughput);
 * bots through their own sockets (Shaper). Participants take profiles in
 * order: `--network '3g@25%;lossy-wifi@25%'` puts the first quarter on 3g,
 * the next on lossy Wi-Fi, and the rest on the machine's own network.
 */

export interface NetworkProfile {
	/** As given: `3g`, or `rtt=150ms,loss=2%`. */
	name: string;
	/** Round-trip time added, ms (half each way). */
	rttMs: number;
	/** Share of packets lost each way (0..1). */
	loss: number;
	/** Throughput caps, kbit/s; undefined for none. */
	downKbps?: number;
	upKbps?: number;
}

const NAMED: Record<string, Omit<NetworkProfile, 'name'>> = {
	'3g': { rttMs: 300, loss: 0.01, downKbps: 1600, upKbps: 750 },
	'4g': { rttMs: 100, loss: 0.002, downKbps: 9000, upKbps: 5000 },
	'lossy-wifi': { rttMs: 40, loss: 0.03, downKbps: 20_000, upKbps: 10_000 },
};

/** A rate with its unit: `1.5mbit`, `750kbit`; kbit/s. */
function rate(raw: string): number | undefined {
	const match = /^(\d+(?:\.\d+)?)(kbit|mbit)$/.exec(raw);
	return match ? Number(match[1]) * (match[2] === 'mbit' ? 1000 : 1) : undefined;
}

/** One profile by name or figures; throws naming what it could not read. */
export function parseProfile(raw: string): NetworkProfile {
	const text = raw.trim();
	const named = NAMED[text];
	if (named) return { name: text, ...named };
	const profile: NetworkProfile = { name: text, rttMs: 0, loss: 0 };
	for (const part of text.split(',')) {
		const [key, value = ''] = part.split('=').map((piece) => piece.trim());
		const rtt = /^(\d+(?:\.\d+)?)ms$/.exec(value);
		const loss = /^(\d+(?:\.\d+)?)%$/.exec(value);
		if (key === 'rtt' && rtt) profile.rttMs = Number(rtt[1]);
		else if (key === 'loss' && loss && Number(loss[1]) <= 100) profile.loss = Number(loss[1]) / 100;
		else if ((key === 'down' || key === 'up') && rate(value) !== undefined) profile[key === 'down' ? 'downKbps' : 'upKbps'] = rate(value);
		else {
			throw new Error(`--network: "${part}" is not a profile setting; use ${Object.keys(NAMED).join(', ')}, or rtt=150ms,loss=2%,down=1.5mbit,up=1mbit`);
		}
	}
	return profile;
}

/** `3g@25%;rtt=150ms,loss=2%@10%`: each profile and the share of participants it takes (a profile without a share takes the rest). */
export function parseNetwork(raw: string): { profile: NetworkProfile; share: number }[] {
	const parts = raw.split(';').map((part) => part.trim()).filter(Boolean);
	let taken = 0;
	const assigned = parts.map((part, i) => {
		const at = /^(.*)@(\d+(?:\.\d+)?)%$/.exec(part);
		if (!at && i < parts.length - 1) throw new Error(`--network: only the last profile may go without a share (@25%): "${part}"`);
		const share = at ? Number(at[2]) / 100 : 1 - taken;
		taken += share;
		return { profile: parseProfile(at ? at[1]! : part), share };
	});
	if (taken > 1.0001) throw new Error(`--network: the shares add up to more than 100 % (${Math.round(taken * 100)} %)`);
	return assigned;
}

/** Participant `index` of `total` (of one kind): its profile, or undefined for the machine's own network. */
export function profileFor(assigned: { profile: NetworkProfile; share: number }[], index: number, total: number): NetworkProfile | undefined {
	let upTo = 0;
	for (const { profile, share } of assigned) {
		upTo += share;
		if (index < Math.round(upTo * total)) return profile;
	}
	return undefined;
}

/** What the queue of a throttled direction may hold before it drops, as a router's would: half a second. */
const MAX_QUEUE_MS = 500;

/** One direction of a bot's network: loss, half the round trip, and a throughput cap with a bounded queue. */
export class Shaper {
	#freeAt = 0;

	constructor(private readonly loss: number, private readonly delayMs: number, private readonly kbps: number | undefined) {}

	static of(profile: NetworkProfile, direction: 'up' | 'down'): Shaper {
		return new Shaper(profile.loss, profile.rttMs / 2, direction === 'up' ? profile.upKbps : profile.downKbps);
	}

	/** Lets `deliver` happen as this network would: dropped, or later. */
	pass(bytes: number, deliver: () => void): void {
		if (this.loss > 0 && Math.random() < this.loss) return;
		const now = performance.now();
		let wait = this.delayMs;
		if (this.kbps !== undefined) {
			const start = Math.max(now, this.#freeAt);
			if (start - now > MAX_QUEUE_MS) return;
			this.#freeAt = start + (bytes * 8) / this.kbps;
			wait += this.#freeAt - now;
		}
		if (wait <= 0) deliver();
		else setTimeout(deliver, wait);
	}
}
