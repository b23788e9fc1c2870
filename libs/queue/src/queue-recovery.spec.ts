import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type Redis from 'ioredis';
import type { AppConfig } from '@app/config';
import { QueueRecoveryRunner, QueueRecoveryTasks } from './queue-recovery';

/** A Redis client stand-in: connection events and `status`, nothing else (the runner uses no commands). */
class FakeRedis extends EventEmitter {
  status = 'ready';
}

const config = { queue: { recoveryCheckSeconds: 3600, timeoutMs: 2000, ingestLock: { lockMs: 15_000, stalledIntervalMs: 10_000, maxStalled: 2 } } } as AppConfig;
const tick = () => new Promise((r) => setImmediate(r));

describe('QueueRecoveryRunner', () => {
  let redis: FakeRedis;
  let tasks: QueueRecoveryTasks;
  let runner: QueueRecoveryRunner;
  let calls: string[];

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    redis = new FakeRedis();
    tasks = new QueueRecoveryTasks();
    calls = [];
    tasks.register('schedule a', async () => void calls.push('a'));
    tasks.register('re-enqueue b', async () => {
      calls.push('b');
      throw new Error('b failed');
    });
    tasks.register('schedule c', async () => void calls.push('c'));
    runner = new QueueRecoveryRunner(tasks, redis as unknown as Redis, config);
  });
  afterEach(() => runner.onApplicationShutdown());

  it('runs every task at boot; one failing task does not stop the others', async () => {
    await runner.onApplicationBootstrap();
    expect(calls).toEqual(['a', 'b', 'c']);
    expect(runner.last).toMatchObject({ trigger: 'boot', ok: ['schedule a', 'schedule c'], failed: [{ name: 're-enqueue b', error: 'b failed' }] });
  });

  it('runs again when Redis is ready after a lost connection, not on a ready without a loss', async () => {
    await runner.onApplicationBootstrap();
    calls = [];
    redis.emit('ready');
    await tick();
    expect(calls).toEqual([]);
    redis.status = 'reconnecting';
    redis.emit('close');
    redis.status = 'ready';
    redis.emit('ready');
    await tick();
    await tick();
    expect(calls).toEqual(['a', 'b', 'c']);
    expect(runner.last?.trigger).toBe('reconnect');
  });

  it('skips a run while Redis is down and runs on the next ready', async () => {
    redis.status = 'reconnecting';
    await runner.onApplicationBootstrap();
    expect(calls).toEqual([]);
    expect(runner.last?.failed).toEqual([{ name: '(all)', error: 'Redis is reconnecting' }]);
    redis.status = 'ready';
    redis.emit('ready');
    await tick();
    await tick();
    expect(calls).toEqual(['a', 'b', 'c']);
  });

  it('never overlaps runs: a trigger during a run queues exactly one more', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = new QueueRecoveryTasks();
    let runs = 0;
    slow.register('slow', async () => {
      runs++;
      await gate;
    });
    const r = new QueueRecoveryRunner(slow, redis as unknown as Redis, config);
    const first = r.runAll('boot');
    void r.runAll('periodic');
    void r.runAll('reconnect');
    expect(runs).toBe(1);
    release();
    await first;
    for (let i = 0; i < 5; i++) await tick();
    expect(runs).toBe(2);
    expect(r.last?.trigger).toBe('reconnect');
    r.onApplicationShutdown();
  });
});
