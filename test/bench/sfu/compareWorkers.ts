/**
 * Two worker binaries in one run, alternating (A B B A ...), so that a busy
 * shared machine's drift falls on both alike: bare mediasoup's SRTP packets a
 * second per core, and the grid room's worker CPU, each the median of its
 * rounds. `--compare-worker <old binary>` runs it against the installed one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median } from '../../../tools/loadtest/src/measure.js';
import { OurRoom, type RoomShape, runFloor, type Window } from './steady.js';

export interface WorkerFigures {
	worker: string;
	/** Packets through the worker a second, per core of its CPU: the floor's, then the grid room's. */
	floorPacketsPerCore: number[];
	gridPacketsPerCore: number[];
	/** The grid room's worker CPU, % of one core. */
	gridWorkerCpu: number[];
	gridPacketsPerSecond: number[];
}

const perCore = (window: Window) => Math.round(window.packetsPerSecond / (window.workerCpu / 100));

/** Runs `use` with a copy of the binary named as the bench finds workers (`mediasoup-worker`, by process name); removes the copy after. */
export async function asWorkerBinary<T>(bin: string, use: (copy: string) => Promise<T>): Promise<T> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rooms-compare-worker-'));
	try {
		const copy = path.join(dir, 'mediasoup-worker');
		fs.copyFileSync(bin, copy);
		fs.chmodSync(copy, 0o755);
		return await use(copy);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

export async function compareWorkers(shape: RoomShape, seconds: number, rounds: number, workers: { label: string; bin?: string }[]): Promise<WorkerFigures[]> {
	const figures = workers.map(({ label }): WorkerFigures => ({ worker: label, floorPacketsPerCore: [], gridPacketsPerCore: [], gridWorkerCpu: [], gridPacketsPerSecond: [] }));
	for (let round = 0; round < rounds; round++) {
		// A B, then B A: each binary goes first as often as the other.
		const order = round % 2 === 0 ? workers.map((_, i) => i) : workers.map((_, i) => workers.length - 1 - i);
		for (const i of order) {
			const { label, bin } = workers[i]!;
			const floor = await runFloor(shape, seconds, bin);
			figures[i]!.floorPacketsPerCore.push(perCore(floor.window));
			const room = await OurRoom.start(shape, { workers: 1, consumerBudget: 100_000, label: `grid room (${label}, round ${round + 1})`, ...(bin ? { workerBin: bin } : {}) });
			try {
				const grid = await room.measure(seconds, `grid room (${label}, round ${round + 1})`);
				figures[i]!.gridPacketsPerCore.push(perCore(grid));
				figures[i]!.gridWorkerCpu.push(grid.workerCpu);
				figures[i]!.gridPacketsPerSecond.push(grid.packetsPerSecond);
			} finally {
				await room.close();
			}
		}
	}
	return figures;
}

/** One row per binary: medians, with every round's value beside them. */
export function compareTable(figures: WorkerFigures[]): (string | number)[][] {
	const cell = (values: number[]) => `${Math.round(median(values))} (${values.join(', ')})`;
	return [
		['worker', 'floor SRTP pkt/s per core', 'grid room pkt/s per core', 'grid room worker %', 'grid room pkt/s'],
		...figures.map((row) => [row.worker, cell(row.floorPacketsPerCore), cell(row.gridPacketsPerCore), cell(row.gridWorkerCpu), cell(row.gridPacketsPerSecond)]),
	];
}
