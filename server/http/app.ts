/** The Express app: REST API v1, health, metrics and (when built) the web app. */
import express, { type Express } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { ErrorCode } from '../../shared/errors.js';
import { InviteCode, InviteStatusBody, JoinBody, LocateBody, WebRoomBody } from '../../shared/schemas.js';
import { hashSecret, matchesHash } from '../auth/secrets.js';
import { Errors } from '../errors.js';
import { errorHandler, sendError } from './errorResponses.js';
import type { ProxyTrust } from '../addresses.js';
import type { OriginCheck } from './origins.js';
import { type OwnerRoutesDeps, ownerRoutes } from './ownerRoutes.js';
import { forwardByCode } from './roomForwarding.js';
import { INTERNAL_PREFIX, isInternal, keepRawBody, verifyInternal } from './forwarding.js';
import { parseBody } from './validate.js';
import { webAppRouter } from './webApp.js';

export interface HttpAppDeps extends OwnerRoutesDeps {
	rateLimitPerMinute: number;
	webRoomsPerHour: number;
	/** Why the service cannot take rooms now (no live worker, a closed or failing store), or undefined when it can. */
	notReadyBecause: () => { reason: string; message: string } | undefined;
	/** Stopping gracefully: /readyz says so with 503, so load balancers send new people elsewhere. */
	isDraining: () => boolean;
	/** The built web app, served when present. */
	webDistDir: string;
	/** Whether people may create rooms from the landing page (the built-in `web` app). */
	webHosts: boolean;
	/** Whether a browser page from this origin may use the public endpoints. */
	originAllowed: OriginCheck;
	/** When set, /metrics answers only `Authorization: Bearer <metricsToken>`. */
	metricsToken: string | undefined;
	/** Which peers are proxies trusted to name the client: `req.ip`, and so every rate limit, follows it. */
	trustProxy: ProxyTrust;
}

function parseCode(raw: string): string {
	// A malformed code cannot name a room; answer as for an unknown one.
	if (!InviteCode.safeParse(raw).success) throw Errors.inviteNotFound();
	return raw;
}

export function createHttpApp(deps: HttpAppDeps): Express {
	const { invitations, metrics, logger } = deps;
	const app = express();
	app.disable('x-powered-by');
	// The same trust as Socket.IO's (clientAddress.ts): both count a client behind a proxy as itself.
	app.set('trust proxy', deps.trustProxy);
	app.use(helmet({
		contentSecurityPolicy: {
			directives: {
				// Media comes from the SFU and the camera as blob/mediastream URLs.
				'media-src': ["'self'", 'blob:', 'mediastream:'],
				// 'self' covers our own ws: and wss: (CSP 3): the page talks to nothing else.
				'connect-src': ["'self'"],
				// Noise suppression and background blur compile WebAssembly served by us; no other eval.
				'script-src': ["'self'", "'wasm-unsafe-eval'"],
			},
		},
		// Invite links must not leak their code to other sites through Referer.
		referrerPolicy: { policy: 'no-referrer' },
	}));
	app.use((req, res, next) => {
		res.on('finish', () => {
			const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
			metrics.httpRequests.inc({ method: req.method, route, status: res.statusCode });
		});
		next();
	});

	app.get('/healthz', (_req, res) => {
		res.json({ status: 'ok' });
	});
	app.get('/readyz', (_req, res) => {
		if (deps.isDraining()) sendError(res, ErrorCode.DRAINING, 'draining: calls continue, new joins go elsewhere');
		else {
			const notReady = deps.notReadyBecause();
			if (notReady) sendError(res, ErrorCode.UNAVAILABLE, notReady.message, undefined, notReady.reason);
			else res.json({ status: 'ready' });
		}
	});
	app.get('/metrics', async (req, res) => {
		if (deps.metricsToken && !matchesHash(req.headers.authorization?.replace(/^Bearer /, '') ?? '', hashSecret(deps.metricsToken))) {
			return sendError(res, ErrorCode.AUTH_INVALID, 'metrics need the bearer token set in ROOMS_METRICS_TOKEN');
		}
		res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
	});

	const api = express.Router();
	// The body as it came is kept for a forwarded request's signature.
	const json = express.json({ limit: '16kb', verify: keepRawBody });
	api.use(json);

	const limiter = (windowMs: number, limit: number, what: string) => rateLimit({
		windowMs,
		limit,
		standardHeaders: 'draft-8',
		legacyHeaders: false,
		// A request another node forwards was counted there, against the caller's own address.
		skip: (_req, res) => isInternal(res),
		handler: (_req, res) => sendError(res, ErrorCode.RATE_LIMITED, `too many ${what}; slow down`),
	});
	const publicLimiter = limiter(60_000, deps.rateLimitPerMinute, 'requests');
	// Another site's page may not join or create rooms in its visitors' names (their browser keys, their IPs).
	api.post(['/invites/:code/join', '/invites/:code/status', '/web/rooms', '/locate'], (req, res, next) => {
		if (isInternal(res) || deps.originAllowed(req.headers.origin)) return next();
		sendError(res, ErrorCode.FORBIDDEN, 'requests from this site are not allowed');
	});
	// Each room is a row kept for good and a link that works: far fewer than look-ups.
	const webRoomLimiter = limiter(3_600_000, deps.webRoomsPerHour, 'new rooms from this address');

	api.use('/invites', publicLimiter);
	api.use('/invites/:code', forwardByCode(deps.roomForwarding));
	api.get('/invites/:code', async (req, res) => {
		res.json(await invitations.invite(parseCode(String(req.params.code))));
	});
	api.post('/invites/:code/status', async (req, res) => {
		const { guestKey } = parseBody(InviteStatusBody, req.body);
		res.json(await invitations.inviteStatus(parseCode(String(req.params.code)), guestKey));
	});
	api.post('/invites/:code/join', async (req, res) => {
		const code = parseCode(String(req.params.code));
		const body = parseBody(JoinBody, req.body);
		res.json(await invitations.join(code, body));
	});

	api.post('/locate', publicLimiter, async (req, res) => {
		res.json(await invitations.locate(parseBody(LocateBody, req.body).token));
	});

	api.use(ownerRoutes(deps));
	if (deps.webHosts) {
		api.post('/web/rooms', publicLimiter, webRoomLimiter, async (req, res) => {
			const { name, ...settings } = parseBody(WebRoomBody, req.body);
			res.status(201).json(await invitations.createWebRoom(name, settings));
		});
	}
	api.use((_req, res) => sendError(res, ErrorCode.NOT_FOUND, 'no such API endpoint'));

	app.use('/api/v1', api);
	if (deps.roomForwarding.cluster) {
		// The same API, for what other nodes forward: only with the cluster's signature.
		app.use(INTERNAL_PREFIX, json, verifyInternal(deps.roomForwarding.cluster.clusterSecret, logger), api);
	}
	const web = webAppRouter(deps.webDistDir);
	if (web) app.use(web);
	else logger.warn({ dir: deps.webDistDir }, 'web app not built; run npm run build');
	app.use(errorHandler(logger));
	return app;
}
