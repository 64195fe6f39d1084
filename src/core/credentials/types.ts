/**
 * AWS credentials as the signer takes them.
 *
 * Never logged: the credentials objects asyncaws creates hide their secret and session token from
 * `util.inspect` and `JSON.stringify`, and a client or provider holding credentials shows none.
 */
export interface Credentials {
  /** The access key id (`AKIA...` or `ASIA...`). */
  readonly accessKeyId: string;
  /** The secret access key. */
  readonly secretAccessKey: string;
  /** The session token of temporary credentials. */
  readonly sessionToken?: string | undefined;
  /** When temporary credentials expire; absent for long-term keys. */
  readonly expiration?: Date | undefined;
}

/** Options of one call of a {@link CredentialsProvider}. */
export interface CredentialsRequest {
  /**
   * Get new credentials even when the cached ones look valid (AWS refused them as expired).
   * Providers that do not cache may ignore it.
   */
  readonly forceRefresh?: boolean | undefined;
}

/**
 * Something that gives credentials: a provider is called before each request and should cache
 * (the providers of asyncaws do, refreshing temporary credentials before they expire).
 */
export type CredentialsProvider = (request?: CredentialsRequest) => Promise<Credentials>;
