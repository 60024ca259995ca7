// scripts/publish-check.mjs on crafted packages: a well-formed .vsix passes every check, and each way a
// package can fail an Open VSX publish (or this project's packaging rules) is caught with its own message.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { extname, join, resolve } from 'node:path';
import { crc32, deflateRawSync, deflateSync } from 'node:zlib';
import { checkManifest, checkVsix, formatReport, MAX_VSIX_BYTES, parseArgs, readZip, STORE_SECTIONS, type Check } from '../../scripts/publish-check.mjs';
import { storeChangelog } from '../../scripts/store-files.mjs';

const root = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'publish-check-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const REPO = 'https://github.com/sandbox-tools/daytona-mcp-vscode';

type Pkg = Record<string, unknown> & { contributes: Record<string, unknown> };

function goodPkg(): Pkg {
  return {
    name: 'daytona-mcp-vscode',
    displayName: 'Daytona Sandboxes & MCP',
    description: 'Manage Daytona sandboxes from your editor.',
    version: '0.1.0',
    publisher: 'sandbox-tools',
    license: 'Apache-2.0',
    engines: { vscode: '^1.96.0' },
    categories: ['AI', 'Other'],
    keywords: ['daytona', 'mcp'],
    main: './dist/extension.js',
    activationEvents: ['onStartupFinished'],
    icon: 'media/icon.png',
    galleryBanner: { color: '#0b1220', theme: 'dark' },
    repository: { type: 'git', url: REPO },
    bugs: { url: `${REPO}/issues` },
    homepage: `${REPO}#readme`,
    contributes: {
      viewsContainers: { activitybar: [{ id: 'daytona', title: 'Daytona', icon: 'media/daytona-activity.svg' }] },
      views: { daytona: [{ id: 'daytona.sandboxes', name: 'Sandboxes', icon: 'media/daytona-activity.svg' }] },
      commands: [{ command: 'daytona.refresh', title: 'Refresh', icon: '$(refresh)' }],
      walkthroughs: [{
        id: 'daytona.gettingStarted',
        title: 'Get started',
        description: 'Connect your account.',
        steps: [
          { id: 'setKey', title: 'Set key', description: 'd', media: { markdown: 'media/walkthrough/set-key.md' } },
          { id: 'view', title: 'View', description: 'd', media: { image: { light: 'media/walkthrough/light.png', dark: 'media/walkthrough/dark.png', hc: 'media/walkthrough/hc.png' }, altText: 'view' } },
        ],
      }],
    },
  };
}

