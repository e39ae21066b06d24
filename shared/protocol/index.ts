/** Public surface of the ingest protocol; PROTOCOL.md describes the wire. */
export { PROTOCOL_VERSION } from './version.ts';
export * from './messages.ts';
export * from './key-event.ts';
export * from './codes.ts';
export * from './limits.ts';
export { MESSAGE_FIELDS } from './wire-fields.ts';
export { encodeMessage, decodeMessage, type DecodeResult, type DecodeErrorCode } from './codec.ts';
export { validateMessage, type ValidationResult, type ValidationErrorCode } from './message-check.ts';
export { isKeyEvent } from './key-event-check.ts';
export { scanFrame, type ScanResult } from './frame-scan.ts';
export * from './pacing.ts';
