/** Injection token of the plain Redis client (health, counters, the recovery loop's connection events). */
export const REDIS = Symbol('REDIS');
