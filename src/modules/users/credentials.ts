import { createHash } from 'node:crypto';

/** The hashes KAZOO stores and `user_auth` compares: hex of `"<username>:<password>"`. */
export function credentialHashes(
  username: string,
  password: string,
): { md5: string; sha1: string } {
  const secret = `${username.toLowerCase()}:${password}`;
  return {
    md5: createHash('md5').update(secret).digest('hex'),
    sha1: createHash('sha1').update(secret).digest('hex'),
  };
}
