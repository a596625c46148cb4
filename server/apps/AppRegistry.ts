/**
 * The chat apps that host rooms, and the server's own signing secret.
 * Apps come from ROOMS_APPS, or are generated once into the data directory.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { ConfigError } from '../config.js';

const AppSchema = z.strictObject({
	id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'app ids are 1-32 of a-z, 0-9, _ and -'),
	name: z.string().trim().min(1).max(64),
	secret: z.string().min(32, 'app secrets are at least 32 characters'),
	webhookUrl: z.url().optional(),
	/** How the app names its users: `e164` phone numbers (WhatsApp) or opaque ids. Default opaque. */
	userIdFormat: z.enum(['e164', 'opaque']).default('opaque'),
});
const AppsSchema = z.array(AppSchema).min(1).refine(
	(apps) => new Set(apps.map((app) => app.id)).size === apps.length, 'app ids must be unique');

export type App = z.infer<typeof AppSchema>;

const DEFAULT_APPS: Omit<App, 'secret'>[] = [
	{ id: 'messenger', name: 'Messenger', userIdFormat: 'opaque' },
	{ id: 'whatsapp', name: 'WhatsApp', userIdFormat: 'e164' },
	{ id: 'instagram', name: 'Instagram', userIdFormat: 'opaque' },
	{ id: 'portal', name: 'Portal', userIdFormat: 'opaque' },
];

const E164 = /^\+[1-9]\d{6,14}$/;
const OPAQUE_USER_ID = /^[\w.@+-]{1,128}$/;

export class AppRegistry {
	readonly #apps: Map<string, App>;

	constructor(apps: App[]) {
		this.#apps = new Map(apps.map((app) => [app.id, app]));
	}

	get(id: string): App | undefined {
		return this.#apps.get(id);
	}

	list(): App[] {
		return [...this.#apps.values()];
	}

	/** Whether `userId` is a well-formed user id for this app. */
	static isValidUserId(app: App, userId: string): boolean {
		return app.userIdFormat === 'e164' ? E164.test(userId) : OPAQUE_USER_ID.test(userId);
	}

	static load(source: string | undefined, dataDir: string, logger: Logger): AppRegistry {
		if (source) return new AppRegistry(parseApps(source));
		const file = path.join(dataDir, 'apps.json');
		if (!fs.existsSync(file)) {
			const apps = DEFAULT_APPS.map((app) => ({ ...app, secret: randomBytes(32).toString('base64url') }));
			writePrivateFile(file, `${JSON.stringify(apps, null, 2)}\n`);
			logger.info({ file }, 'generated app secrets; read them from this file');
		} else {
			logger.info({ file }, 'app secrets loaded from file');
		}
		return new AppRegistry(parseApps(`@${file}`));
	}
}

function parseApps(source: string): App[] {
	let text = source;
	if (source.startsWith('@')) {
		try {
			text = fs.readFileSync(source.slice(1), 'utf8');
		} catch (error) {
			throw new ConfigError(`invalid ROOMS_APPS: cannot read ${source.slice(1)} (${(error as Error).message})`);
		}
	}
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		throw new ConfigError('invalid ROOMS_APPS: not JSON');
	}
	const apps = AppsSchema.safeParse(json);
	if (!apps.success) {
		const issue = apps.error.issues[0]!;
		throw new ConfigError(`invalid ROOMS_APPS: ${issue.path.join('.')} ${issue.message}`);
	}
	return apps.data;
}

function writePrivateFile(file: string, content: string): void {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(`${file}.tmp`, content, { mode: 0o600 });
	fs.renameSync(`${file}.tmp`, file);
}

/**
 * What the nodes of a cluster must share, as one SHA-256: the participant
 * tokens' secret, the cluster secret and the apps (each field, in id order).
 * High-entropy secrets make it safe to store; the secrets themselves never
 * leave the node's configuration.
 */
export function sharedSettingsFingerprint(serverSecret: string, clusterSecret: string, apps: App[]): string {
	const canonical = [...apps].sort((a, b) => (a.id < b.id ? -1 : 1))
		.map(({ id, name, secret, webhookUrl, userIdFormat }) => ({ id, name, secret, webhookUrl: webhookUrl ?? null, userIdFormat }));
	return createHash('sha256').update(JSON.stringify({ serverSecret, clusterSecret, apps: canonical })).digest('hex');
}

/** The participant tokens' secret: the configured one (ROOMS_SERVER_SECRET), else one generated once into the data folder. */
export function loadServerSecret(dataDir: string, configured?: string): string {
	if (configured) return configured;
	const file = path.join(dataDir, 'server-secret');
	if (!fs.existsSync(file)) writePrivateFile(file, randomBytes(48).toString('base64url'));
	return fs.readFileSync(file, 'utf8').trim();
}
