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

/** Frames per second of the blurred picture: each costs a segmentation, and on a machine without a GPU that is most of the cost. */
const FPS = 15;
/**
 * The background is blurred by drawing it at 1/BLUR_SCALE of its size and
 * back, smoothed: far cheaper than a canvas `blur()` filter, which browsers
 * without a GPU run on the CPU for every pixel.
 */
const BLUR_SCALE = 12;
export const FRAME_MEASURE = 'rooms.blur.frame';

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

export class BackgroundBlur {
	/** The blurred picture, to show and send. */
	readonly track: MediaStreamTrack;
	readonly #video = document.createElement('video');
	readonly #canvas = document.createElement('canvas');
	readonly #context: CanvasRenderingContext2D;
	readonly #small = document.createElement('canvas');
	readonly #smallContext: CanvasRenderingContext2D;
	readonly #segmentation: SelfieSegmentation;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#closed = false;

	/** Resolves once the model is loaded and the first frame can be made. */
	static async start(input: MediaStreamTrack): Promise<BackgroundBlur> {
		const Segmentation = await loadSolution();
		const segmentation = new Segmentation({ locateFile: (file) => FILES[file] ?? file });
		segmentation.setOptions({ modelSelection: 1 });
		await segmentation.initialize();
		return new BackgroundBlur(segmentation, input);
	}

	private constructor(segmentation: SelfieSegmentation, input: MediaStreamTrack) {
		this.#segmentation = segmentation;
		this.#context = this.#canvas.getContext('2d')!;
		this.#smallContext = this.#small.getContext('2d')!;
		this.#video.muted = true;
		this.#video.playsInline = true;
		segmentation.onResults((results) => this.#draw(results));
		this.setInput(input);
		this.track = this.#canvas.captureStream(FPS).getVideoTracks()[0]!;
		this.#loop();
	}

	/** Blurs another camera's picture (a switched or reopened device). */
	setInput(input: MediaStreamTrack): void {
		this.#video.srcObject = new MediaStream([input]);
		void this.#video.play().catch(() => undefined);
	}

	#loop(): void {
		if (this.#closed) return;
		const started = performance.now();
		const video = this.#video;
		const frame = video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0
			? this.#segmentation.send({ image: video }) : Promise.resolve();
		void frame.catch(() => undefined).finally(() => {
			// Each frame's cost, readable with performance.getEntriesByName (the blur benchmark does).
			performance.measure(FRAME_MEASURE, { start: started });
			this.#timer = setTimeout(() => this.#loop(), Math.max(0, 1000 / FPS - (performance.now() - started)));
		});
	}

	/** The person, sharp, over a blurred copy of the whole picture. */
	#draw({ image, segmentationMask }: Results): void {
		if (this.#closed) return;
		const canvas = this.#canvas;
		const context = this.#context;
		const width = this.#video.videoWidth;
		const height = this.#video.videoHeight;
		if (canvas.width !== width || canvas.height !== height) {
			canvas.width = width;
			canvas.height = height;
			this.#small.width = Math.max(1, Math.round(width / BLUR_SCALE));
			this.#small.height = Math.max(1, Math.round(height / BLUR_SCALE));
		}
		this.#smallContext.drawImage(image, 0, 0, this.#small.width, this.#small.height);
		context.save();
		context.clearRect(0, 0, width, height);
		context.drawImage(segmentationMask, 0, 0, width, height);
		context.globalCompositeOperation = 'source-in';
		context.drawImage(image, 0, 0, width, height);
		context.globalCompositeOperation = 'destination-over';
		context.imageSmoothingQuality = 'high';
		context.drawImage(this.#small, 0, 0, width, height);
		context.restore();
	}

	/** Stops the loop and the blurred track; the camera itself belongs to the caller. Idempotent. */
	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		clearTimeout(this.#timer);
		this.track.stop();
		this.#video.srcObject = null;
		void this.#segmentation.close();
	}
}
