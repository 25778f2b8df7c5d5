/**
 * The request target as the client sent it. WHATWG `URL` removes dot segments (`.`, `..`,
 * `%2e`) while parsing, which could turn one object's URL into another's
 * (`DELETE …/pods/%2e` into `DELETE …/pods/`, a collection); here the path stays raw and the
 * router decodes and checks each segment itself.
 */
export interface RequestUrl {
  /** The path exactly as sent: still percent-encoded, dot segments kept. */
  pathname: string;
  searchParams: URLSearchParams;
}

/** An absolute-form target (`https://host:6443/api`) names the same path as its origin form. */
const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;

export function requestUrl(target: string | undefined): RequestUrl {
  const origin = (target ?? '/').replace(ABSOLUTE_FORM, '');
  const withoutFragment = origin.split('#', 1)[0];
  const q = withoutFragment.indexOf('?');
  const pathname = q < 0 ? withoutFragment : withoutFragment.slice(0, q);
  return { pathname: pathname || '/', searchParams: new URLSearchParams(q < 0 ? '' : withoutFragment.slice(q + 1)) };
}
