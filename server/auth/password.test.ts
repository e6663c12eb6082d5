import { describe, expect, it } from 'vitest';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password.ts';

const COST = 1024;

describe('hashPassword / verifyPassword', () => {
  it('stores scrypt with its parameters, salt and key, and never the password', async () => {
    const stored = await hashPassword('correct horse battery', COST);
    const [scheme, n, r, p, salt, key] = stored.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '1024', '8', '1']);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64')).toHaveLength(32);
    expect(stored).not.toContain('correct horse');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery', COST);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash: the same password hashes differently twice', async () => {
    const [a, b] = await Promise.all([hashPassword('same', COST), hashPassword('same', COST)]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('verifies with the cost stored in the hash, so raising the cost keeps old hashes valid', async () => {
    const old = await hashPassword('kept', 2048);
    expect(old.startsWith('scrypt$2048$')).toBe(true);
    expect(await verifyPassword('kept', old)).toBe(true);
  });

  it.each([
    ['another scheme', 'bcrypt$2b$10$abcdefghijklmnopqrstuv'],
    ['too few parts', 'scrypt$1024$8$1$c2FsdA=='],
    ['an empty string', ''],
    ['a cost that is not a number', 'scrypt$lots$8$1$c2FsdHNhbHRzYWx0c2FsdA==$a2V5'],
    ['a cost that is not a power of two', 'scrypt$1000$8$1$c2FsdHNhbHRzYWx0c2FsdA==$a2V5'],
  ])('refuses a stored value with %s instead of throwing', async (_label, stored) => {
    await expect(verifyPassword('anything', stored)).resolves.toBe(false);
  });

  it('the dummy hash for unknown accounts is a real scrypt hash of the same cost', async () => {
    const dummy = await dummyPasswordHash(COST);
    expect(dummy.startsWith(`scrypt$${COST}$8$1$`)).toBe(true);
    expect(await verifyPassword('correct horse battery', dummy)).toBe(false);
  });
});
