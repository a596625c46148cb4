/**
 * Blurs what is behind the person in a camera's picture, in the browser.
 * The segmentation model (MediaPipe's selfie segmentation) and its
 * WebAssembly runtime come from the npm package and are served by us like
 * any other asset: nothing is downloaded from elsewhere at run time. The
 * script loads only when someone first turns blur on.
 */
import solutionUrl from '@mediapipe/selfie_segmentation/selfie_segmentation.js?url';
import graphUrl from '@mediapipe/selfie_segmentation/selfie_segmentation.binarypb?url';
import modelUrl from '@mediapipe/selfie_segmentation/selfie_segmentation.tflite?url';
import landscapeModelUrl from '@mediapipe/selfie_segmentation/selfie_segmentation_landscape.tflite?url';
import simdDataUrl from '@mediapipe/selfie_segmentation/selfie_segmentation_solution_simd_wasm_bin.data?url';
import simdLoaderUrl from '@mediapipe/selfie_segmentation/selfie_segmentation_solution_simd_wasm_bin.js?url';
import simdWasmUrl from '@mediapipe/selfie_segmentation/selfie_segmentation_solution_simd_wasm_bin.wasm?url';
import loaderUrl from '@mediapipe/selfie_segmentation/selfie_segmentation_solution_wasm_bin.js?url';
import wasmUrl from '@mediapipe/selfie_segmentation/selfie_segmentation_solution_wasm_bin.wasm?url';
import type { Results, SelfieSegmentation } from '@mediapipe/selfie_segmentation';

/** Where each file the solution asks for is served. */
const FILES: Record<string, string> = {
	'selfie_segmentation.binarypb': graphUrl,
	'selfie_segmentation.tflite': modelUrl,
	'selfie_segmentation_landscape.tflite': landscapeModelUrl,
	'selfie_segmentation_solution_simd_wasm_bin.data': simdDataUrl,
	'selfie_segmentation_solution_simd_wasm_bin.js': simdLoaderUrl,
	'selfie_segmentation_solution_simd_wasm_bin.wasm': simdWasmUrl,
	'selfie_segmentation_solution_wasm_bin.js': loaderUrl,
	'selfie_segmentation_solution_wasm_bin.wasm': wasmUrl,
};

/**
 * Frames per second of the blurred picture. It is drawn at this steady rate
 * with the latest mask, and the model runs beside it as often as the CPU
 * allows, up to the same rate: on a machine without a GPU a segmentation
 * takes longer than a frame, and the picture others see must not slow with it.
 */
const FPS = 15;
/**
 * The background is blurred by drawing it at 1/BLUR_SCALE of its size and
 * back, smoothed: far cheaper than a canvas `blur()` filter, which browsers
 * without a GPU run on the CPU for every pixel.
 */
const BLUR_SCALE = 12;
/**
 * Width of the picture the model is given. It works on 256×144 whatever it
 * is sent, and scaling a 720p frame down on its WebGL path costs more than
 * scaling it on a canvas first.
 */
const MODEL_INPUT_WIDTH = 256;
export const FRAME_MEASURE = 'rooms.blur.frame';
/** How long the model may take to start: on a machine without WebGL acceleration it may never do. */
const START_TIMEOUT_MS = 20_000;

/** Blur cannot run in this browser (no WebGL, or a model that never starts): the person is told, and it is not retried. */
export class BlurUnavailable extends Error {}

/** Whether this browser can draw with WebGL, which the segmentation model runs on. */
function hasWebGl(): boolean {
	const canvas = document.createElement('canvas');
	// WebGL 1, which every WebGL 2 browser has too. Probing for WebGL 2 here made the model itself run at a
	// fraction of its speed in Chromium's software WebGL (the blur test's receiver: under 1 fps, in 2 of 4 runs).
	const context = canvas.getContext('webgl');
	// Given back at once: a software WebGL context held until garbage collection costs the model's own.
	context?.getExtension('WEBGL_lose_context')?.loseContext();
	return Boolean(context);
}

type SegmentationClass = typeof SelfieSegmentation;
let loading: Promise<SegmentationClass> | undefined;

/** The solution is a classic script that defines a global; it loads once, on first use. */
function loadSolution(): Promise<SegmentationClass> {
	loading ??= new Promise<SegmentationClass>((resolve, reject) => {
		const script = document.createElement('script');
		script.src = solutionUrl;
		script.onload = () => {
			const loaded = (globalThis as { SelfieSegmentation?: SegmentationClass }).SelfieSegmentation;
			if (loaded) resolve(loaded);
			else reject(new Error('the segmentation script defined nothing'));
		};
		script.onerror = () => reject(new Error('the segmentation script did not load'));
		document.head.append(script);
	}).catch((error: unknown) => {
		loading = undefined;
		throw error;
	});
	return loading;
}

/** A canvas with its 2D context. */
function canvas2d(): [HTMLCanvasElement, CanvasRenderingContext2D] {
	const canvas = document.createElement('canvas');
	return [canvas, canvas.getContext('2d')!];
}

