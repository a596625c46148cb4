/**
 * The reactions a person can send: a plain list, so the browser's control bar
 * lists them without loading zod (whose eval probe, `Function("")`, breaks the
 * room page's Content-Security-Policy). `schemas.ts` validates against it.
 */
export const REACTIONS = ['👍', '❤️', '😂', '👏', '🎉', '😮'] as const;
export type Reaction = (typeof REACTIONS)[number];
