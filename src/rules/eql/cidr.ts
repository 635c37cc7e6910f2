/**
 * IP addresses and CIDR blocks for `cidrMatch`. Every address becomes 16 bytes: IPv4 as the
 * IPv4-mapped IPv6 form (`::ffff:a.b.c.d`) and an IPv4 prefix length moves up by 96 — the way
 * Elasticsearch's `ip` field stores them, so `10.0.0.0/8` also matches `::ffff:10.1.2.3`.
 */

export interface CidrBlock {
  bytes: Uint8Array;
  prefixLength: number;
}

/** The 16-byte form of an IPv4 or IPv6 address, or undefined if the text is not one. */
export function parseIp(text: string): Uint8Array | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** `a.b.c.d/n`, `x::y/n`, or a bare address (a block of one). Undefined if malformed. */
export function parseCidr(text: string): CidrBlock | undefined {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const bytes = parseIp(address);
  if (!bytes) return undefined;
  const isV4 = !address.includes(':');
  const maxLength = isV4 ? 32 : 128;
  let prefixLength = maxLength;
  if (slash !== -1) {
    const lengthText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(lengthText)) return undefined;
    prefixLength = Number(lengthText);
    if (prefixLength > maxLength) return undefined;
  }
  return { bytes, prefixLength: isV4 ? prefixLength + 96 : prefixLength };
}

export function inCidr(address: Uint8Array, block: CidrBlock): boolean {
  const fullBytes = Math.floor(block.prefixLength / 8);
  for (let i = 0; i < fullBytes; i++) if (address[i] !== block.bytes[i]) return false;
  const remainingBits = block.prefixLength % 8;
  if (remainingBits === 0) return true;
  const mask = (0xff << (8 - remainingBits)) & 0xff;
  return ((address[fullBytes] ?? 0) & mask) === ((block.bytes[fullBytes] ?? 0) & mask);
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  for (let i = 0; i < 4; i++) {
    const part = parts[i] as string;
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes[12 + i] = value;
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** Hex groups of one side of `::`; a trailing dotted IPv4 counts as two groups. */
function groupsOf(side: string): number[] | undefined {
  if (side === '') return [];
  const parts = side.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (!v4) return undefined;
      groups.push(((v4[12] ?? 0) << 8) | (v4[13] ?? 0), ((v4[14] ?? 0) << 8) | (v4[15] ?? 0));
    } else {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(part)) return undefined;
      groups.push(Number.parseInt(part, 16));
    }
  }
  return groups;
}
