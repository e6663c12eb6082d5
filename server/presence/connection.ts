// One admitted presence socket: reads y-websocket messages, answers sync with an empty
// document, hands awareness to the room, and closes the socket on any abuse.

import { type RawData, WebSocket } from 'ws';
import type { Logger } from '../logger.ts';
import type { AdmittedSocket } from './handshake.ts';
import { createMessageBudget } from './message-budget.ts';
import type { Room, RoomMember } from './room.ts';
import { type ClientMessage, decodeClientMessage, encodeEmptySyncStep2 } from './wire.ts';

/** Document content, a malformed frame or a text frame: the client is broken or hostile,
 * and 4400–4499 tells y-websocket not to reconnect. */
export const CLOSE_PROTOCOL_VIOLATION = 4400;
/** The session was revoked or expired while the socket was open. */
export const CLOSE_SESSION_ENDED = 4401;
/** The user left the group or was removed from it. */
export const CLOSE_NO_LONGER_A_MEMBER = 4403;
/** Too many messages: a policy violation the client may retry after its backoff. */
export const CLOSE_RATE_LIMITED = 1008;

export interface PresenceLimits {
  maxMessageBytes: number;
  messagesPerSecond: number;
  messageBurst: number;
  /** A peer that does not read its socket is cut off rather than buffered for. */
  maxBufferedBytes: number;
}

export interface PresenceConnection {
  sessionId: number;
  /** Pings sent since the last pong; see MAX_UNANSWERED_PINGS. */
  unansweredPings: number;
  ws: WebSocket;
  close: (code: number, reason: string) => void;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

export function openConnection(
  ws: WebSocket,
  room: Room,
  admitted: AdmittedSocket,
  limits: PresenceLimits,
  log: Logger,
): PresenceConnection {
  const budget = createMessageBudget({
    perSecond: limits.messagesPerSecond,
    burst: limits.messageBurst,
  });
  const close = (code: number, reason: string) => {
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)
      ws.close(code, reason);
  };
  const member: RoomMember = {
    sessionId: admitted.sessionId,
    identity: admitted.identity,
    send(message) {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > limits.maxBufferedBytes) ws.terminate();
      else ws.send(message);
    },
    close,
  };
  const connection: PresenceConnection = {
    sessionId: admitted.sessionId,
    unansweredPings: 0,
    ws,
    close,
  };
  const context = { conversationId: admitted.conversationId, userId: admitted.identity.userId };

  const handle = (message: ClientMessage) => {
    switch (message.kind) {
      case 'sync-step1':
        member.send(encodeEmptySyncStep2());
        return;
      case 'empty-update':
        return;
      case 'document-update':
        log.warn(context, 'presence: a client sent document content; disconnected');
        close(CLOSE_PROTOCOL_VIOLATION, 'document updates are not accepted');
        return;
      case 'awareness':
        room.publish(member, message.entries);
        return;
      case 'query-awareness': {
        const snapshot = room.snapshot();
        if (snapshot) member.send(snapshot);
        return;
      }
    }
  };

  ws.on('message', (data, isBinary) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (!budget.take()) {
      log.warn(context, 'presence: message rate exceeded; disconnected');
      close(CLOSE_RATE_LIMITED, 'too many messages');
      return;
    }
    if (!isBinary) {
      close(CLOSE_PROTOCOL_VIOLATION, 'binary y-websocket messages only');
      return;
    }
    let message: ClientMessage;
    try {
      message = decodeClientMessage(toBytes(data));
    } catch {
      close(CLOSE_PROTOCOL_VIOLATION, 'malformed message');
      return;
    }
    handle(message);
  });
  ws.on('pong', () => {
    connection.unansweredPings = 0;
  });
  // ws closes the socket itself (1009) on an oversized frame and reports it here.
  ws.on('error', (err) => log.debug({ ...context, err }, 'presence socket error'));
  ws.on('close', () => room.leave(member));

  room.join(member);
  const snapshot = room.snapshot();
  if (snapshot) member.send(snapshot);
  return connection;
}
