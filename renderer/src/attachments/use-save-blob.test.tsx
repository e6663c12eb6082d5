// @vitest-environment happy-dom
import { cleanup, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { appServices, recordingBridge, withApp } from '../test-support/app-harness.tsx';
import { freshDatabase } from '../test-support/builders.ts';
import { useSaveBlob } from './use-attachment.ts';

afterEach(cleanup);

function renderSaveBlob() {
  const bridge = recordingBridge();
  const { db } = freshDatabase();
  const services = appServices(db, { bridge });
  const { result } = renderHook(() => useSaveBlob(), {
    wrapper: ({ children }) => withApp(services, children),
  });
  return { save: result.current, bridge };
}

describe('saving an attachment goes through the platform bridge', () => {
  it('hands the bridge the file’s bytes, name and type', async () => {
    const { save, bridge } = renderSaveBlob();
    const blob = new Blob(['%PDF-1.7'], { type: 'application/pdf' });
    await expect(save(blob, 'Lease 2026.pdf')).resolves.toBe('saved');
    expect(bridge.saved).toEqual([
      {
        suggestedName: 'Lease 2026.pdf',
        bytes: new TextEncoder().encode('%PDF-1.7'),
        mimeType: 'application/pdf',
      },
    ]);
  });

  it('names no type for bytes of no known type', async () => {
    const { save, bridge } = renderSaveBlob();
    await save(new Blob(['x']), 'notes');
    expect(bridge.saved[0]).not.toHaveProperty('mimeType');
  });
});
