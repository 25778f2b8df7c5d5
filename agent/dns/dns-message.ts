/**
 * The in-memory shape of a DNS message. Names are in presentation form without the trailing
 * dot ('' is the root); a label byte that is '.', '\' or not printable ASCII is escaped as in
 * zone files ('\.', '\\', '\DDD') so that every wire name round-trips exactly.
 */
export interface DnsFlags {
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
  rcode: number;
}

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

/** Record data, decoded for the types whose data holds names or addresses, raw otherwise. */
export type RecordData =
  | { kind: 'address'; address: string }
  | { kind: 'name'; target: string }
  | { kind: 'srv'; priority: number; weight: number; port: number; target: string }
  | { kind: 'mx'; preference: number; exchange: string }
  | { kind: 'soa'; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }
  | { kind: 'raw'; bytes: Buffer };

export interface DnsRecord {
  name: string;
  type: number;
  /** The class; for an OPT record, the sender's UDP payload size. */
  class: number;
  /** The TTL; for an OPT record, the extended rcode, version and flags. */
  ttl: number;
  data: RecordData;
}

export interface DnsMessage {
  id: number;
  flags: DnsFlags;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authority: DnsRecord[];
  additional: DnsRecord[];
}

export function noFlags(): DnsFlags {
  return { qr: false, opcode: 0, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false, rcode: 0 };
}

/** Thrown by the decoder for anything that is not a well-formed message; maps to FORMERR. */
export class DnsFormatError extends Error {
  override readonly name = 'DnsFormatError';
}
