import { TickBatcher } from './tick-batcher';

describe('TickBatcher', () => {
  const squares = () => {
    const calls: number[][] = [];
    const batcher = new TickBatcher<number, number>(async (keys) => {
      calls.push(keys);
      return new Map(keys.filter((k) => k >= 0).map((k) => [k, k * k]));
    }, 3);
    return { calls, batcher };
  };

  it('answers the keys asked for in one round with one call per batch, equal keys once', async () => {
    const { calls, batcher } = squares();
    const answers = await Promise.all([batcher.load(2), batcher.load(3), batcher.load(2), batcher.load(-1)]);
    expect(answers).toEqual([4, 9, 4, undefined]);
    expect(calls).toEqual([[2, 3, -1]]);
  });

  it('splits a round into calls of at most maxBatch keys', async () => {
    const { calls, batcher } = squares();
    expect(await Promise.all([1, 2, 3, 4, 5, 6, 7].map((k) => batcher.load(k)))).toEqual([1, 4, 9, 16, 25, 36, 49]);
    expect(calls).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('starts a new batch for keys asked for while one is being loaded (no answer older than its call)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const calls: string[][] = [];
    let version = 1;
    const batcher = new TickBatcher<string, number>(async (keys) => {
      calls.push(keys);
      const v = version;
      if (calls.length === 1) await gate;
      return new Map(keys.map((k) => [k, v]));
    });
    const first = batcher.load('a');
    await new Promise((r) => setImmediate(r));
    version = 2;
    const second = batcher.load('a');
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([['a'], ['a']]);
    release();
    expect(await first).toBe(1);
    expect(await second).toBe(2);
  });

  it('gives every caller of a failed batch the error, and the next batch goes on', async () => {
    let fail = true;
    const batcher = new TickBatcher<string, string>(async (keys) => {
      if (fail) throw new Error('database gone');
      return new Map(keys.map((k) => [k, k.toUpperCase()]));
    });
    const results = await Promise.allSettled([batcher.load('x'), batcher.load('y'), batcher.load('x')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toEqual(new Error('database gone'));
    fail = false;
    expect(await batcher.load('x')).toBe('X');
  });

  it('refuses a batch size below one', () => {
    expect(() => new TickBatcher(async () => new Map(), 0)).toThrow('maxBatch must be at least 1');
  });
});
