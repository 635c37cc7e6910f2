import type { CodeSignature } from './exec-event.js';

/**
 * Values Endpoint Security reports the same way whichever way they reach us (the native addon or
 * eslogger), turned into ECS in one place so both sources describe a process identically.
 */

/** Codesigning flags from <kern/cs_blobs.h>. */
const CS_VALID = 0x1;
const CS_SIGNED = 0x20000000;
const ZERO_CDHASH = /^0*$/;

/**
 * ECS `process.code_signature`: it exists when the process has a signing id, a cdhash, or the
 * kernel's CS_SIGNED flag (ad-hoc signatures have no signing id); trusted when the kernel found it
 * valid (CS_VALID). Undefined when the source said nothing about signing at all.
 */
export function codeSignatureOf(facts: { signingId?: string; teamId?: string; cdhash?: string; flags?: number }): CodeSignature | undefined {
  const signingId = facts.signingId === '' ? undefined : facts.signingId;
  const teamId = facts.teamId === '' ? undefined : facts.teamId;
  const hasCdhash = facts.cdhash !== undefined && !ZERO_CDHASH.test(facts.cdhash);
  if (facts.flags === undefined && signingId === undefined && !hasCdhash) return undefined;
  // Every key present (absent ones undefined): the daemon builds one per event, and one shape
  // keeps the rules' reads of it monomorphic. JSON and EQL treat undefined as missing.
  return {
    exists: signingId !== undefined || hasCdhash || (facts.flags !== undefined && (facts.flags & CS_SIGNED) !== 0),
    trusted: facts.flags !== undefined ? (facts.flags & CS_VALID) !== 0 : undefined,
    signing_id: signingId,
    team_id: teamId,
  };
}

/**
 * A wait(2) status as an exit code. Normal exit: WEXITSTATUS. Killed by a signal: 128 + the signal
 * number, the shell's convention, so a SIGKILLed process reads 137 as administrators expect.
 */
export function exitCodeOf(status: number): number {
  const signal = status & 0x7f;
  return signal === 0 ? (status >> 8) & 0xff : 128 + signal;
}
