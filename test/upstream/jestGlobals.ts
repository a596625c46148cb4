/** The one jest global upstream's suite uses beyond vitest's own: `jest.fn`. */
import { vi } from 'vitest';

Object.assign(globalThis, { jest: { fn: vi.fn } });
