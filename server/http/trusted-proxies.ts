import net from 'node:net';

/**
 * The reverse proxies whose X-Forwarded-For we believe: exact addresses and CIDR ranges
 * (`172.18.0.0/16`), because Traefik's address on a Docker network is only known as a range
 * unless it is pinned.
 */
export class TrustedProxies {
  private readonly list = new net.BlockList();
  readonly size: number;

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address = '', prefix] = entry.split('/');
      const family = net.isIPv6(address) ? 'ipv6' : 'ipv4';
      if (!net.isIP(address)) throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
      if (prefix === undefined) this.list.addAddress(address, family);
      else this.list.addSubnet(address, Number(prefix), family);
    }
    this.size = entries.length;
  }

  has(ip: string): boolean {
    if (!net.isIP(ip)) return false;
    return this.list.check(ip, net.isIPv6(ip) ? 'ipv6' : 'ipv4');
  }
}
