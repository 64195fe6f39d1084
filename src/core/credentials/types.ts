/**
 * AWS credentials as the signer takes them.
 *
 * Never logged: a client or provider holding credentials hides them from `util.inspect` and
 * `JSON.stringify`.
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

/** Something that gives credentials: a provider is called before each request and may cache. */
export type CredentialsProvider = () => Promise<Credentials>;