/** A valid RGBA PNG of the given size. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const pixels = deflateSync(Buffer.alloc((width * 4 + 1) * height));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

/** The files of a good package below extension/, without package.json. */
function goodFiles(): Map<string, Buffer> {
  return new Map<string, Buffer>([
    ['extension/readme.md', Buffer.from(`# Daytona\n\n![view](${REPO}/raw/HEAD/docs/images/view.png)\n[![CI](https://img.shields.io/badge/ci-passing-green.svg)](${REPO}/actions)\n\nSee [the docs](${REPO}/blob/HEAD/docs/architecture.md) and [below](#usage).\n${STORE_SECTIONS.map((h) => `\n## ${h}\n\nText.\n`).join('')}`)],
    ['extension/changelog.md', Buffer.from('# Changelog\n\n## 0.1.0\n- First release\n')],
    ['extension/LICENSE.txt', Buffer.from('Apache License\nVersion 2.0, January 2004\n')],
    ['extension/media/icon.png', png(128, 128)],
    ['extension/media/daytona-activity.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['extension/media/walkthrough/set-key.md', Buffer.from('## Connect\n\nRun **Daytona: Set API Key**.\n')],
    ['extension/media/walkthrough/light.png', png(16, 16)],
    ['extension/media/walkthrough/dark.png', png(16, 16)],
    ['extension/media/walkthrough/hc.png', png(16, 16)],
    ['extension/dist/extension.js', Buffer.from('"use strict";module.exports={activate(){},deactivate(){}};\n')],
    ['extension/dist/cli.js', Buffer.from('#!/usr/bin/env node\nconsole.log("daytona-mcp");\n')],
    ['extension/dist/cli.js.LEGAL.txt', Buffer.from('Bundled license information:\n')],
  ]);
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** extension.vsixmanifest as vsce writes it, for `pkg` and the files present. */
function vsixManifest(pkg: Pkg, files: ReadonlyMap<string, Buffer>, identity: Partial<Record<'Id' | 'Publisher' | 'Version', string>> = {}): string {
  const url = (v: unknown) => (typeof v === 'string' ? v : (v as { url?: string } | undefined)?.url ?? '');
  const links = [['Source', url(pkg.repository)], ['Support', url(pkg.bugs)], ['Learn', url(pkg.homepage)]]
    .filter(([, v]) => v)
    .map(([k, v]) => `<Property Id="Microsoft.VisualStudio.Services.Links.${k}" Value="${xmlEscape(v!)}" />`);
  const has = (p: string) => files.has(p);
  const license = [...files.keys()].find((n) => /^extension\/license/i.test(n));
  const icon = typeof pkg.icon === 'string' ? `extension/${pkg.icon}` : undefined;
  const assets = [
    ['Microsoft.VisualStudio.Code.Manifest', 'extension/package.json'],
    ...(has('extension/readme.md') ? [['Microsoft.VisualStudio.Services.Content.Details', 'extension/readme.md']] : []),
    ...(has('extension/changelog.md') ? [['Microsoft.VisualStudio.Services.Content.Changelog', 'extension/changelog.md']] : []),
    ...(license ? [['Microsoft.VisualStudio.Services.Content.License', license]] : []),
    ...(icon && has(icon) ? [['Microsoft.VisualStudio.Services.Icons.Default', icon]] : []),
  ].map(([type, path]) => `<Asset Type="${type}" Path="${path}" Addressable="true" />`);
  return `<?xml version="1.0" encoding="utf-8"?>
<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011">
  <Metadata>
    <Identity Language="en-US" Id="${identity.Id ?? pkg.name}" Version="${identity.Version ?? pkg.version}" Publisher="${identity.Publisher ?? pkg.publisher}" />
    <DisplayName>${xmlEscape(String(pkg.displayName ?? ''))}</DisplayName>
    <Description xml:space="preserve">${xmlEscape(String(pkg.description ?? ''))}</Description>
    <Properties>
      <Property Id="Microsoft.VisualStudio.Code.Engine" Value="^1.96.0" />
      ${links.join('\n      ')}
    </Properties>
    ${license ? `<License>${license}</License>` : ''}
    ${icon && has(icon) ? `<Icon>${icon}</Icon>` : ''}
  </Metadata>
  <Installation><InstallationTarget Id="Microsoft.VisualStudio.Code"/></Installation>
  <Dependencies/>
  <Assets>${assets.join('')}</Assets>
</PackageManifest>`;
}

function contentTypes(names: Iterable<string>): string {
  const exts = new Set([...names].map((n) => extname(n).toLowerCase()).filter(Boolean));
  const defaults = [...exts].map((e) => `<Default Extension="${e}" ContentType="application/octet-stream"/>`).join('');
  return `<?xml version="1.0" encoding="utf-8"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">${defaults}</Types>`;
}

interface ZipInput { name: string; data: Buffer; store?: boolean; extra?: Buffer }

/** A zip as yazl writes it (deflate, UTF-8 names), optionally with extra fields. */
function zip(entries: readonly ZipInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = e.store ? e.data : deflateRawSync(e.data);
    const extra = e.extra ?? Buffer.alloc(0);
    const header = (central: boolean) => {
      const h = Buffer.alloc(central ? 46 : 30);
      let p = 0;
      h.writeUInt32LE(central ? 0x02014b50 : 0x04034b50, p); p += 4;
      if (central) { h.writeUInt16LE(20, p); p += 2; }
      h.writeUInt16LE(20, p); h.writeUInt16LE(0x800, p + 2); h.writeUInt16LE(e.store ? 0 : 8, p + 4);
      h.writeUInt16LE(0, p + 6); h.writeUInt16LE(0x21, p + 8);
      h.writeUInt32LE(crc32(e.data), p + 10); h.writeUInt32LE(body.length, p + 14); h.writeUInt32LE(e.data.length, p + 18);
      h.writeUInt16LE(name.length, p + 22); h.writeUInt16LE(extra.length, p + 24);
      if (central) h.writeUInt32LE(offset, 42);
      return Buffer.concat([h, name, extra]);
    };
    const local = Buffer.concat([header(false), body]);
    centrals.push(header(true));
    locals.push(local);
    offset += local.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

interface VsixOptions {
  pkg?: Pkg;
  files?: Map<string, Buffer>;
  identity?: Partial<Record<'Id' | 'Publisher' | 'Version', string>>;
  /** Replace (string/Buffer) or drop (null) the generated entries. */
  override?: Record<string, string | Buffer | null>;
  store?: string[];
  extra?: string[];
}

let counter = 0;
/** Writes a .vsix built from the good package with the given changes, and returns its path. */
function writeVsix(opts: VsixOptions = {}): string {
  const pkg = opts.pkg ?? goodPkg();
  const files = opts.files ?? goodFiles();
  const all = new Map<string, Buffer | string>([
    ['extension.vsixmanifest', vsixManifest(pkg, files, opts.identity)],
    ['[Content_Types].xml', contentTypes(['extension.vsixmanifest', 'extension/package.json', ...files.keys()])],
    ['extension/package.json', JSON.stringify(pkg, null, 2)],
    ...files,
  ]);
  for (const [name, value] of Object.entries(opts.override ?? {})) {
    if (value === null) all.delete(name);
    else all.set(name, value);
  }
  const path = join(dir, `case-${++counter}.vsix`);
  writeFileSync(path, zip([...all].map(([name, data]) => ({
    name,
    data: Buffer.isBuffer(data) ? data : Buffer.from(data),
    store: opts.store?.includes(name),
    extra: opts.extra?.includes(name) ? Buffer.from([0x55, 0x54, 0x05, 0x00, 0x03, 0, 0, 0, 0]) : undefined,
  }))));
  return path;
}

/** The manifest checks on the good files (package.json added), without a zip. */
function manifestChecks(pkg: Pkg, files = goodFiles()): Check[] {
  const all = new Map<string, Uint8Array>(files);
  all.set('extension/package.json', Buffer.from(JSON.stringify(pkg)));
  return checkManifest(pkg, all);
}

function find(checks: readonly Check[], name: string): Check {
  const check = checks.find((c) => c.name === name);
  assert.ok(check, `no "${name}" check in ${checks.map((c) => c.name).join(', ')}`);
  return check;
}
function failed(checks: readonly Check[]): string[] {
  return checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
}

test('a well-formed package passes every check', async () => {
  const checks = await checkVsix(writeVsix());
  assert.deepEqual(failed(checks), []);
  for (const name of ['zip', 'size', 'vsixmanifest', 'content-types', 'package.json', 'vsce manifest rules', 'identity', 'namespace', 'name',
    'version', 'engines.vscode', 'license', 'displayName', 'description', 'metadata', 'repository', 'bugs', 'homepage', 'icon', 'readme',
    'changelog', 'readme images', 'readme links', 'store page', 'changelog version', 'paths', 'allow-list', 'secrets']) {
    assert.equal(find(checks, name).ok, true, name);
  }
  assert.match(find(checks, 'icon').detail, /128×128 PNG/);
  assert.match(find(checks, 'paths').detail, /all 8 paths/); // main, icon, 2 view icons, walkthrough markdown + 3 image variants
  const report = formatReport(checks);
  assert.match(report, /^✓ zip /m);
  assert.match(report, /Skipped \(need the network/);
  assert.match(report, /PAT verification/);
  assert.match(report, /already published/);
  assert.match(report, /all \d+ checks passed/);
});

test('our zip reader and the test zip writer agree, including CRCs', () => {
  const entries = readZip(Buffer.from(zip([{ name: 'a.txt', data: Buffer.from('hello') }, { name: 'b/c.bin', data: randomBytes(300), store: true }])));
  assert.deepEqual(entries.map((e) => [e.name, e.size, e.method]), [['a.txt', 5, 8], ['b/c.bin', 300, 0]]);
  assert.equal(entries[0]?.data.toString(), 'hello');
  const corrupt = zip([{ name: 'a.txt', data: Buffer.from('hello'), store: true }]);
  const at = 30 + 'a.txt'.length; // the first byte of the stored data
  corrupt[at] = corrupt[at]! ^ 0xff;
  assert.throws(() => readZip(corrupt), /CRC mismatch/);
  assert.throws(() => readZip(Buffer.from('not a zip at all, just text')), /not a zip file/);
});

test('a package without any license is refused the way ovsx and the server refuse it', async () => {
  const pkg = goodPkg();
  delete pkg.license;
  const files = goodFiles();
  files.delete('extension/LICENSE.txt');
  const checks = await checkVsix(writeVsix({ pkg, files }));
  assert.equal(find(checks, 'license').ok, false);
  assert.match(find(checks, 'license').detail, /no license: ovsx and open-vsx\.org refuse it \("This extension cannot be accepted because it has no license\."\)/);
  assert.match(find(checks, 'license').detail, /package\.json has no "license"/);
  assert.match(find(checks, 'license').detail, /no LICENSE, LICENSE\.md or LICENSE\.txt in the \.vsix/);

  // Either half alone is not enough for this project; UNLICENSED is no licence.
  const noFile = goodFiles();
  noFile.delete('extension/LICENSE.txt');
  assert.match(find(manifestChecks(goodPkg(), noFile), 'license').detail, /incomplete license: no LICENSE, LICENSE\.md or LICENSE\.txt/);
  const unlicensed = { ...goodPkg(), license: 'UNLICENSED' };
  assert.match(find(manifestChecks(unlicensed), 'license').detail, /UNLICENSED" is not an open-source license/);
  const seeFile = { ...goodPkg(), license: 'SEE LICENSE IN LICENSE.md' };
  assert.match(find(manifestChecks(seeFile), 'license').detail, /no LICENSE\.md in the \.vsix/);
});

test('the icon must be a square PNG of at least 128×128 that is in the package', () => {
  const small = goodFiles();
  small.set('extension/media/icon.png', png(64, 64));
  const icon = find(manifestChecks(goodPkg(), small), 'icon');
  assert.equal(icon.ok, false);
  assert.match(icon.detail, /extension\/media\/icon\.png is 64×64: it must be square and at least 128×128/);

  const wide = goodFiles();
  wide.set('extension/media/icon.png', png(256, 128));
  assert.match(find(manifestChecks(goodPkg(), wide), 'icon').detail, /256×128/);

  const notPng = goodFiles();
  notPng.set('extension/media/icon.png', Buffer.from('GIF89a....'));
  assert.match(find(manifestChecks(goodPkg(), notPng), 'icon').detail, /is not a PNG file/);

  assert.match(find(manifestChecks({ ...goodPkg(), icon: 'media/icon.svg' }), 'icon').detail, /is an SVG/);
  assert.match(find(manifestChecks({ ...goodPkg(), icon: 'media/logo.png' }), 'icon').detail, /extension\/media\/logo\.png is not in the \.vsix/);
  assert.match(find(manifestChecks({ ...goodPkg(), icon: undefined }), 'icon').detail, /package\.json has no "icon"/);
});

test('files outside the allow-list are named', async () => {
  const files = goodFiles();
  files.set('extension/src/extension.ts', Buffer.from('export {}'));
  files.set('extension/node_modules/left-pad/index.js', Buffer.from('module.exports = 1'));
  files.set('extension/dist/extension.js.map', Buffer.from('{}'));
  const checks = await checkVsix(writeVsix({ files }));
  const allow = find(checks, 'allow-list');
  assert.equal(allow.ok, false);
  assert.match(allow.detail, /^3 files outside extension\/\{dist\/extension\.js, dist\/cli\.js, dist\/cli\.bundle-<hash>\.js, dist\/\*\.LEGAL\.txt, media\/\*\*/);
  for (const f of ['extension/src/extension.ts', 'extension/node_modules/left-pad/index.js', 'extension/dist/extension.js.map']) assert.ok(allow.detail.includes(f), f);
  assert.match(allow.detail, /exclude them in \.vscodeignore/);
  // Everything else about the package is still fine.
  assert.deepEqual(failed(checks).map((f) => f.split(':')[0]), ['allow-list']);
});

test('a package over the 1.5 MiB budget fails the size check and names the largest entries', async () => {
  const files = goodFiles();
  files.set('extension/media/demo.gif', randomBytes(MAX_VSIX_BYTES + 10_000));
  const checks = await checkVsix(writeVsix({ files, store: ['extension/media/demo.gif'] }));
  const size = find(checks, 'size');
  assert.equal(size.ok, false);
  assert.match(size.detail, /is over the 1536 KiB budget: the largest entries are extension\/media\/demo\.gif/);
});

test('every path package.json refers to must be in the package, walkthrough variants included', () => {
  const pkg = goodPkg();
  const steps = (pkg.contributes.walkthroughs as { steps: { media: Record<string, unknown> }[] }[])[0]!.steps;
  steps[0]!.media = { markdown: 'media/walkthrough/missing.md' };
  steps[1]!.media = { image: { light: 'media/walkthrough/light.png', dark: 'media/walkthrough/missing-dark.png', hc: 'media/walkthrough/hc.png' }, altText: 'x' };
  pkg.contributes.viewsContainers = { activitybar: [{ id: 'daytona', title: 'Daytona', icon: './media/Daytona-Activity.svg' }] };
  pkg.main = './dist/missing.js';
  const paths = find(manifestChecks(pkg), 'paths');
  assert.equal(paths.ok, false);
  assert.match(paths.detail, /^4 paths package\.json refers to are not in the \.vsix/);
  assert.match(paths.detail, /contributes\.walkthroughs\[0\]\.steps\[0\]\.media\.markdown "media\/walkthrough\/missing\.md"/);
  assert.match(paths.detail, /contributes\.walkthroughs\[0\]\.steps\[1\]\.media\.image\.dark "media\/walkthrough\/missing-dark\.png"/);
  assert.match(paths.detail, /contributes\.viewsContainers\.activitybar\[0\]\.icon "\.\/media\/Daytona-Activity\.svg" \(only extension\/media\/daytona-activity\.svg exists: case differs\)/);
  assert.match(paths.detail, /main "\.\/dist\/missing\.js"/);

  // An image inside a walkthrough page resolves relative to the page.
  const files = goodFiles();
  files.set('extension/media/walkthrough/set-key.md', Buffer.from('## Connect\n\n![key](key.png)\n'));
  assert.match(find(manifestChecks(goodPkg(), files), 'paths').detail, /image "key\.png" in media\/walkthrough\/set-key\.md/);
  files.set('extension/media/walkthrough/key.png', png(16, 16));
  assert.equal(find(manifestChecks(goodPkg(), files), 'paths').ok, true);
});

test('publisher and name must follow the Open VSX and vsce naming rules', () => {
  const checks = manifestChecks({ ...goodPkg(), publisher: 'Sandbox Tools' });
  const ns = find(checks, 'namespace');
  assert.equal(ns.ok, false);
  assert.match(ns.detail, /"publisher": "Sandbox Tools" is not a valid namespace \(publisher id, not its display name\): Open VSX allows only letters, digits, _ - \+ \$ ~/);
  assert.match(find(checks, 'vsce manifest rules').detail, /Invalid extension "publisher": "Sandbox Tools"/);

  assert.match(find(manifestChecks({ ...goodPkg(), name: 'daytona/mcp' }), 'name').detail, /"name": "daytona\/mcp" is not a valid extension name/);
  assert.match(find(manifestChecks({ ...goodPkg(), publisher: undefined }), 'namespace').detail, /"publisher" is missing/);
  // Open VSX accepts "~" but vsce does not: still a failure, with vsce's reason.
  assert.match(find(manifestChecks({ ...goodPkg(), name: 'tilde~name' }), 'name').detail, /vsce wants letters, digits and "-"/);
});

test('version, engines, displayName and description are validated like the server does', () => {
  assert.match(find(manifestChecks({ ...goodPkg(), version: '1.0' }), 'version').detail, /not a semantic version/);
  assert.match(find(manifestChecks({ ...goodPkg(), engines: {} }), 'engines.vscode').detail, /no "engines": \{ "vscode"/);
  assert.match(find(manifestChecks({ ...goodPkg(), engines: { vscode: '~1.96' } }), 'engines.vscode').detail, /"~1\.96" is not a range vsce accepts/);
  assert.match(find(manifestChecks({ ...goodPkg(), displayName: 'D'.repeat(256) }), 'displayName').detail, /256 characters: Open VSX allows at most 255/);
  assert.match(find(manifestChecks({ ...goodPkg(), description: 'd'.repeat(2049) }), 'description').detail, /2049 characters: Open VSX allows at most 2048/);
  assert.match(find(manifestChecks({ ...goodPkg(), displayName: 'Day\u0000tona' }), 'displayName').detail, /invalid \(control\/format\) character at index 3/);
  assert.match(find(manifestChecks({ ...goodPkg(), galleryBanner: { theme: 'blue' } }), 'metadata').detail, /galleryBanner\.theme "blue"/);
});

test('repository, bugs and homepage are optional, and when present absolute https URLs', () => {
  const missing = manifestChecks({ ...goodPkg(), repository: undefined, bugs: undefined, homepage: undefined });
  for (const field of ['repository', 'bugs', 'homepage']) {
    assert.equal(find(missing, field).ok, true, field);
    assert.match(find(missing, field).detail, /^none \(optional; when there is a public one: /);
  }
  assert.match(find(manifestChecks({ ...goodPkg(), homepage: 'http://example.com' }), 'homepage').detail, /"http:\/\/example\.com" is not an absolute https URL/);
  assert.match(find(manifestChecks({ ...goodPkg(), bugs: { url: 'github.com/x/y/issues' } }), 'bugs').detail, /is not an absolute https URL/);
  assert.equal(find(manifestChecks({ ...goodPkg(), repository: `git+${REPO}.git` }), 'repository').ok, true);
});

test('README images must be https and not untrusted SVGs; relative links are reported', () => {
  const files = goodFiles();
  files.set('extension/readme.md', Buffer.from([
    '![shot](docs/images/view.png)',
    '![logo](https://example.com/logo.svg)',
    '<img src="http://example.com/a.png">',
    '![ok](https://img.shields.io/badge/x-y-green.svg)',
    'See [architecture](docs/architecture.md).',
  ].join('\n\n')));
  const checks = manifestChecks(goodPkg(), files);
  const images = find(checks, 'readme images');
  assert.equal(images.ok, false);
  assert.match(images.detail, /1 relative image \(docs\/images\/view\.png\) that Open VSX cannot show/);
  assert.match(images.detail, /SVG image "https:\/\/example\.com\/logo\.svg" is not from a trusted badge host/);
  assert.match(images.detail, /image "http:\/\/example\.com\/a\.png" is not https/);
  assert.match(images.detail, /drop --no-rewrite-relative-links/);
  assert.doesNotMatch(images.detail, /shields/);
  assert.match(find(checks, 'readme links').detail, /1 relative link will be broken on Open VSX \(docs\/architecture\.md\)/);
});

test('secrets and secret files in the package are caught, and not echoed in full', async () => {
  const key = `dtn_${'a1B2c3D4e5F6'.repeat(4)}`;
  const files = goodFiles();
  files.set('extension/dist/extension.js', Buffer.from(`const DEFAULT_KEY="${key}";module.exports={activate(){}};`));
  files.set('extension/media/.env', Buffer.from('DAYTONA_API_KEY=whatever\n'));
  files.set('extension/media/server.pem', Buffer.from(['-----BEGIN', 'RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n'].join(' ')));
  const checks = await checkVsix(writeVsix({ files }));
  const secrets = find(checks, 'secrets');
  assert.equal(secrets.ok, false);
  assert.match(secrets.detail, /extension\/dist\/extension\.js: Daytona API key "dtn_a1B2…"/);
  assert.match(secrets.detail, /extension\/media\/\.env \(\.env file\)/);
  assert.match(secrets.detail, /extension\/media\/server\.pem \(key\/certificate file\)/);
  assert.match(secrets.detail, /extension\/media\/server\.pem: private key/);
  assert.match(secrets.detail, /revoke it/);
  assert.ok(!formatReport(checks).includes(key), 'the key itself is never printed');
  // The test-style placeholder keys are too short to look real.
  const placeholder = goodFiles();
  placeholder.set('extension/dist/cli.js', Buffer.from('if (key === "dtn_wrong") throw 0; const re = /^dtn_[a-f0-9]{64}$/;'));
  assert.equal(find(await checkVsix(writeVsix({ files: placeholder })), 'secrets').ok, true);
});

test('archive problems: missing or malformed manifests, identity mismatch, extra fields, not a zip', async () => {
  const noManifest = await checkVsix(writeVsix({ override: { 'extension.vsixmanifest': null } }));
  assert.match(find(noManifest, 'vsixmanifest').detail, /extension\.vsixmanifest is missing/);

  const badXml = await checkVsix(writeVsix({ override: { 'extension.vsixmanifest': '<PackageManifest><Metadata></PackageManifest>' } }));
  assert.match(find(badXml, 'vsixmanifest').detail, /not well-formed XML/);

  const noTypes = await checkVsix(writeVsix({ override: { '[Content_Types].xml': contentTypes(['a.json']) } }));
  assert.match(find(noTypes, 'content-types').detail, /no content type for .*\.md/);

  const badJson = await checkVsix(writeVsix({ override: { 'extension/package.json': '{ "name": ' } }));
  assert.match(find(badJson, 'package.json').detail, /not valid JSON/);

  const mismatch = await checkVsix(writeVsix({ identity: { Version: '0.2.0' } }));
  assert.match(find(mismatch, 'identity').detail, /Version="0\.2\.0" but package\.json says "0\.1\.0"/);

  const extra = await checkVsix(writeVsix({ extra: ['extension/dist/cli.js'] }));
  assert.match(find(extra, 'zip').detail, /extension\/dist\/cli\.js has zip extra fields, which Open VSX rejects/);

  const notZip = join(dir, 'not-a.vsix');
  writeFileSync(notZip, 'PK but not really');
  assert.match(find(await checkVsix(notZip), 'zip').detail, /is not a readable zip: not a zip file/);
  assert.match(find(await checkVsix(join(dir, 'absent.vsix')), 'vsix').detail, /does not exist: run npm run package or pass --vsix/);
});

test('arguments: only --vsix <path> and --help; anything else is an error rather than a build', () => {
  assert.deepEqual(parseArgs([]), { vsix: undefined });
  assert.deepEqual(parseArgs(['--vsix', 'a.vsix']), { vsix: 'a.vsix' });
  assert.deepEqual(parseArgs(['--help']), { help: true });
  assert.match(parseArgs(['--bogus']).error ?? '', /unknown argument --bogus/);
  assert.match(parseArgs(['a.vsix']).error ?? '', /unknown argument a\.vsix/);
  assert.match(parseArgs(['--vsix']).error ?? '', /--vsix needs a path/);
  assert.match(parseArgs(['--vsix', '--bogus']).error ?? '', /--vsix needs a path/);
  assert.match(parseArgs(['--vsix', 'a.vsix', 'b']).error ?? '', /unknown argument b/);
});

test('the CLI prints one line per check and exits 1 on a failure, 0 when all pass', async () => {
  const script = resolve(root, 'scripts/publish-check.mjs');
  const pkg = goodPkg();
  delete pkg.license;
  const run = (vsix: string) => promisify(execFile)(process.execPath, [script, '--vsix', vsix], { encoding: 'utf8' })
    .then(({ stdout }) => ({ code: 0, stdout }), (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }));
  const [bad, good] = await Promise.all([run(writeVsix({ pkg })), run(writeVsix())]);

  assert.equal(bad.code, 1, bad.stdout);
  assert.match(bad.stdout, /^✗ license +incomplete license: package\.json has no "license"/m);
  assert.match(bad.stdout, /^✓ icon /m);
  assert.match(bad.stdout, /Skipped \(need the network; ovsx publish \/ the registry does these\):\n {2}- PAT verification/);
  assert.match(bad.stdout, /publish-check: 1 of \d+ checks failed \(license\)/);

  assert.equal(good.code, 0, good.stdout);
  assert.match(good.stdout, /publish-check: all \d+ checks passed/);
  assert.doesNotMatch(good.stdout, /^✗/m);
});

test('the packaged README must be the store page: user sections, no development text', () => {
  const files = goodFiles();
  files.set('extension/readme.md', Buffer.from('# Daytona\n\n## The two commands\n\n```bash\nnpm ci && npm start\nnpm ci && npm test\n```\n\nFixed in #25.\n\n## Install\n\n`npx -y @sandbox-tools/daytona-mcp init claude`\n'));
  const check = find(manifestChecks(goodPkg(), files), 'store page');
  assert.equal(check.ok, false);
  assert.match(check.detail, /missing sections: What it does, First steps, Agents, Settings, Troubleshooting, Privacy/);
  assert.match(check.detail, /developer text: "npm ci" \(a development command\), "npm test", issue numbers, npx of the unpublished CLI package/);
});

test('the packaged CHANGELOG must have the version\'s section, not called unreleased; store-files writes it so', () => {
  const unreleased = '# Changelog\n\n## 0.1.0 — unreleased\n- First\n\n## 0.0.9\n- Old\n';
  const files = goodFiles();
  files.set('extension/changelog.md', Buffer.from(unreleased));
  assert.match(find(manifestChecks(goodPkg(), files), 'changelog version').detail, /"## 0\.1\.0 — unreleased" calls the packaged version unreleased/);
  files.set('extension/changelog.md', Buffer.from('# Changelog\n\n## 0.0.9\n- Old\n'));
  assert.match(find(manifestChecks(goodPkg(), files), 'changelog version').detail, /no "## 0\.1\.0" section/);
  const packaged = storeChangelog(unreleased, '0.1.0');
  assert.equal(packaged, '# Changelog\n\n## 0.1.0\n- First\n\n## 0.0.9\n- Old\n');
  files.set('extension/changelog.md', Buffer.from(packaged));
  assert.equal(find(manifestChecks(goodPkg(), files), 'changelog version').ok, true);
  assert.throws(() => storeChangelog(unreleased, '0.2.0'), /no "## 0\.2\.0" section/);
});

test('the real package (npm run package) carries the store page and a released CHANGELOG, and names no repository', async () => {
  const vsix = join(dir, 'real.vsix');
  await promisify(execFile)(process.execPath, [join(root, 'scripts/store-files.mjs')], { cwd: root });
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  // The package script's own vsce arguments, with the output redirected here.
  const args = (pkg.scripts.package as string).split('vsce package ')[1]!.replace(/-o \S+/, `-o ${vsix}`).split(/\s+/);
  await promisify(execFile)(join(root, 'node_modules/.bin/vsce'), ['package', ...args], { cwd: root });
  const checks = await checkVsix(vsix);
  assert.deepEqual(failed(checks), []);
  assert.equal(find(checks, 'store page').detail, '7 user sections, no development text');
  assert.equal(find(checks, 'changelog version').detail, `## ${pkg.version}`);
  for (const field of ['repository', 'bugs', 'homepage']) assert.equal(pkg[field], undefined, `${field} names a repository nothing shows to exist`);
  const readme = readZip(readFileSync(vsix)).find((e) => e.name === 'extension/readme.md')!.data.toString();
  assert.equal(readme, readFileSync(join(root, 'docs/store/README.md'), 'utf8'), 'the store page as written, links not rewritten');
});

test('dist/cli.js that reads a bundle beside it: the .vsix must carry that bundle', async () => {
  const loader = Buffer.from('#!/usr/bin/env node\nconst b = ".bundle-0123456789abcdef.js";\n');
  const withBundle = goodFiles();
  withBundle.set('extension/dist/cli.js', loader);
  withBundle.set('extension/dist/cli.bundle-0123456789abcdef.js', Buffer.from('(function (exports, require, module, __filename, __dirname) {\n})'));
  const ok = await checkVsix(writeVsix({ files: withBundle }));
  assert.equal(find(ok, 'server bundle').ok, true, find(ok, 'server bundle').detail);
  assert.equal(find(ok, 'allow-list').ok, true, find(ok, 'allow-list').detail);

  const without = goodFiles();
  without.set('extension/dist/cli.js', loader);
  const missing = find(await checkVsix(writeVsix({ files: without })), 'server bundle');
  assert.equal(missing.ok, false);
  assert.match(missing.detail, /extension\/dist\/cli\.bundle-0123456789abcdef\.js, which dist\/cli\.js reads, is not in the \.vsix/);
});