export class BackgroundBlur {
	/** The blurred picture, to show and send. */
	readonly track: MediaStreamTrack;
	readonly #video = document.createElement('video');
	readonly #output = canvas2d();
	/** The picture at 1/BLUR_SCALE, drawn back up as the blurred background. */
	readonly #small = canvas2d();
	/** The picture at the model's size, sent to it. */
	readonly #modelInput = canvas2d();
	/** The latest mask (opaque where the person is), kept until the next one: the model's own is valid only in its callback. */
	readonly #mask = canvas2d();
	#hasMask = false;
	readonly #segmentation: SelfieSegmentation;
	#segmentTimer: ReturnType<typeof setTimeout> | undefined;
	readonly #drawTimer: ReturnType<typeof setInterval>;
	#closed = false;

	/** Resolves once the model is loaded and the first frame can be made; rejects with `BlurUnavailable` where it cannot run. */
	static async start(input: MediaStreamTrack): Promise<BackgroundBlur> {
		if (!hasWebGl()) throw new BlurUnavailable('this browser has no WebGL');
		const Segmentation = await loadSolution();
		const segmentation = new Segmentation({ locateFile: (file) => FILES[file] ?? file });
		segmentation.setOptions({ modelSelection: 1 });
		let timer: ReturnType<typeof setTimeout> | undefined;
		const timedOut = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new BlurUnavailable(`the segmentation model did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
		});
		try {
			await Promise.race([segmentation.initialize(), timedOut]);
		} catch (error) {
			void segmentation.close();
			throw error;
		} finally {
			clearTimeout(timer);
		}
		return new BackgroundBlur(segmentation, input);
	}

	private constructor(segmentation: SelfieSegmentation, input: MediaStreamTrack) {
		this.#segmentation = segmentation;
		this.#video.muted = true;
		this.#video.playsInline = true;
		segmentation.onResults((results) => this.#keepMask(results));
		this.setInput(input);
		this.track = this.#output[0].captureStream(FPS).getVideoTracks()[0]!;
		this.#segmentLoop();
		this.#drawTimer = setInterval(() => this.#draw(), 1000 / FPS);
	}

	/** Blurs another camera's picture (a switched or reopened device). */
	setInput(input: MediaStreamTrack): void {
		this.#video.srcObject = new MediaStream([input]);
		void this.#video.play().catch(() => undefined);
	}

	get #hasPicture(): boolean {
		return this.#video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && this.#video.videoWidth > 0;
	}

	#segmentLoop(): void {
		if (this.#closed) return;
		const started = performance.now();
		const frame = this.#hasPicture ? this.#segmentation.send({ image: this.#scaledForModel() }) : Promise.resolve();
		void frame.catch(() => undefined).finally(() => {
			// Each segmentation's cost, readable with performance.getEntriesByName (the blur benchmark does).
			performance.measure(FRAME_MEASURE, { start: started });
			// At most FPS, and idle at least as long as the segmentation took, so drawing always has half the time.
			const took = performance.now() - started;
			this.#segmentTimer = setTimeout(() => this.#segmentLoop(), Math.max(took, 1000 / FPS - took));
		});
	}

	#scaledForModel(): HTMLCanvasElement {
		const [input, context] = this.#modelInput;
		const video = this.#video;
		resize(input, MODEL_INPUT_WIDTH, Math.round(MODEL_INPUT_WIDTH * video.videoHeight / video.videoWidth));
		context.drawImage(video, 0, 0, input.width, input.height);
		return input;
	}

	#keepMask({ segmentationMask }: Results): void {
		if (this.#closed) return;
		const [mask, context] = this.#mask;
		resize(mask, segmentationMask.width, segmentationMask.height);
		context.clearRect(0, 0, mask.width, mask.height);
		context.drawImage(segmentationMask, 0, 0);
		this.#hasMask = true;
	}

	/** The camera's current frame: the person sharp, over a blurred copy of the whole picture. */
	#draw(): void {
		if (this.#closed || !this.#hasMask || !this.#hasPicture) return;
		const [canvas, context] = this.#output;
		const [small, smallContext] = this.#small;
		const video = this.#video;
		const { videoWidth: width, videoHeight: height } = video;
		resize(canvas, width, height);
		resize(small, Math.round(width / BLUR_SCALE), Math.round(height / BLUR_SCALE));
		smallContext.drawImage(video, 0, 0, small.width, small.height);
		context.save();
		context.clearRect(0, 0, width, height);
		context.drawImage(this.#mask[0], 0, 0, width, height);
		context.globalCompositeOperation = 'source-in';
		context.drawImage(video, 0, 0, width, height);
		context.globalCompositeOperation = 'destination-over';
		context.imageSmoothingQuality = 'high';
		context.drawImage(small, 0, 0, width, height);
		context.restore();
	}

	/** Stops the loops and the blurred track; the camera itself belongs to the caller. Idempotent. */
	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		clearTimeout(this.#segmentTimer);
		clearInterval(this.#drawTimer);
		this.track.stop();
		this.#video.srcObject = null;
		void this.#segmentation.close();
	}
}

/** Sets a canvas's size only when it changes: setting it clears the canvas, even to the same size. */
function resize(canvas: HTMLCanvasElement, width: number, height: number): void {
	width = Math.max(1, width);
	height = Math.max(1, height);
	if (canvas.width !== width) canvas.width = width;
	if (canvas.height !== height) canvas.height = height;
}
