export interface Health {
  status: 'healthy' | 'unhealthy';
  database: 'connected' | 'disconnected';
  logging: string;
}

/** GET /health; a network failure is reported as the server being unreachable. */
export async function fetchHealth(signal?: AbortSignal): Promise<Health | 'unreachable'> {
  try {
    const response = await fetch('/health', { signal, headers: { accept: 'application/json' } });
    return (await response.json()) as Health;
  } catch {
    return 'unreachable';
  }
}
