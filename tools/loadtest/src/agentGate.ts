/**
 * What a coordinator may ask of a browser the agent serves. Playwright's
 * browser-server protocol can do far more than a load run needs: read and
 * write files on the agent's machine (artifacts saved to a path, HAR files,
 * videos, the local-utils zip), open raw DevTools sessions, and navigate to
 * `file://`. The agent runs as whoever started it, often root, so each of
 * those is the machine.
 *
 * The gate sits between the coordinator's WebSocket and the browser's. It
 * learns each object's type from the browser's `__create__` messages, and
 * passes a call only when the type's method is one a load run makes, with
 * its parameters checked where they name a place: navigations only to
 * http(s) or about:blank, no recordings to a folder, DevTools only for the
 * browser's process list and a page's emulated network. Anything else is answered with an error naming
 * what was refused, and never reaches the browser.
 */

/** Methods a load run calls, per object type (the coordinator's Playwright, the same version as the agent's). */
const ALLOWED: Record<string, ReadonlySet<string>> = {
	Root: new Set(['initialize']),
	Browser: new Set(['newContext', 'newBrowserCDPSession', 'close']),
	BrowserContext: new Set(['newPage', 'addInitScript', 'close', 'updateSubscription', 'setDefaultNavigationTimeoutNoReply',
		'setDefaultTimeoutNoReply', 'newCDPSession']),
	Page: new Set(['close', 'updateSubscription', 'setDefaultNavigationTimeoutNoReply', 'setDefaultTimeoutNoReply']),
	Frame: new Set(['goto', 'fill', 'click', 'waitForSelector', 'evaluateExpression']),
	Response: new Set(['body', 'rawResponseHeaders', 'securityDetails', 'serverAddr', 'sizes']),
	Request: new Set(['response', 'rawRequestHeaders']),
	CDPSession: new Set(['send', 'detach']),
	APIRequestContext: new Set(['dispose']),
	JSHandle: new Set(['dispose']),
	ElementHandle: new Set(['dispose']),
};

/** DevTools methods a load run sends: each browser's CPU from its own process list, and a page's emulated network (`--network`). */
const ALLOWED_CDP = new Set(['SystemInfo.getProcessInfo', 'Network.enable', 'Network.emulateNetworkConditions']);

/** Context options that write files on the agent's machine. */
const WRITING_CONTEXT_OPTIONS = ['recordVideo', 'recordHar'];

interface Call {
	/** Answers name it (a string in Playwright 1.65). */
	id: number | string;
	guid: string;
	method: string;
	params?: Record<string, unknown>;
}

/** Why a call is refused, or undefined when it may pass. */
function refusal(type: string | undefined, { method, params = {} }: Call): string | undefined {
	if (!type || !ALLOWED[type]?.has(method)) return `${type ?? 'an unknown object'}.${method} is not served`;
	if (type === 'Frame' && method === 'goto') {
		const url = String(params.url);
		if (!/^https?:\/\//i.test(url) && url !== 'about:blank') return `navigation to ${url.split(':')[0]}: is not served; only http(s)`;
	}
	if (method === 'newContext') {
		const writing = WRITING_CONTEXT_OPTIONS.find((option) => params[option] !== undefined);
		if (writing) return `newContext with ${writing} is not served: it writes on the agent's machine`;
	}
	if (type === 'CDPSession' && method === 'send' && !ALLOWED_CDP.has(String(params.method))) {
		return `DevTools ${String(params.method)} is not served`;
	}
	return undefined;
}

/** One coordinator's connection: what the browser created, and what the coordinator may call. */
export class AgentGate {
	/** Each protocol object's type, by guid, as the browser side announced it. */
	readonly #types = new Map<string, string>([['', 'Root']]);

	/** Notes what a message from the browser creates or disposes; every such message is passed on as it is. */
	fromBrowser(text: string): void {
		// Most of what the browser sends is answers and events: only these two are read.
		if (!text.includes('"__create__"') && !text.includes('"__dispose__"')) return;
		let message: { guid?: string; method?: string; params?: { type?: string; guid?: string } };
		try {
			message = JSON.parse(text);
		} catch {
			return;
		}
		if (message.method === '__create__' && message.params?.guid && message.params.type) this.#types.set(message.params.guid, message.params.type);
		else if (message.method === '__dispose__' && message.guid) this.#types.delete(message.guid);
	}

	/**
	 * Judges a message from the coordinator: `pass` to send on to the browser,
	 * or `answer` to send back in its place (a protocol error), with why.
	 */
	fromCoordinator(text: string): { pass: true } | { pass: false; answer: string; why: string } {
		let call: Call;
		try {
			call = JSON.parse(text);
		} catch {
			return { pass: false, answer: '', why: 'a message that is not JSON' };
		}
		if (typeof call !== 'object' || call === null || !['number', 'string'].includes(typeof call.id) || typeof call.guid !== 'string' || typeof call.method !== 'string') {
			return { pass: false, answer: '', why: 'a message that is not a call' };
		}
		const why = refusal(this.#types.get(call.guid), call);
		if (!why) return { pass: true };
		const answer = JSON.stringify({ id: call.id, error: { error: { name: 'Error', message: `rooms-loadtest agent: ${why}` } } });
		return { pass: false, answer, why };
	}
}
