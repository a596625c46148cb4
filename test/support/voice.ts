/**
 * A voice-like sound for Chromium's fake microphone (its own fake input is
 * a short beep once a second, nearly silence to an audio level meter): a
 * 140 Hz voice with harmonics, its loudness rising and falling like
 * syllables. Written as a 48 kHz 16-bit mono WAV, which Chromium loops.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SAMPLE_RATE = 48_000;
const SECONDS = 6;

export function writeVoiceWav(file = path.join(os.tmpdir(), 'rooms-test-voice.wav')): string {
	const samples = SAMPLE_RATE * SECONDS;
	const wav = Buffer.alloc(44 + samples * 2);
	wav.write('RIFF', 0);
	wav.writeUInt32LE(36 + samples * 2, 4);
	wav.write('WAVEfmt ', 8);
	wav.writeUInt32LE(16, 16);
	wav.writeUInt16LE(1, 20); // PCM
	wav.writeUInt16LE(1, 22); // mono
	wav.writeUInt32LE(SAMPLE_RATE, 24);
	wav.writeUInt32LE(SAMPLE_RATE * 2, 28);
	wav.writeUInt16LE(2, 32);
	wav.writeUInt16LE(16, 34);
	wav.write('data', 36);
	wav.writeUInt32LE(samples * 2, 40);
	for (let i = 0; i < samples; i++) {
		const t = i / SAMPLE_RATE;
		let voice = 0;
		for (let harmonic = 1; harmonic <= 20; harmonic++) voice += Math.sin(2 * Math.PI * 140 * harmonic * t) / harmonic;
		const syllables = 0.35 + 0.65 * Math.abs(Math.sin(2 * Math.PI * 2.5 * t));
		wav.writeInt16LE(Math.round(voice * syllables * 0.3 * 32767 / 1.8), 44 + i * 2);
	}
	writeFileSync(file, wav);
	return file;
}
