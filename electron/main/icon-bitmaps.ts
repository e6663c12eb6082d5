// The app draws its own small images — the app icon, the macOS tray template and the
// Windows unread overlay — so no binary assets need to be kept in sync by hand.
import type { RgbaBitmap } from './png.ts';

type Rgba = readonly [number, number, number, number];
/** Coordinates are in units of the image size: (0,0) top left, (1,1) bottom right. */
type Shape = (x: number, y: number) => boolean;
interface Layer {
  shape: Shape;
  color: Rgba;
  /** Erase layers cut holes (for template images) instead of painting over. */
  erase?: boolean;
}

const TEAL: Rgba = [14, 124, 107, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const BLACK: Rgba = [0, 0, 0, 255];
const BADGE_RED: Rgba = [220, 38, 38, 255];
const SUPERSAMPLING = 4;

function roundedSquare(inset: number, radius: number): Shape {
  return (x, y) => {
    const dx = Math.max(Math.abs(x - 0.5) - (0.5 - inset - radius), 0);
    const dy = Math.max(Math.abs(y - 0.5) - (0.5 - inset - radius), 0);
    return dx * dx + dy * dy <= radius * radius;
  };
}

function ellipse(cx: number, cy: number, rx: number, ry: number): Shape {
  return (x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
}

function triangle(a: [number, number], b: [number, number], c: [number, number]): Shape {
  const side = (p: [number, number], q: [number, number], x: number, y: number) =>
    (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  return (x, y) => {
    const s1 = side(a, b, x, y);
    const s2 = side(b, c, x, y);
    const s3 = side(c, a, x, y);
    return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
  };
}

/** A line segment with round caps. */
function stroke(from: [number, number], to: [number, number], width: number): Shape {
  return (x, y) => {
    const [ax, ay] = from;
    const [bx, by] = to;
    const t = Math.max(
      0,
      Math.min(
        1,
        ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2),
      ),
    );
    return (x - ax - t * (bx - ax)) ** 2 + (y - ay - t * (by - ay)) ** 2 <= (width / 2) ** 2;
  };
}

function union(...shapes: Shape[]): Shape {
  return (x, y) => shapes.some((shape) => shape(x, y));
}

function rasterize(size: number, layers: readonly Layer[]): RgbaBitmap {
  const data = new Uint8Array(size * size * 4);
  const samples = SUPERSAMPLING * SUPERSAMPLING;
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let s = 0; s < samples; s += 1) {
        const x = (px + ((s % SUPERSAMPLING) + 0.5) / SUPERSAMPLING) / size;
        const y = (py + (Math.floor(s / SUPERSAMPLING) + 0.5) / SUPERSAMPLING) / size;
        let sample: Rgba = [0, 0, 0, 0];
        for (const layer of layers) {
          if (layer.shape(x, y)) sample = layer.erase ? [0, 0, 0, 0] : layer.color;
        }
        const alpha = sample[3] / 255;
        r += sample[0] * alpha;
        g += sample[1] * alpha;
        b += sample[2] * alpha;
        a += alpha;
      }
      const offset = (py * size + px) * 4;
      // Average premultiplied samples, then store straight alpha as PNG expects.
      data[offset] = a === 0 ? 0 : Math.round(r / a);
      data[offset + 1] = a === 0 ? 0 : Math.round(g / a);
      data[offset + 2] = a === 0 ? 0 : Math.round(b / a);
      data[offset + 3] = Math.round((a / samples) * 255);
    }
  }
  return { width: size, height: size, data };
}

// A speech bubble with clock hands: chatting, about time.
const bubble = union(
  ellipse(0.5, 0.46, 0.31, 0.25),
  triangle([0.29, 0.58], [0.44, 0.69], [0.24, 0.82]),
);
const clockHands = union(
  stroke([0.5, 0.46], [0.5, 0.31], 0.055),
  stroke([0.5, 0.46], [0.62, 0.52], 0.055),
);

export function renderAppIcon(size: number): RgbaBitmap {
  return rasterize(size, [
    { shape: roundedSquare(0.04, 0.2), color: TEAL },
    { shape: bubble, color: WHITE },
    { shape: clockHands, color: TEAL },
  ]);
}

/** macOS menu-bar icons are black-and-alpha "template" images the system recolours. */
export function renderTrayTemplateIcon(size: number): RgbaBitmap {
  return rasterize(size, [
    { shape: bubble, color: BLACK },
    { shape: clockHands, color: BLACK, erase: true },
  ]);
}

// 3×5 pixel glyphs, rows top to bottom, for the few characters a badge shows.
const GLYPHS: Record<string, readonly string[]> = {
  '0': ['###', '#.#', '#.#', '#.#', '###'],
  '1': ['.#.', '##.', '.#.', '.#.', '###'],
  '2': ['###', '..#', '###', '#..', '###'],
  '3': ['###', '..#', '.##', '..#', '###'],
  '4': ['#.#', '#.#', '###', '..#', '..#'],
  '5': ['###', '#..', '###', '..#', '###'],
  '6': ['###', '#..', '###', '#.#', '###'],
  '7': ['###', '..#', '.#.', '.#.', '.#.'],
  '8': ['###', '#.#', '###', '#.#', '###'],
  '9': ['###', '#.#', '###', '..#', '###'],
  '+': ['...', '.#.', '###', '.#.', '...'],
};

function text(label: string): Shape {
  const glyphs = [...label].map((c) => GLYPHS[c]).filter((g) => g !== undefined);
  const columns = glyphs.length * 4 - 1; // one blank column between glyphs
  // Fit the text in 70% of the width and 45% of the height of the circle.
  const cell = Math.min(0.7 / columns, 0.45 / 5);
  const left = 0.5 - (columns * cell) / 2;
  const top = 0.5 - (5 * cell) / 2;
  return (x, y) => {
    const column = Math.floor((x - left) / cell);
    const row = Math.floor((y - top) / cell);
    if (column < 0 || row < 0 || row >= 5 || column >= columns || column % 4 === 3) return false;
    return glyphs[Math.floor(column / 4)]?.[row]?.[column % 4] === '#';
  };
}

/** A red disc with the unread count, for Windows' taskbar overlay. */
export function renderBadgeIcon(label: string, size: number): RgbaBitmap {
  return rasterize(size, [
    { shape: ellipse(0.5, 0.5, 0.5, 0.5), color: BADGE_RED },
    { shape: text(label), color: WHITE },
  ]);
}
