/**
 * Fresh keying for a plain SRTP transport (AES_CM_128_HMAC_SHA1_80: a 16-byte
 * master key and a 14-byte salt, base64 as mediasoup takes it). WebCrypto's
 * random source, so the server's ingest API and the bots share this one maker.
 */
import { SRTP_CRYPTO_SUITE, type SrtpParameters } from './schemas.js';

export function newSrtpParameters(): SrtpParameters {
	const keying = crypto.getRandomValues(new Uint8Array(30));
	return { cryptoSuite: SRTP_CRYPTO_SUITE, keyBase64: btoa(String.fromCharCode(...keying)) };
}
