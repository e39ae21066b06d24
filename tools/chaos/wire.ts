/**
 * The fields the attack scenarios read from a sidecar's answers. The test client hands bodies
 * over untyped (it reads any JSON); a scenario names here what it expects, so a field it
 * reads wrongly is a type error rather than a silent `undefined`.
 */
export interface WireBody {
  error?: { code?: string };
  user?: { email?: string };
  accessToken?: string;
  secret?: string;
  backupCodes?: string[];
  twoFactorToken?: string;
}

/** A response's body as the scenarios read it; a missing body reads as one without fields. */
export function wire(response: { body: unknown }): WireBody {
  return response.body ?? {};
}
