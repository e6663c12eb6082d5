// A person's initials on a colour derived from their id, so each person keeps one colour;
// or an icon in their place (a group's).
import type { ReactNode } from 'react';

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters =
    words.length > 1 ? [words[0]![0], words[words.length - 1]![0]] : [name.trim().slice(0, 2)];
  return letters.join('').toUpperCase() || '?';
}

export function Avatar({
  name,
  seed,
  size = 40,
  icon,
}: {
  name: string;
  seed: number;
  size?: number;
  icon?: ReactNode;
}) {
  const hue = (seed * 137.508) % 360;
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{
        width: size,
        height: size,
        fontSize: size * 0.38,
        ['--avatar-hue' as string]: String(Math.round(hue)),
      }}
    >
      {icon ?? initials(name)}
    </span>
  );
}
