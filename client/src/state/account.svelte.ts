import { me, type PublicUser } from '../api/account-api.ts';
import { SignedOutError, type Auth } from '../api/auth.ts';

/**
 * Who is signed in, for the header and the account pages: null until the first /auth/me
 * answers, then the user (an anonymous typist is a user with isAnonymous). Reloaded
 * whenever Auth says the identity changed.
 */
export class AccountState {
  user = $state.raw<PublicUser | null>(null);
  /** Set when the server could not be asked; the pages show it instead of a blank. */
  problem = $state<string | null>(null);
  /** This device's sign-in to an account ended elsewhere ("You were signed out on this device"). */
  signedOut = $state(false);

  constructor(private readonly auth: Auth) {}

  get signedIn(): boolean {
    return this.user !== null && !this.user.isAnonymous;
  }

  async reload(): Promise<void> {
    try {
      this.user = await me(this.auth);
      this.problem = null;
      this.signedOut = false;
      this.auth.rememberAccount(this.user && !this.user.isAnonymous ? this.user.id : null);
    } catch (error) {
      if (error instanceof SignedOutError) return; // the notice says it

      this.problem = error instanceof Error ? error.message : String(error);
    }
  }
}
