import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../sync/api.ts';
import { aConversation, aMessage, OTHER } from '../test-support/builders.ts';
import { newestPerConversation } from './newest-per-conversation.ts';

const inConversation = (key: string, content: string): IncomingMessage => ({
  conversation: aConversation({ key }),
  message: aMessage({ senderId: OTHER, content }),
});

/** A coalescer whose scheduled work runs only when the test ends the tick. */
function setup() {
  const queue: (() => void)[] = [];
  const delivered: string[] = [];
  const coalescer = newestPerConversation(
    (incoming) => delivered.push(incoming.message.content),
    (run) => queue.push(run),
  );
  const endTick = () => {
    for (const run of queue.splice(0)) run();
  };
  return { coalescer, delivered, endTick };
}

describe('newestPerConversation', () => {
  it('delivers one message per conversation of a burst: the newest', () => {
    const { coalescer, delivered, endTick } = setup();
    for (let n = 1; n <= 200; n++) coalescer.add(inConversation('s1', `from Ann ${n}`));
    coalescer.add(inConversation('s2', 'from Bo'));
    expect(delivered).toEqual([]);
    endTick();
    expect(delivered).toEqual(['from Ann 200', 'from Bo']);
  });

  it('delivers each message of its own tick', () => {
    const { coalescer, delivered, endTick } = setup();
    coalescer.add(inConversation('s1', 'first'));
    endTick();
    coalescer.add(inConversation('s1', 'second'));
    endTick();
    expect(delivered).toEqual(['first', 'second']);
  });

  it('orders conversations by their latest message in the burst', () => {
    const { coalescer, delivered, endTick } = setup();
    coalescer.add(inConversation('s1', 'Ann early'));
    coalescer.add(inConversation('s2', 'Bo'));
    coalescer.add(inConversation('s1', 'Ann late'));
    endTick();
    expect(delivered).toEqual(['Bo', 'Ann late']);
  });

  it('delivers nothing after it is cancelled, also what was waiting', () => {
    const { coalescer, delivered, endTick } = setup();
    coalescer.add(inConversation('s1', 'waiting'));
    coalescer.cancel();
    coalescer.add(inConversation('s1', 'late'));
    endTick();
    expect(delivered).toEqual([]);
  });
});
