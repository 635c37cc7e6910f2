/** Resident memory and CPU (percent of one core) of this process since the previous sample. */
export interface ResourceSample {
  rssBytes: number;
  cpuPercent: number;
}

export class ResourceSampler {
  private lastCpu = process.cpuUsage();
  private lastTime = process.hrtime.bigint();

  sample(): ResourceSample {
    const cpu = process.cpuUsage();
    const time = process.hrtime.bigint();
    const cpuMicros = cpu.user - this.lastCpu.user + (cpu.system - this.lastCpu.system);
    const wallMicros = Number(time - this.lastTime) / 1000;
    this.lastCpu = cpu;
    this.lastTime = time;
    return {
      rssBytes: process.memoryUsage.rss(),
      cpuPercent: wallMicros > 0 ? (100 * cpuMicros) / wallMicros : 0,
    };
  }
}
