/**
 * The sandbox's account-wide send rate limit: a token bucket of `perSecond` tokens refilled
 * continuously, so bursts up to one second's worth pass and the long-run rate is capped (the way
 * providers enforce an account or sender MPS and answer 429 above it).
 *
 * @module
 */

/** A token bucket; `perSecond` null means unlimited. */
export class SandboxRateLimiter {
  readonly #now: () => number;
  #perSecond: number | null = null;
  #tokens = 0;
  #updatedAt = 0;

  /** @param now clock in unix ms. */
  constructor(now: () => number, perSecond: number | null) {
    this.#now = now;
    this.configure(perSecond);
  }

  /** Sets the rate (sends per second, null = unlimited) and fills the bucket. */
  configure(perSecond: number | null): void {
    this.#perSecond = perSecond;
    this.#tokens = perSecond ?? 0;
    this.#updatedAt = this.#now();
  }

  /** Takes one token. @returns false when the rate is exceeded. */
  take(): boolean {
    const rate = this.#perSecond;
    if (rate === null) return true;
    const now = this.#now();
    this.#tokens = Math.min(rate, this.#tokens + ((now - this.#updatedAt) / 1000) * rate);
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
