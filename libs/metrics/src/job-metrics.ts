import { WorkerHost } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { ALL_QUEUES } from '@app/queue';
import { Metrics } from './metrics.service';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused', 'failed', 'completed'] as const;

/**
 * Worker metrics: job durations by queue and outcome (`completed`, `retry`, `failed`), taken from
 * every BullMQ processor of the app, and queue depth by queue and state, read from Redis at
 * scrape time (one `getJobCounts` per queue, bounded by a timeout so a lost Redis cannot hang
 * the scrape).
 */
@Injectable()
export class JobMetrics implements OnApplicationBootstrap {
  constructor(
    private readonly metrics: Metrics,
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
  ) {}

  onApplicationBootstrap(): void {
    const duration = this.metrics.histogram({
      name: 'eakte_job_duration_seconds',
      help: 'BullMQ job run time by queue and outcome',
      labelNames: ['queue', 'outcome'] as const,
    });
    const observe = (queue: string, job: Job | undefined, outcome: string) => {
      if (!job?.processedOn) return;
      duration.observe({ queue, outcome }, Math.max(0, (job.finishedOn ?? Date.now()) - job.processedOn) / 1000);
    };
    for (const wrapper of this.discovery.getProviders()) {
      const host = wrapper.instance as unknown;
      if (!(host instanceof WorkerHost)) continue;
      const worker = host.worker;
      worker.on('completed', (job: Job) => observe(worker.name, job, 'completed'));
      worker.on('failed', (job: Job | undefined, err: Error) => {
        const final = !job || err?.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
        observe(worker.name, job, final ? 'failed' : 'retry');
      });
    }

    const queues = ALL_QUEUES.map((name) => ({ name, queue: this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }) }));
    this.metrics.gauge({
      name: 'eakte_queue_jobs',
      help: 'Jobs per queue and state (read from Redis at scrape time)',
      labelNames: ['queue', 'state'] as const,
      async collect() {
        this.reset();
        await Promise.all(
          queues.map(async ({ name, queue }) => {
            const counts = await withTimeout(queue.getJobCounts(...STATES), 2000).catch(() => null);
            if (!counts) return;
            for (const state of STATES) this.set({ queue: name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p.finally(() => clearTimeout(timer)), new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]);
}
