/**
 * The argv caps every source applies before an event goes further (the native addon applies the
 * same ones on the ES thread): whoever runs a process chooses its argv, so its size in the agent
 * must not be theirs to choose. Defaults are the configuration's (maxArgs, maxArgBytes,
 * maxArgLength); a truncated event still goes through the rules and carries
 * `process.Ext.args_truncated: true`.
 */
export interface ArgvCaps {
  /** Arguments kept. */
  maxArgs: number;
  /** UTF-8 bytes kept across all arguments; the first argument that does not fit ends the argv. */
  maxArgBytes: number;
  /** UTF-8 bytes kept of any one argument: a longer one is cut to its prefix. */
  maxArgLength: number;
}

export const DEFAULT_ARGV_CAPS: Readonly<ArgvCaps> = Object.freeze({ maxArgs: 1024, maxArgBytes: 262_144, maxArgLength: 65_536 });

/** Paths, working directory, names and ids: cut at this many UTF-8 bytes (as the native addon does). */
export const MAX_STRING_BYTES = 16 * 1024;

export interface CappedArgs {
  args: string[];
  truncated: boolean;
}

/** `args` within `caps`; the input is returned as is when nothing had to go. */
export function capArgs(args: readonly string[], caps: Readonly<ArgvCaps> = DEFAULT_ARGV_CAPS): CappedArgs {
  let budget = caps.maxArgBytes;
  const kept = Math.min(args.length, caps.maxArgs);
  let out: string[] | undefined;
  let truncated = kept < args.length;
  for (let i = 0; i < kept; i++) {
    const arg = args[i] as string;
    const cut = capString(arg, caps.maxArgLength);
    const bytes = utf8Length(cut);
    if (bytes > budget) {
      truncated = true;
      out ??= args.slice(0, i);
      break;
    }
    budget -= bytes;
    if (cut !== arg) {
      truncated = true;
      out ??= args.slice(0, i);
    }
    if (out) out.push(cut);
  }
  if (!truncated) return { args: args as string[], truncated: false };
  return { args: out ?? args.slice(0, kept), truncated: true };
}

/** `text` cut to at most `maxBytes` UTF-8 bytes, never inside a character. */
export function capString(text: string, maxBytes: number = MAX_STRING_BYTES): string {
  // Each UTF-16 unit is at most 3 UTF-8 bytes: most strings need no counting at all.
  if (text.length * 3 <= maxBytes) return text;
  if (utf8Length(text) <= maxBytes) return text;
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.codePointAt(i) as number;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += code > 0xffff ? 2 : 1;
  }
  return text.slice(0, i);
}

function utf8Length(text: string): number {
  return text.length <= 256 && /^[\x00-\x7f]*$/.test(text) ? text.length : Buffer.byteLength(text, 'utf8');
}
