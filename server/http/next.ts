/**
 * Koa's `next` as this sidecar's middleware use it: koa types it `() => Promise<any>`, which
 * would make every `return next()` hand an untyped value back to Koa. Nothing downstream
 * returns a value (answers go through ctx), so a middleware here awaits `Promise<void>`.
 */
export type Next = () => Promise<void>;
