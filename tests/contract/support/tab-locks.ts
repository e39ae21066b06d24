/**
 * The part of the Web Locks API the client uses (`request(name, { ifAvailable }, callback)`),
 * for tabs simulated in one Node process: Node has no navigator.locks. Exclusive locks only,
 * held until the callback's promise settles, as in a browser.
 */
export class TabLocks {
  private readonly held = new Set<string>();

  async request<T>(name: string, options: { ifAvailable?: boolean }, callback: (lock: { name: string } | null) => Promise<T>): Promise<T> {
    if (!options.ifAvailable) throw new Error('only ifAvailable requests are used by the client');
    if (this.held.has(name)) return callback(null);
    this.held.add(name);
    try {
      return await callback({ name });
    } finally {
      this.held.delete(name);
    }
  }
}
