// The short chime of a notified message, made with WebAudio so nothing is fetched.
// A burst of messages across conversations arrives at once: one chime covers it.
const MIN_GAP_MS = 1_000;
const NOTES_HZ = [880, 1320];
const NOTE_S = 0.09;
const VOLUME = 0.15;

export interface NotificationSound {
  play(): void;
}

export function createNotificationSound(
  createContext: () => AudioContext | null,
  now: () => number = Date.now,
): NotificationSound {
  let context: AudioContext | null = null;
  let lastPlayedAt = Number.NEGATIVE_INFINITY;
  return {
    play() {
      if (now() - lastPlayedAt < MIN_GAP_MS) return;
      lastPlayedAt = now();
      context ??= createContext();
      if (!context) return;
      // A context made before the page had a user gesture starts suspended.
      void context.resume().catch(() => {});
      const start = context.currentTime;
      NOTES_HZ.forEach((hz, index) => {
        if (!context) return;
        const oscillator = context.createOscillator();
        const gain = context.createGain();
        const at = start + index * NOTE_S;
        oscillator.frequency.value = hz;
        gain.gain.setValueAtTime(VOLUME, at);
        gain.gain.exponentialRampToValueAtTime(0.001, at + NOTE_S);
        oscillator.connect(gain).connect(context.destination);
        oscillator.start(at);
        oscillator.stop(at + NOTE_S);
      });
    },
  };
}

export function browserAudioContext(win: Window & typeof globalThis): AudioContext | null {
  return typeof win.AudioContext === 'function' ? new win.AudioContext() : null;
}
