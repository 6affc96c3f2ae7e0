import { credentialHashes } from '../../../../src/modules/users/credentials';

// md5("user:pass") and sha1("user:pass"), computed independently.
const MD5_USER_PASS = '21a39285884a268d6458e3fdeb08beac';
const SHA1_USER_PASS = 'b2619aa1529dfdc4248e6edbf3c1b2a2b014cf6d';

describe('credentialHashes', () => {
  it('when given user and pass, then md5 and sha1 hex of "user:pass"', () => {
    expect(credentialHashes('user', 'pass')).toEqual({ md5: MD5_USER_PASS, sha1: SHA1_USER_PASS });
  });

  it('when the username has capitals, then it is lower-cased first', () => {
    expect(credentialHashes('USER', 'pass')).toEqual({ md5: MD5_USER_PASS, sha1: SHA1_USER_PASS });
  });

  it('when the password has capitals, then it is kept as it is', () => {
    expect(credentialHashes('user', 'PASS').md5).not.toBe(MD5_USER_PASS);
  });
});
