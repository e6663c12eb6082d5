// WCAG 2 contrast between two CSS colours as getComputedStyle reports them (rgb() or
// rgba()); a translucent foreground is first composited over the background.
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

export function parseCssColor(css: string): Rgba {
  const match = css.match(
    /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/,
  );
  if (!match) throw new Error(`not an rgb() colour: ${css}`);
  const alpha = match[4] ?? '1';
  return {
    r: Number(match[1]),
    g: Number(match[2]),
    b: Number(match[3]),
    a: alpha.endsWith('%') ? Number(alpha.slice(0, -1)) / 100 : Number(alpha),
  };
}

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function luminance({ r, g, b }: Rgba): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

function over(top: Rgba, bottom: Rgba): Rgba {
  const mix = (t: number, b: number) => t * top.a + b * (1 - top.a);
  return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a: 1 };
}

export function contrastRatio(foreground: string, background: string): number {
  const bg = parseCssColor(background);
  const fg = over(parseCssColor(foreground), bg);
  const [light, dark] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
  return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
}
