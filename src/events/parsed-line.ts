import type { ExecEvent } from './exec-event.js';

/** The input formats a line can be in; detected per line, so one file may mix them. */
export type InputFormat = 'eslogger' | 'ecs';

/**
 * A well-formed line that is not a process event we use (an eslogger `open`, an ECS network
 * event…). Counted by `reason`, never an error: traces legitimately contain them.
 */
export interface IrrelevantLine {
  kind: 'irrelevant';
  format: InputFormat;
  /** e.g. `eslogger event_type 12`, `ecs event.category network`. */
  reason: string;
}

export interface EventLine {
  kind: 'event';
  format: InputFormat;
  event: ExecEvent;
}

export type ParsedLine = EventLine | IrrelevantLine;
