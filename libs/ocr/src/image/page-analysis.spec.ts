import sharp from 'sharp';
import { germanLetter, renderLetter } from '../../../../test/support/scan-generator';
import { estimateSkew, isBlank, type GreyImage } from './page-analysis';

async function at100dpi(png: Buffer): Promise<GreyImage> {
  const { data, info } = await sharp(png).greyscale().resize({ width: 827 }).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

jest.setTimeout(180_000);

describe('page analysis', () => {
  it.each([
    [1.7, 0],
    [-2.3, 0],
    [0, 0],
    [4.2, 0],
  ])('estimates a skew of %p° within 0.15°', async (skew) => {
    const page = await renderLetter(germanLetter(), { skewDegrees: skew, dpi: 150, seed: 7 });
    const estimate = estimateSkew(await at100dpi(page.png));
    expect(Math.abs(estimate - skew)).toBeLessThanOrEqual(0.15);
  });

  it('tells a blank (noisy, grey) page from a letter', async () => {
    const letter = await renderLetter(germanLetter(), { dpi: 150 });
    const blank = await renderLetter([], { dpi: 150, noise: 16 });
    expect(isBlank(await at100dpi(letter.png))).toBe(false);
    expect(isBlank(await at100dpi(blank.png))).toBe(true);
  });
});
