/**
 * Numbers of the DNS wire format (RFC 1035, 2782 SRV, 3596 AAAA, 6891 EDNS0) that pikube's
 * cluster DNS reads or writes. Anything else passes through as a number.
 */
export const RecordType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  ANY: 255,
} as const;

export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
} as const;

export const Opcode = { QUERY: 0 } as const;

export const CLASS_IN = 1;

/** The classic UDP payload limit; a larger answer sets TC unless EDNS0 advertised more. */
export const CLASSIC_UDP_SIZE = 512;

/** Our own advertised EDNS0 UDP payload size (the DNS Flag Day 2020 recommendation). */
export const SERVER_UDP_SIZE = 1232;

export const HEADER_SIZE = 12;
export const MAX_NAME_LENGTH = 255;
export const MAX_LABEL_LENGTH = 63;
