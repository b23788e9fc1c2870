/**
 * Cheap analyses on a downscaled greyscale page (about 100 dpi): ink threshold, blank-page
 * detection and skew estimation by projection profile. Pure functions on raw 8-bit grey pixels.
 */

export interface GreyImage {
  width: number;
  height: number;
  /** 8-bit grey, row-major. */
  data: Uint8Array;
}

/** Otsu's threshold of the grey histogram (ink below, paper above). */
export function otsuThreshold(img: GreyImage): number {
  const hist = new Float64Array(256);
  for (let i = 0; i < img.data.length; i++) hist[img.data[i]]++;
  const total = img.data.length;
  let sum = 0;
  for (let t = 0; t < 256; t++) sum += t * hist[t];
  let sumB = 0;
  let wB = 0;
  let best = 0;
  let threshold = 128;
  for (let t = 0; t < 256; t++) {
    wB += hist[t];
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t];
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

/**
 * A page is blank when almost no pixel is clearly darker than paper. The threshold is absolute
 * (ink must be darker than mid-grey and well below the paper tone), so sensor noise and a grey
 * paper tone do not count as content. A 2% margin at each edge ignores scanner borders.
 */
export function inkRatio(img: GreyImage): number {
  const { width, height, data } = img;
  const mx = Math.floor(width * 0.02);
  const my = Math.floor(height * 0.02);
  // Paper tone = the 90th percentile of grey values.
  const hist = new Uint32Array(256);
  for (let i = 0; i < data.length; i++) hist[data[i]]++;
  let acc = 0;
  let paper = 255;
  for (let t = 0; t < 256; t++) {
    acc += hist[t];
    if (acc >= data.length * 0.9) {
      paper = t;
      break;
    }
  }
  // Downscaling averages thin strokes with paper, so ink only needs to be clearly below paper.
  const cut = Math.min(200, paper - 48);
  let ink = 0;
  let count = 0;
  for (let y = my; y < height - my; y++) {
    const row = y * width;
    for (let x = mx; x < width - mx; x++) {
      count++;
      if (data[row + x] < cut) ink++;
    }
  }
  return count === 0 ? 0 : ink / count;
}

export function isBlank(img: GreyImage, minInkRatio = 0.0005): boolean {
  return inkRatio(img) < minInkRatio;
}

/**
 * Estimates the skew of text lines in degrees (positive = lines descend to the right, i.e. the
 * page is rotated clockwise) within ±maxDegrees: the angle whose projection of the ink pixels
 * onto the vertical axis gives the sharpest row profile. Coarse 0.5° steps, then 0.05° steps.
 */
export function estimateSkew(img: GreyImage, maxDegrees = 5): number {
  const { width, height, data } = img;
  const threshold = otsuThreshold(img);
  const xs: number[] = [];
  const ys: number[] = [];
  const mx = Math.floor(width * 0.03);
  const my = Math.floor(height * 0.03);
  for (let y = my; y < height - my; y++) {
    const row = y * width;
    for (let x = mx; x < width - mx; x++) {
      if (data[row + x] < threshold && data[row + x] < 160) {
        xs.push(x);
        ys.push(y);
      }
    }
  }
  if (xs.length < 50) return 0;
  // Subsample very dense pages to bound the work.
  const step = Math.max(1, Math.floor(xs.length / 150_000));
  const diag = Math.ceil(Math.hypot(width, height));
  const bins = new Float64Array(2 * diag + 3);
  const score = (deg: number): number => {
    const a = (deg * Math.PI) / 180;
    const tan = Math.tan(a);
    bins.fill(0);
    for (let i = 0; i < xs.length; i += step) {
      const r = Math.round(ys[i] - xs[i] * tan) + diag;
      if (r >= 0 && r < bins.length) bins[r]++;
    }
    let s = 0;
    for (let i = 0; i < bins.length; i++) s += bins[i] * bins[i];
    return s;
  };
  let best = 0;
  let bestScore = -1;
  for (let d = -maxDegrees; d <= maxDegrees + 1e-9; d += 0.5) {
    const s = score(d);
    if (s > bestScore) {
      bestScore = s;
      best = d;
    }
  }
  const coarse = best;
  for (let d = coarse - 0.5; d <= coarse + 0.5 + 1e-9; d += 0.05) {
    const s = score(d);
    if (s > bestScore) {
      bestScore = s;
      best = d;
    }
  }
  return Math.round(best * 100) / 100;
}
