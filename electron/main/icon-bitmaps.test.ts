import { describe, expect, it } from 'vitest';
import { renderAppIcon, renderBadgeIcon, renderTrayTemplateIcon } from './icon-bitmaps.ts';
import type { RgbaBitmap } from './png.ts';

function pixel(bitmap: RgbaBitmap, x: number, y: number): number[] {
  const offset = (y * bitmap.width + x) * 4;
  return [...bitmap.data.subarray(offset, offset + 4)];
}

describe('renderAppIcon', () => {
  const icon = renderAppIcon(64);

  it('is a square of the asked size', () => {
    expect([icon.width, icon.height, icon.data.length]).toEqual([64, 64, 64 * 64 * 4]);
  });

  it('leaves the very corner transparent (rounded)', () => {
    expect(pixel(icon, 0, 0)[3]).toBe(0);
  });

  it('paints the bubble white', () => {
    expect(pixel(icon, 22, 29)).toEqual([255, 255, 255, 255]);
  });
});

describe('renderTrayTemplateIcon', () => {
  it('uses only black, as macOS template images must', () => {
    const icon = renderTrayTemplateIcon(32);
    const colours = new Set<number>();
    for (let i = 0; i < icon.data.length; i += 4) {
      if ((icon.data[i + 3] ?? 0) > 0)
        colours.add((icon.data[i] ?? 0) + (icon.data[i + 1] ?? 0) + (icon.data[i + 2] ?? 0));
    }
    expect([...colours]).toEqual([0]);
  });
});

describe('renderBadgeIcon', () => {
  it('draws different pixels for different counts', () => {
    const one = renderBadgeIcon('1', 32);
    const eight = renderBadgeIcon('8', 32);
    expect(Buffer.from(one.data).equals(Buffer.from(eight.data))).toBe(false);
  });

  it('draws white text on the red disc', () => {
    const icon = renderBadgeIcon('8', 32);
    const whites = [];
    for (let i = 0; i < icon.data.length; i += 4) {
      if (icon.data[i] === 255 && icon.data[i + 1] === 255 && icon.data[i + 2] === 255)
        whites.push(i);
    }
    expect(whites.length).toBeGreaterThan(20);
  });
});
