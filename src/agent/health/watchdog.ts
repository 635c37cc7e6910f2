import type { ResourceSample } from './resource-sampler.js';

export interface WatchdogBudgets {
  maxRssMB: number;
  maxCpuPercent: number;
  /** A budget must be exceeded for this long before a warning — one busy second is not a problem. */
  windowSeconds: number;
}

export interface WatchdogWarning {
  budget: 'memory' | 'cpu';
  message: string;
}

/**
 * Warns once when a budget stays exceeded for the whole window, and once more when it recovers,
 * so a stuck-high agent is visible in the logs without a warning every few seconds.
 */
export class Watchdog {
  private overSince: { memory: number | null; cpu: number | null } = { memory: null, cpu: null };
  private warned = { memory: false, cpu: false };

  constructor(private budgets: WatchdogBudgets) {}

  setBudgets(budgets: WatchdogBudgets): void {
    this.budgets = budgets;
  }

  /** Feed one sample; returns what changed (new warnings and recoveries). */
  observe(sample: ResourceSample, nowMs: number): { raised: WatchdogWarning[]; cleared: WatchdogWarning['budget'][] } {
    const raised: WatchdogWarning[] = [];
    const cleared: WatchdogWarning['budget'][] = [];
    const rssMB = sample.rssBytes / 2 ** 20;
    const checks = [
      { budget: 'memory' as const, over: rssMB > this.budgets.maxRssMB, text: `resident memory ${rssMB.toFixed(0)} MB has stayed above the ${this.budgets.maxRssMB} MB budget (watchdogMaxRssMB)` },
      { budget: 'cpu' as const, over: sample.cpuPercent > this.budgets.maxCpuPercent, text: `CPU ${sample.cpuPercent.toFixed(1)}% of a core has stayed above the ${this.budgets.maxCpuPercent}% budget (watchdogMaxCpuPercent)` },
    ];
    for (const { budget, over, text } of checks) {
      if (!over) {
        this.overSince[budget] = null;
        if (this.warned[budget]) {
          this.warned[budget] = false;
          cleared.push(budget);
        }
        continue;
      }
      const since = (this.overSince[budget] ??= nowMs);
      if (!this.warned[budget] && nowMs - since >= this.budgets.windowSeconds * 1000) {
        this.warned[budget] = true;
        raised.push({ budget, message: `${text} for ${this.budgets.windowSeconds} s` });
      }
    }
    return { raised, cleared };
  }

  /** Budgets exceeded right now past their window, for the status file. */
  active(): WatchdogWarning['budget'][] {
    return (['memory', 'cpu'] as const).filter((b) => this.warned[b]);
  }
}
