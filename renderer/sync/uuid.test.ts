import { expect, test } from 'vitest';
import { uuidSchema } from '../../shared/schemas.ts';
import { uuidv7 } from './uuid.ts';

test('a UUIDv7 carries the time in its first 48 bits and passes the server schema', () => {
  const id = uuidv7(Date.UTC(2025, 0, 1));
  expect(uuidSchema.safeParse(id).success).toBe(true);
  expect(id[14]).toBe('7');
  expect(['8', '9', 'a', 'b']).toContain(id[19]);
  expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2025, 0, 1));
});

test('ids made later sort after earlier ones', () => {
  const earlier = uuidv7(1_700_000_000_000);
  const later = uuidv7(1_700_000_000_001);
  expect(earlier < later).toBe(true);
  const [a, b] = [uuidv7(5), uuidv7(5)];
  expect(a).not.toBe(b);
});
