import { describe, expect, it } from 'vitest';
import {
  connectionConfig,
  formatDatabaseUrl,
  parseDatabaseUrl,
  quoteIdentifier,
} from './connection.ts';

describe('parseDatabaseUrl', () => {
  it('reads every part of a full URL', () => {
    expect(parseDatabaseUrl('mysql://app:secret@db.internal:3307/timenest')).toEqual({
      host: 'db.internal',
      port: 3307,
      user: 'app',
      password: 'secret',
      database: 'timenest',
    });
  });

  it('defaults the port to 3306, the user to root and the password to empty', () => {
    expect(parseDatabaseUrl('mariadb://localhost/timenest')).toEqual({
      host: 'localhost',
      port: 3306,
      user: 'root',
      password: '',
      database: 'timenest',
    });
  });

  it('decodes percent-encoded credentials', () => {
    const address = parseDatabaseUrl('mysql://us%40er:p%3Aa%2Fs%40s@db/timenest');
    expect(address.user).toBe('us@er');
    expect(address.password).toBe('p:a/s@s');
  });

  it.each([
    ['no database', 'mysql://root@db'],
    ['an empty database', 'mysql://root@db/'],
    ['a backtick', 'mysql://root@db/time%60nest'],
    ['a statement', 'mysql://root@db/x%3B%20DROP%20DATABASE%20y'],
    ['a path', 'mysql://root@db/a/b'],
    ['a name over 64 characters', `mysql://root@db/${'d'.repeat(65)}`],
  ])('refuses a URL with %s in the database name', (_label, url) => {
    expect(() => parseDatabaseUrl(url)).toThrow(/DATABASE_URL must name a database/);
  });
});

describe('formatDatabaseUrl', () => {
  it('round-trips through parseDatabaseUrl, special characters included', () => {
    const address = {
      host: '127.0.0.1',
      port: 3306,
      user: 'a@b',
      password: 'p:/@?#%',
      database: 'tn_x',
    };
    expect(parseDatabaseUrl(formatDatabaseUrl(address))).toEqual(address);
  });

  it('leaves the password out when there is none', () => {
    expect(
      formatDatabaseUrl({ host: 'h', port: 1, user: 'root', password: '', database: 'd' }),
    ).toBe('mysql://root@h:1/d');
  });
});

describe('connectionConfig', () => {
  it('runs sessions in UTC so DATETIME columns mean the same everywhere', () => {
    const config = connectionConfig(parseDatabaseUrl('mysql://root@db/timenest'));
    expect(config.timezone).toBe('Z');
    expect(config.initSql).toBe("SET time_zone = '+00:00'");
  });
});

describe('quoteIdentifier', () => {
  it('backtick-quotes and doubles backticks inside', () => {
    expect(quoteIdentifier('timenest')).toBe('`timenest`');
    expect(quoteIdentifier('a`b')).toBe('`a``b`');
  });
});
