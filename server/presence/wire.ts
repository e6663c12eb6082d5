// What crosses a presence socket: the y-websocket framing (a message type, then a
// y-protocols sync or awareness payload). Clients may only ask to sync, query awareness
// and publish awareness; any document content is a protocol violation.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { messageYjsSyncStep1, messageYjsSyncStep2, messageYjsUpdate } from 'y-protocols/sync';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_QUERY_AWARENESS = 3;

/** A Yjs v1 update with no structs and an empty delete set: what an empty doc sends. */
const EMPTY_UPDATE = Uint8Array.of(0, 0);

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** Parsed JSON; null announces that the client left. */
  state: unknown;
}

export type ClientMessage =
  | { kind: 'sync-step1' }
  | { kind: 'empty-update' }
  | { kind: 'document-update' }
  | { kind: 'awareness'; entries: AwarenessEntry[] }
  | { kind: 'query-awareness' };

export class MalformedMessage extends Error {}

function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === EMPTY_UPDATE.length && update.every((b, i) => b === EMPTY_UPDATE[i]);
}

function decodeSync(decoder: decoding.Decoder): ClientMessage {
  const step = decoding.readVarUint(decoder);
  const payload = decoding.readVarUint8Array(decoder);
  if (step === messageYjsSyncStep1) return { kind: 'sync-step1' };
  if (step === messageYjsSyncStep2 || step === messageYjsUpdate) {
    return isEmptyUpdate(payload) ? { kind: 'empty-update' } : { kind: 'document-update' };
  }
  throw new MalformedMessage(`unknown sync step ${step}`);
}

/** Same layout as y-protocols' encodeAwarenessUpdate, read without applying it. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    entries.push({ clientId, clock, state: JSON.parse(decoding.readVarString(decoder)) });
  }
  if (decoding.hasContent(decoder))
    throw new MalformedMessage('trailing bytes in awareness update');
  return entries;
}

export function encodeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, JSON.stringify(entry.state));
  }
  return encoding.toUint8Array(encoder);
}

/** Throws MalformedMessage (or a lib0 range error) for bytes that are not one message. */
export function decodeClientMessage(data: Uint8Array): ClientMessage {
  const decoder = decoding.createDecoder(data);
  const type = decoding.readVarUint(decoder);
  let message: ClientMessage;
  if (type === MESSAGE_SYNC) message = decodeSync(decoder);
  else if (type === MESSAGE_AWARENESS) {
    message = {
      kind: 'awareness',
      entries: decodeAwarenessUpdate(decoding.readVarUint8Array(decoder)),
    };
  } else if (type === MESSAGE_QUERY_AWARENESS) message = { kind: 'query-awareness' };
  else throw new MalformedMessage(`unknown message type ${type}`);
  if (decoding.hasContent(decoder)) throw new MalformedMessage('trailing bytes after message');
  return message;
}

/** The answer to a client's sync step 1: the server holds no document, so nothing. */
export function encodeEmptySyncStep2(): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, messageYjsSyncStep2);
  encoding.writeVarUint8Array(encoder, EMPTY_UPDATE);
  return encoding.toUint8Array(encoder);
}

export function encodeAwarenessMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}
