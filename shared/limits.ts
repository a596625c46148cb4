/** Limits shared by the server's validation and the browser's forms. */
export const LIMITS = {
	/** Reactions a person may send at once, and per second after that. */
	reactionBurst: 5,
	reactionsPerSecond: 2,
	/** Raising and lowering hands, the same way. */
	handBurst: 6,
	handsPerSecond: 1,
	/** Spotlight changes by one host, the same way. */
	spotlightBurst: 6,
	spotlightsPerSecond: 1,
	/** Reports of one's own media connection (media.health), the same way: a browser changes its mind at most every few seconds. */
	mediaHealthBurst: 6,
	mediaHealthPerSecond: 1,
	/** What a person's screen shows (view.update): at most this many tiles, and these rates. */
	maxViewTiles: 60,
	viewBurst: 10,
	viewsPerSecond: 5,
	/** Display names: trimmed, 1..64 characters. */
	nameMaxLength: 64,
	/** Room titles: trimmed, 1..120 characters. */
	titleMaxLength: 120,
	/** A room holds at least 2 and at most 50 people. */
	minParticipants: 2,
	maxParticipants: 50,
	/** Chat messages: 1..2000 characters. */
	chatMaxLength: 2000,
	/**
	 * End-to-end encrypted rooms: a box relayed from one person to another (e2ee.send) holds at most 1 kB; a chat
	 * box up to 2000 characters of UTF-8 (4 bytes each at most), its generation, IV and tag.
	 */
	maxBoxBytes: 1024,
	maxChatBoxBytes: 4 + 12 + 2000 * 4 + 16,
	/** Invite codes are 12 characters of a 31-symbol alphabet: over 59 bits. */
	inviteCodeLength: 12,
	/** At most this many people wait in one room's lobby. */
	maxLobby: 100,
	/**
	 * Requests per connection, by class: a burst, then a steady rate. A join
	 * into a room of 50 creates and resumes a consumer for each microphone and
	 * each shown camera, so media allows bursts of a few hundred.
	 */
	requestLimits: {
		session: { burst: 20, perSecond: 2 },
		media: { burst: 400, perSecond: 50 },
		chat: { burst: 10, perSecond: 2 },
		moderation: { burst: 30, perSecond: 5 },
		presence: { burst: 20, perSecond: 5 },
		/** Key messages: a join into a room of 50 sends one to each of 49 people, and each of them one back. */
		e2ee: { burst: 100, perSecond: 20 },
	},
	/** Key frame requests from one person (a key that came late), the same way as reactions. */
	keyFrameRequestBurst: 10,
	keyFrameRequestsPerSecond: 2,
	/** What one participant may hold: send and receive transports and one spare for recovery; a consumer per other person's microphone, camera and screen. */
	maxTransports: 3,
	/**
	 * Socket.IO connections one participant may open (their token's participant
	 * id, across token refreshes): reconnects after blips and recoveries come
	 * a few a minute; a token replayed in a loop does not get through.
	 */
	connectionsPerParticipant: { burst: 10, perSecond: 1 / 6 },
	maxConsumers: 150,
	/** Socket.IO request timeout used by clients, in milliseconds. */
	requestTimeoutMs: 10_000,
} as const;

/** No look-alike characters (0/o, 1/l/i), lower case, URL-safe. */
export const INVITE_CODE_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
