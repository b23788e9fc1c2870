import { Stack, StackOptions } from './stack';

export interface SuiteOptions {
  /** --trials: overrides each scenario's own default number of trials. */
  trials?: number;
  /** --soak-minutes (default 10). */
  soakMinutes: number;
  /** --letters: overrides the letter count of the multi-instance scenario (default 200). */
  letters?: number;
}

export interface ScenarioResult {
  pass: boolean;
  trials: number;
  /** Key figures, one short line. */
  figures: string;
  /** Why it failed, and anything else worth reading below the table. */
  notes: string[];
}

/** What a scenario gets: its stacks are closed by the runner, also on timeout. */
export class ScenarioContext {
  private readonly stacks: Stack[] = [];
  readonly notes: string[] = [];
  aborted = false;

  constructor(
    readonly name: string,
    readonly options: SuiteOptions,
  ) {}

  async stack(options: Omit<StackOptions, 'name'> & { name?: string } = {}): Promise<Stack> {
    if (this.aborted) throw new Error('scenario aborted');
    const s = await Stack.start({ ...options, name: options.name ?? this.name });
    this.stacks.push(s);
    return s;
  }

  log(message: string): void {
    if (!this.aborted) console.log(`  [${this.name}] ${message}`);
  }

  async closeAll(): Promise<void> {
    for (const s of this.stacks.splice(0)) await s.close().catch((e) => console.error(`  [${this.name}] cleanup: ${e}`));
  }
}

export interface Scenario {
  name: string;
  /** Longest the scenario may take with these options. */
  timeoutMs(options: SuiteOptions): number;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}

/** A result from a list of problems: PASS when there are none. */
export function verdict(trials: number, figures: string, problems: string[]): ScenarioResult {
  return { pass: problems.length === 0, trials, figures, notes: problems };
}
