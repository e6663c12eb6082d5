import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../sync/api.ts';
import { aConversation, aMessage, OTHER } from '../test-support/builders.ts';
import { newestPerConversation } from './newest-per-conversation.ts';

const inConversation = (key: string, content: string): IncomingMessage => ({
  conversation: aConversation({ key }),
  message: aMessage({ senderId: OTHER, content }),
});

/** Runs scheduled work only when the test says the tick is over. */
function manualTick() {
  const queue: (() => void)[] = [];
  return {
    schedule: (run: () => void) => queue.push(run),
    end: () => {
      for (const run of queue.splice(0)) run();
    },
  };
}

describe('newestPerConversation', () => {
  it('delivers one message per conversation of a burst: the newest', () => {
    const tick = manualTick();
    const delivered: string[] = [];
    const coalescer = newestPerConversation(
      (i) => delivered.push(i.message.content),
      tick.schedule,
    );
    for (let n = 1; n <= 200; n++) coalescer.add(inConversation('s1', `from Ann ${n}`));
    coalescer.add(inConversation('s2', 'from Bo'));
    expect(delivered).toEqual([]);
    tick.end();
    expect(delivered).toEqual(['from Ann 200', 'from Bo']);
  });

  it('delivers each message of its own tick', () => {
    const tick = manualTick();
    const delivered: string[] = [];
    const coalescer = newestPerConversation(
      (i) => delivered.push(i.message.content),
      tick.schedule,
    );
    coalescer.add(inConversation('s1', 'first'));
    tick.end();
    coalescer.add(inConversation('s1', 'second'));
    tick.end();
    expect(delivered).toEqual(['first', 'second']);
  });

  it('orders conversations by their latest message in the burst', () => {
    const tick = manualTick();
    const delivered: string[] = [];
    const coalescer = newestPerConversation(
      (i) => delivered.push(i.message.content),
      tick.schedule,
    );
    coalescer.add(inConversation('s1', 'Ann early'));
    coalescer.add(inConversation('s2', 'Bo'));
    coalescer.add(inConversation('s1', 'Ann late'));
    tick.end();
    expect(delivered).toEqual(['Bo', 'Ann late']);
  });

  it('delivers nothing after it is cancelled, also what was waiting', () => {
    const tick = manualTick();
    const delivered: string[] = [];
    const coalescer = newestPerConversation(
      (i) => delivered.push(i.message.content),
      tick.schedule,
    );
    coalescer.add(inConversation('s1', 'waiting'));
    coalescer.cancel();
    coalescer.add(inConversation('s1', 'late'));
    tick.end();
    expect(delivered).toEqual([]);
  });
});
