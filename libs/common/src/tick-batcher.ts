interface Waiting<V> {
  resolve: (value: V | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Collects the keys asked for while the event loop handles one round of I/O (typically the
 * requests that arrived together) and loads them with one call, right after that round
 * (`setImmediate`), instead of one database round trip per request. Equal keys share one load.
 * The load starts only after every caller asked, so each answer is at least as fresh as the call.
 * Nothing is kept after a batch is answered: no cache.
 */
export class TickBatcher<K, V> {
  /** Keys asked for since the last dispatch; a dispatch is scheduled whenever this is not empty. */
  private waiting = new Map<K, Waiting<V>[]>();

  /**
   * @param loadMany answers a batch of distinct keys; a key missing from the returned map is
   *   answered with `undefined`. If it throws, every caller of that batch gets the error.
   * @param maxBatch the most keys one call gets; more are split into further calls.
   */
  constructor(
    private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxBatch = 100,
  ) {
    if (!(maxBatch >= 1)) throw new Error('maxBatch must be at least 1');
  }

  load(key: K): Promise<V | undefined> {
    return new Promise<V | undefined>((resolve, reject) => {
      if (!this.waiting.size) setImmediate(() => this.dispatch());
      const list = this.waiting.get(key);
      if (list) list.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
    });
  }

  private dispatch(): void {
    const batch = this.waiting;
    this.waiting = new Map();
    const keys = [...batch.keys()];
    for (let i = 0; i < keys.length; i += this.maxBatch) void this.run(keys.slice(i, i + this.maxBatch), batch);
  }

  private async run(keys: K[], batch: Map<K, Waiting<V>[]>): Promise<void> {
    let found: Map<K, V>;
    try {
      found = await this.loadMany(keys);
    } catch (e) {
      for (const k of keys) for (const w of batch.get(k)!) w.reject(e);
      return;
    }
    for (const k of keys) {
      const value = found.get(k);
      for (const w of batch.get(k)!) w.resolve(value);
    }
  }
}
