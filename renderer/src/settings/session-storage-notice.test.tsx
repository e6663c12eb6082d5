// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TokenStorage } from '../../../shared/platform/bridge.ts';
import { appServices, recordingBridge, withApp } from '../test-support/app-harness.tsx';
import { freshDatabase } from '../test-support/builders.ts';
import { MemoryOnlySessionBanner } from './MemoryOnlySessionBanner.tsx';
import { SessionStorageSettings } from './SessionStorageSettings.tsx';
import { createSettingsStore } from './settings-store.ts';

afterEach(cleanup);

const NOTICE =
  'This device cannot store your session securely; you will sign in again after restarting.';

/** The app on a platform that keeps the token as given, and a way to wait until every
 * question about it has been answered and rendered. */
function servicesKeptIn(tokenStorage: TokenStorage) {
  const recording = recordingBridge({ tokenStorage });
  const answers: Promise<unknown>[] = [];
  const bridge = {
    ...recording,
    tokenStorage: () => {
      const answer = recording.tokenStorage();
      answers.push(answer);
      return answer;
    },
  };
  const services = appServices(freshDatabase().db, { bridge });
  const answered = () =>
    act(async () => {
      await Promise.all(answers);
    });
  return { services, answered };
}

describe('[§6] the user is told when the session is kept in memory only', () => {
  it('shows the banner once, until “Got it”, and remembers that on this device', async () => {
    const { services, answered } = servicesKeptIn('memory-only');
    render(withApp(services, <MemoryOnlySessionBanner />));
    expect(await screen.findByText(NOTICE)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Got it' }));
    expect(screen.queryByText(NOTICE)).toBeNull();
    // A later start reads the dismissal from the same storage.
    expect(createSettingsStore(services.storage).get().isMemoryOnlyBannerDismissed).toBe(true);
    cleanup();
    const restarted = { ...services, settings: createSettingsStore(services.storage) };
    render(withApp(restarted, <MemoryOnlySessionBanner />));
    await answered();
    expect(screen.queryByText(NOTICE)).toBeNull();
  });

  it('keeps saying it in the settings after the banner was dismissed', async () => {
    const { services } = servicesKeptIn('memory-only');
    services.settings.update({ isMemoryOnlyBannerDismissed: true });
    render(withApp(services, <SessionStorageSettings />));
    const note = await screen.findByText(NOTICE, { exact: false });
    expect(note.textContent).toContain('keyring');
  });

  it('shows no banner when the session is stored encrypted, and says so in the settings', async () => {
    const { services } = servicesKeptIn('encrypted');
    render(
      withApp(
        services,
        <>
          <MemoryOnlySessionBanner />
          <SessionStorageSettings />
        </>,
      ),
    );
    expect(await screen.findByText(/stored encrypted/)).toBeTruthy();
    expect(screen.queryByText(NOTICE)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Got it' })).toBeNull();
  });

  it('says nothing in the browser, which keeps the session as it keeps the site’s data', async () => {
    const { services, answered } = servicesKeptIn('browser');
    const { container } = render(
      withApp(
        services,
        <>
          <MemoryOnlySessionBanner />
          <SessionStorageSettings />
        </>,
      ),
    );
    await answered();
    expect(container.textContent).toBe('');
  });
});
