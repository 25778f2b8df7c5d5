/**
 * The nf_tables generation of a network namespace: the kernel bumps it once per committed
 * transaction (`iptables-nft-restore` commits once per table section of its input; reads such
 * as `iptables-save` or `iptables -C` commit nothing). Its difference over a window counts the
 * rule writes made in that namespace, so the benchmark can count the agent's writes without
 * help from the agent (checked against `nft monitor`, which names the committing process).
 * A full restore of the agent commits twice (its filter section, then its nat section); a
 * partial one once per table it changes (an endpoint change: nat only, one commit).
 *
 * Neither `nft` nor `iptables` prints the generation, and Node.js has no netlink sockets, so a
 * fixed python3 snippet sends NFT_MSG_GETGEN (linux/netfilter/nf_tables.h) and prints
 * NFTA_GEN_ID. Read-only. Undefined where python3 or nf_tables is missing.
 */
import { inNetns } from '../cluster/netns';

const GETGEN = `
import socket, struct
NEWGEN = (10 << 8) | 15  # NFNL_SUBSYS_NFTABLES, NFT_MSG_NEWGEN
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)  # NETLINK_NETFILTER
s.bind((0, 0))
# nlmsghdr (len, type NFT_MSG_GETGEN, flags NLM_F_REQUEST, seq, pid) + nfgenmsg (AF_UNSPEC, v0, res_id 0)
s.send(struct.pack('=IHHIIBBH', 20, (10 << 8) | 16, 1, 1, 0, 0, 0, 0))
data = s.recv(65536)
off = 0
while off + 16 <= len(data):
    ln, tp = struct.unpack_from('=IH', data, off)
    a = off + 20
    while tp == NEWGEN and a + 4 <= off + ln:
        alen, atype = struct.unpack_from('=HH', data, a)
        if atype & 0x3fff == 1:  # NFTA_GEN_ID, big-endian u32
            print(struct.unpack_from('!I', data, a + 4)[0])
        a += (alen + 3) & ~3
    off += (ln + 3) & ~3
`;

/** The namespace's current nf_tables generation, or undefined if it cannot be read. */
export async function nftGeneration(netns: string): Promise<number | undefined> {
  try {
    const { stdout, code } = await inNetns(netns, 'python3', ['-c', GETGEN], { allowFailure: true });
    const gen = Number(stdout.trim().split('\n')[0]);
    return code === 0 && stdout.trim() !== '' && Number.isInteger(gen) ? gen : undefined;
  } catch {
    return undefined;
  }
}

export function commitsSince(before: number | undefined, after: number | undefined): number | undefined {
  return before === undefined || after === undefined ? undefined : after - before;
}
