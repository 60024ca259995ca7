/**
 * The one rule for where our credentials (API key, JWT, organisation header) may be sent: the
 * configured API's own origin, or over https to the API's own domain (the real API names its proxy,
 * proxy.app.daytona.io, for build logs). A URL the API hands us on any other host, or over plain http
 * anywhere but the API's own origin, is fetched without them — a hostile answer cannot harvest the key.
 */

/** Whether a request to `target` may carry the credentials configured for `apiUrl`. */
export function mayCarryCredentials(target: string, apiUrl: string | undefined): boolean {
  let to: URL;
  let api: URL;
  try {
    to = new URL(target);
    api = new URL(apiUrl ?? 'https://app.daytona.io/api');
  } catch {
    return false;
  }
  if (to.username || to.password) return false;
  if (to.origin === api.origin) return true;
  if (to.protocol !== 'https:' || api.protocol !== 'https:') return false;
  const domain = registrableParent(api.hostname);
  return domain !== undefined && (to.hostname === domain || to.hostname.endsWith(`.${domain}`));
}

/** app.daytona.io → daytona.io; an IP address or a one- or two-label name has no parent we trust. */
function registrableParent(host: string): string | undefined {
  if (/^[\d.]+$/.test(host) || host.includes(':')) return undefined;
  const labels = host.split('.');
  return labels.length >= 3 ? labels.slice(1).join('.') : host;
}
