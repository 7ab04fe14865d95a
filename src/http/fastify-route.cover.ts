/**
 * Whether a Fastify route (find-my-way syntax: static segments, `:param`, `:param(regex)`, a
 * trailing `*`) takes `path`. A regular-expression parameter is taken to match any segment, so
 * this may say yes where find-my-way would refuse the value: it is used to warn, never to route.
 */
export function fastifyRouteCovers(
  route: string,
  path: string,
  options: { caseSensitive: boolean; ignoreTrailingSlash: boolean },
): boolean {
  const fold = (s: string) => (options.caseSensitive ? s : s.toLowerCase());
  const trim = (s: string) => (options.ignoreTrailingSlash && s.length > 1 && s.endsWith('/') ? s.slice(0, -1) : s);
  const want = trim(route).split('/');
  const have = trim(path).split('/');
  for (let i = 0; i < want.length; i++) {
    const segment = want[i];
    if (segment === '*' && i === want.length - 1) return i < have.length;
    if (i >= have.length) return false;
    if (segment.startsWith(':')) {
      if (have[i] === '') return false;
    } else if (segment.endsWith('*') && i === want.length - 1) {
      return fold(have.slice(i).join('/')).startsWith(fold(segment.slice(0, -1)));
    } else if (fold(segment) !== fold(have[i])) return false;
  }
  return want.length === have.length;
}
