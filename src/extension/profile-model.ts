/**
 * Where the editor acts (which Daytona CLI profile, which organisation, or the stored key) and the
 * items of "Daytona: Switch Profile…", as plain data (no vscode import): unit-tested directly.
 */
import type { CliProfileInfo, Credentials } from '../core/credentials';

/** "work", "team-sso · org 5d2e9a71…", "API key (editor)"; undefined when there is no credential. */
export function whereText(c: Credentials): string | undefined {
  if (c.profileProblem) return `profile ${c.profile ?? '?'} (unusable)`;
  if (c.source === 'none') return undefined;
  if (c.source === 'daytona-cli') {
    const org = c.organizationId ? ` · org ${c.organizationId.length > 12 ? `${c.organizationId.slice(0, 12)}…` : c.organizationId}` : '';
    return `${c.profile ?? 'CLI login'}${org}`;
  }
  return { editor: 'API key (editor)', env: 'DAYTONA_API_KEY', 'credentials-file': 'credentials file' }[c.source];
}

/**
 * The Sandboxes view's title: a one-view container shows the title but not the description, so a CLI
 * profile goes into the title ("Sandboxes · work"); the description carries the organisation too.
 */
export function viewTitle(c: Credentials): string {
  return c.source === 'daytona-cli' && c.profile ? `Sandboxes · ${c.profile}` : 'Sandboxes';
}

export interface ProfileItem {
  label: string;
  description: string;
  detail: string;
  /** The value of "daytona.profile" this item selects; '' = none (the stored key, else first found). */
  value: string;
  picked: boolean;
}

/**
 * The CLI's profiles plus the stored key (or, without one, "first found"). `current` is the
 * setting's value; the item it selects is marked.
 */
export function profileItems(profiles: readonly CliProfileInfo[], current: string | undefined, hasStoredKey: boolean): ProfileItem[] {
  const chosen = profiles.find((p) => p.name === current || p.id === current);
  const items: ProfileItem[] = profiles.map((p) => ({
    label: `$(account) ${p.name}`,
    description: [p.login === 'token' ? `token · org ${p.organizationId}` : p.login === 'key' ? 'API key' : 'no login', p.active ? 'CLI active' : ''].filter(Boolean).join(' · '),
    detail: p.apiUrl,
    value: p.name,
    picked: p === chosen,
  }));
  items.push({
    label: hasStoredKey ? '$(key) Stored API key' : '$(list-ordered) First found',
    description: hasStoredKey ? 'SecretStorage' : 'no profile chosen',
    detail: hasStoredKey ? 'The key set with "Daytona: Set API Key"' : 'Editor key → DAYTONA_API_KEY → credentials file → CLI active profile',
    value: '',
    picked: !chosen && !current,
  });
  return items;
}
