import { EmondguardError } from '../errors.js';

/** The agent cannot run as configured; the message says what to change. */
export class AgentError extends EmondguardError {}
