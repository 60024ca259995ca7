import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listDaytonaCliProfiles, resolveCredentials } from '../../src/core/credentials';
import { profileItems, viewTitle, whereText } from '../../src/extension/profile-model';

function cliConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cli-profiles-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({
    activeProfile: 'p1',
    profiles: [
      { id: 'p1', name: 'personal', api: { url: 'http://127.0.0.1:1/api', key: 'k1-secret' } },
      { id: 'p2', name: 'team', api: { url: 'http://127.0.0.1:2/api', token: { accessToken: 't2-secret' } }, activeOrganizationId: 'org-0123456789abcdef' },
      { id: 'p3', name: 'empty', api: {} },
    ],
  }));
  return dir;
}

test('the CLI profiles, without their secrets; the picker marks the chosen one and offers the stored key', () => {
  const dir = cliConfig();
  const profiles = listDaytonaCliProfiles(join(dir, 'config.json'));
  assert.deepEqual(profiles.map((p) => [p.name, p.login, p.active]), [['personal', 'key', true], ['team', 'token', false], ['empty', 'none', false]]);
  assert.doesNotMatch(JSON.stringify(profiles), /secret/);
  const items = profileItems(profiles, 'team', true);
  assert.deepEqual(items.map((i) => [i.value, i.picked]), [['personal', false], ['team', true], ['empty', false], ['', false]]);
  assert.match(items[1]!.description, /token · org org-0123456789abcdef/);
  assert.match(items[3]!.label, /Stored API key/);
  assert.equal(profileItems(profiles, undefined, false).at(-1)!.picked, true, 'no profile chosen: first found');
});

test('where the editor acts: the profile and its organisation, or the key\'s source', () => {
  const env = { DAYTONA_CONFIG_DIR: cliConfig(), HOME: tmpdir() };
  assert.equal(whereText(resolveCredentials({ env })), 'personal');
  assert.equal(whereText(resolveCredentials({ env, profile: 'team' })), 'team · org org-01234567…');
  assert.equal(whereText(resolveCredentials({ env, profile: 'nope' })), 'profile nope (unusable)');
  assert.equal(whereText(resolveCredentials({ env, explicit: { apiKey: 'k' } })), 'API key (editor)');
  assert.equal(viewTitle(resolveCredentials({ env, profile: 'team' })), 'Sandboxes · team');
  assert.equal(viewTitle(resolveCredentials({ env, explicit: { apiKey: 'k' } })), 'Sandboxes');
  // A chosen profile wins over the editor's key and DAYTONA_API_KEY.
  assert.equal(resolveCredentials({ env: { ...env, DAYTONA_API_KEY: 'x' }, explicit: { apiKey: 'k' }, profile: 'personal' }).apiKey, 'k1-secret');
  assert.match(resolveCredentials({ env, profile: 'empty' }).profileProblem ?? '', /holds no/);
});
