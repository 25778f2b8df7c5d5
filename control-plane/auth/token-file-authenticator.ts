/**
 * Static bearer tokens (`--token-auth-file`), Kubernetes' format: a CSV file with at least
 * three columns, `token,user,uid`, and optionally a fourth, `"group1,group2"`. A request
 * presents one as `Authorization: Bearer <token>`; an unknown token authenticates nobody (the
 * request then gets 401 unless a client certificate names a user). Tokens are kept as SHA-256
 * digests, never logged.
 * https://kubernetes.io/docs/reference/access-authn-authz/authentication/#static-token-file
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AUTHENTICATED_GROUP, bearerTokenAuthenticator, type Authenticator, type TokenAuthenticator, type UserInfo } from './authenticator';

export { bearerToken } from './authenticator';

function digest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A quoted field from `text[i]` (the opening quote): its value and the index after the closing quote. */
function readQuoted(text: string, i: number): [string, number] {
  let field = '';
  for (let at = i + 1; ; ) {
    if (at >= text.length) throw new Error('extraneous or missing " in quoted field');
    if (text[at] === '"' && text[at + 1] === '"') {
      field += '"';
      at += 2;
    } else if (text[at] === '"') {
      if (at + 1 < text.length && !',\r\n'.includes(text[at + 1])) throw new Error('extraneous " in field');
      return [field, at + 1];
    } else field += text[at++];
  }
}

/** An unquoted field from `text[i]`: its value and the index of the comma or line end after it. */
function readPlain(text: string, i: number): [string, number] {
  let end = i;
  while (end < text.length && !',\r\n'.includes(text[end])) end++;
  return [text.slice(i, end), end];
}

/** RFC 4180 records: quoted fields may hold commas, newlines and doubled quotes; spaces before a field are dropped (Go's TrimLeadingSpace); blank lines are skipped. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    const [field, next] = text[i] === '"' ? readQuoted(text, i) : readPlain(text, i);
    record.push(field);
    i = next;
    if (text[i] === ',') { i++; continue; }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  }
  return records;
}

/** The users of a token file's text, by token digest; throws on a record with fewer than 3 columns. */
export function parseTokenFile(text: string, source = 'token file'): Map<string, UserInfo> {
  const users = new Map<string, UserInfo>();
  for (const record of parseCsv(text)) {
    if (record.length < 3) throw new Error(`token file '${source}' must have at least 3 columns (token, user name, user uid), found ${record.length}`);
    const [token, name, uid, groups] = record;
    if (token === '') continue;
    const listed = groups === undefined ? [] : groups.split(',');
    users.set(digest(token), { name, uid, groups: [...new Set([...listed, AUTHENTICATED_GROUP])] });
  }
  return users;
}

/** The file's tokens; not bound to audiences (good for the API's). */
export function staticTokens(users: ReadonlyMap<string, UserInfo>): TokenAuthenticator {
  return {
    authenticateToken(token) {
      const user = users.get(digest(token));
      return user ? { user: { ...user, groups: [...user.groups] } } : undefined;
    },
  };
}

export function tokenAuthenticator(users: ReadonlyMap<string, UserInfo>): Authenticator & TokenAuthenticator {
  const tokens = staticTokens(users);
  return { ...tokens, ...bearerTokenAuthenticator(tokens) };
}

export function tokenFileAuthenticator(file: string): Authenticator & TokenAuthenticator {
  return tokenAuthenticator(parseTokenFile(readFileSync(file, 'utf8'), file));
}
