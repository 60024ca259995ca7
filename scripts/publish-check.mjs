// Offline dry run of an Open VSX publish: builds the .vsix exactly as `npm run package` does (or takes
// `--vsix <path>`), then runs on it the checks that `ovsx publish` and the Open VSX server would, plus
// this project's own packaging rules. Nothing is uploaded and no registry is contacted.
//
//   node scripts/publish-check.mjs                 # npm run package, then check dist/daytona-sandboxes.vsix
//   node scripts/publish-check.mjs --vsix x.vsix   # check an existing package
//
// Where the rules come from:
// - ovsx (eclipse/openvsx cli/src): publish.ts packages with vsce's createVSIX, check-license.ts wants a
//   package.json "license" or a LICENSE file, zip.ts reads extension/package.json from the .vsix.
// - the server (server/src/main/java/org/eclipse/openvsx): ExtensionProcessor reads the identity, links
//   and assets from extension.vsixmanifest; ExtensionValidator checks names, semver and field sizes;
//   PublishExtensionVersionHandler requires a license and rejects zip entries with extra fields;
//   ArchiveUtil caps entries at 32 MiB.
// - vsce (microsoft/vscode-vsce src): validation.ts and package.ts's validateManifestForPackaging (called
//   here as is), MarkdownProcessor's README image rules, LicenseProcessor's LICENSE naming.
// Steps that need the network are listed in NETWORK_STEPS and printed as skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { BUNDLE_SUFFIX } from './cli-bundle.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_VSIX = 'dist/daytona-sandboxes.vsix';

/** This project's budget for the packaged .vsix (the Open VSX default limit is 512 MiB). */
export const MAX_VSIX_BYTES = 1.5 * 1024 * 1024;

/** Files the .vsix may carry below extension/, as in .vscodeignore. README/CHANGELOG/LICENSE match in any case
 * (vsce lower-cases readme.md and changelog.md and renames an extension-less LICENSE to LICENSE.txt). */
export const ALLOWED_FILES = [
  { label: 'dist/extension.js', re: /^dist\/extension\.js$/ },
  { label: 'dist/cli.js', re: /^dist\/cli\.js$/ },
  { label: 'dist/cli.bundle-<hash>.js', re: /^dist\/cli\.bundle-[0-9a-f]{16}\.js$/ },
  { label: 'dist/*.LEGAL.txt', re: /^dist\/[^/]+\.LEGAL\.txt$/ },
  { label: 'media/**', re: /^media\/.+[^/]$/ },
  { label: 'README.md', re: /^readme\.md$/i },
  { label: 'CHANGELOG.md', re: /^changelog\.md$/i },
  { label: 'LICENSE[.txt|.md]', re: /^licen[cs]e(\.txt|\.md)?$/i },
  { label: 'package.json', re: /^package\.json$/ },
];

/** The steps of `ovsx publish` that this script cannot reproduce offline. */
export const NETWORK_STEPS = [
  'PAT verification: ovsx getPAT -> Registry.verifyPat, GET /api/{namespace}/verify-pat (cli/src/pat.ts, cli/src/registry.ts)',
  'namespace exists and the token may publish to it: server "Unknown publisher" / "Insufficient access rights" (PublishExtensionVersionHandler.createExtensionVersion)',
  'version not already published: server repositories.findVersion -> "Extension ... is already published" (same method; ovsx --skip-duplicate)',
  "the registry's size limit for the namespace: GET /api/version and /api/-/size-limit (newer ovsx); the server default is 512 MiB (ExtensionService max-content-size)",
  'extensionDependencies resolve on the registry (PublishExtensionVersionHandler.checkDependencies)',
  "server-side scans: known-malicious ids, name similarity, gitleaks secret rules, blocklist (server scanning/, search/SimilarityCheckService)",
  'the upload itself: POST /api/-/publish',
];

/** Hosts from which vsce accepts SVG images in a README (vsce src/package.ts TrustedSVGSources). */
const TRUSTED_SVG_HOSTS = new Set([
  'api.travis-ci.com', 'app.fossa.io', 'badge.buildkite.com', 'badge.fury.io', 'badgen.net', 'badges.frapsoft.com',
  'badges.gitter.im', 'cdn.travis-ci.com', 'ci.appveyor.com', 'circleci.com', 'cla.opensource.microsoft.com', 'codacy.com',
  'codeclimate.com', 'codecov.io', 'coveralls.io', 'david-dm.org', 'deepscan.io', 'dev.azure.com', 'docs.rs', 'flat.badgen.net',
  'gitlab.com', 'godoc.org', 'goreportcard.com', 'img.shields.io', 'isitmaintained.com', 'marketplace.visualstudio.com',
  'nodesecurity.io', 'opencollective.com', 'snyk.io', 'travis-ci.com', 'visualstudio.com', 'vsmarketplacebadges.dev',
]);
const isTrustedSvg = (url) => TRUSTED_SVG_HOSTS.has(url.host.toLowerCase()) ||
  /^https:\/\/github\.com\/[^/]+\/[^/]+\/(actions\/)?workflows\/.*badge\.svg/.test(url.href);

/** Open VSX ExtensionValidator: namespace and extension names, field sizes. */
const OPENVSX_NAME = /^[\w\-+$~]+$/;
const OPENVSX_STRING_MAX = 255;
const OPENVSX_DESCRIPTION_MAX = 2048;
/** vsce validation.ts: publisher and name. */
const VSCE_NAME = /^[a-z0-9][a-z0-9-]*$/i;
/** vsce validation.ts validateEngineCompatibility. */
const VSCE_ENGINE = /^\*$|^(\^|>=)?((\d+)|x)\.((\d+)|x)\.((\d+)|x)(-.*)?$/;
/** ArchiveUtil.MAX_ENTRY_SIZE: the server refuses to read a larger manifest, README, icon, ... */
const SERVER_MAX_ENTRY = 32 * 1024 * 1024;

const SECRET_PATTERNS = [
  { what: 'Daytona API key', re: /(?<![A-Za-z0-9])dtn_[A-Za-z0-9]{20,}/g },
  { what: 'private key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
  { what: 'GitHub token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})/g },
  { what: 'npm token', re: /\bnpm_[A-Za-z0-9]{36}\b/g },
];
const SECRET_FILES = [
  { what: '.env file', re: /(^|\/)\.env(\.[^/]*)?$/i },
  { what: 'key/certificate file', re: /\.(pem|key|p12|pfx|jks|keystore)$/i },
  { what: 'SSH key', re: /(^|\/)id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/i },
  { what: 'npm/yarn credentials', re: /(^|\/)\.(npmrc|yarnrc(\.yml)?)$/i },
];

// --- vsce's own helpers (its dependencies, reached through it so that nothing new is installed) ---

let vsceCache;
function vsce() {
  if (vsceCache) return vsceCache;
  const req = createRequire(createRequire(import.meta.url).resolve('@vscode/vsce/package.json'));
  const load = (id) => {
    try {
      return req(id);
    } catch (err) {
      throw new Error(`publish-check needs ${id} from @vscode/vsce (run npm ci): ${err.message}`, { cause: err });
    }
  };
  vsceCache = {
    version: load('./package.json').version,
    pkg: load('./out/package.js'), // validateManifestForPackaging
    zip: load('./out/zip.js'), // readZip (yauzl), as vsce and ovsx read a .vsix
    xml: load('./out/xml.js'), // parseXmlManifest (xml2js, strict)
    semver: load('semver'),
    MarkdownIt: load('markdown-it'),
    cheerio: load('cheerio'),
  };
  return vsceCache;
}

// --- zip ---

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data) {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Reads a zip's central directory and inflates every entry. Throws on anything a zip reader would refuse
 * (no end record, bad signatures, encryption, zip64, an unknown method, a CRC mismatch).
 */
export function readZip(input) {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end-of-central-directory record)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || p === 0xffffffff) throw new Error('zip64 archives are not supported');
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`corrupt central directory at entry ${i + 1}`);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength);
    p += 46 + nameLength + extraLength + commentLength;
    if (flags & 1) throw new Error(`${name} is encrypted`);
    if (localOffset + 30 > buf.length || buf.readUInt32LE(localOffset) !== 0x04034b50) throw new Error(`${name}: bad local header`);
    const localExtraLength = buf.readUInt16LE(localOffset + 28);
    const start = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + localExtraLength;
    const raw = buf.subarray(start, start + compressedSize);
    if (raw.length !== compressedSize) throw new Error(`${name} is truncated`);
    let data;
    if (method === 0) data = raw;
    else if (method === 8) data = inflateRawSync(raw, { maxOutputLength: Math.max(size, 1) });
    else throw new Error(`${name} uses compression method ${method} (only stored and deflate are valid in a .vsix)`);
    if (data.length !== size) throw new Error(`${name}: ${data.length} bytes inflated, ${size} declared`);
    if (crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`);
    entries.push({ name, size, compressedSize, method, extraLength, localExtraLength, data });
  }
  return entries;
}

// --- helpers ---

const pass = (name, detail) => ({ name, ok: true, detail });
const fail = (name, detail) => ({ name, ok: false, detail });
const plural = (n, word) => `${n} ${n === 1 ? word : word.endsWith('y') ? `${word.slice(0, -1)}ie` : word}${n === 1 ? '' : 's'}`;
const some = (list, max = 3) => `${list.slice(0, max).join(', ')}${list.length > max ? ', …' : ''}`;
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
const toText = (data, encoding = 'utf8') => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString(encoding);

/** The entry named `name`, exactly or else ignoring case (as the server looks up README/CHANGELOG). */
function lookup(files, name) {
  if (files.has(name)) return { name, data: files.get(name) };
  const lower = name.toLowerCase();
  for (const [key, data] of files) if (key.toLowerCase() === lower) return { name: key, data };
  return undefined;
}

/** Width and height from a PNG's IHDR chunk, or undefined when `data` is not a PNG. */
export function pngSize(data) {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!data || data.length < 24 || sig.some((b, i) => data[i] !== b)) return undefined;
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** The first character that Open VSX rejects in a text field (ExtensionValidator.checkCharacters). */
function badCharacter(value, allowed = '') {
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (allowed.includes(ch)) continue;
    if (/[\p{Cc}\p{Cf}\p{Cn}\p{Co}\p{Zl}\p{Zp}]/u.test(ch)) return i;
  }
  return -1;
}

/** A repository/bugs/homepage value as a URL string (npm allows { url } objects). */
function urlOf(value) {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof value.url === 'string') return value.url;
  return undefined;
}

/** Property values from a parsed extension.vsixmanifest, by Id. */
function vsixProperties(vsixManifest) {
  const props = vsixManifest?.PackageManifest?.Metadata?.[0]?.Properties?.[0]?.Property ?? [];
  return new Map(props.map((p) => [p.$?.Id, p.$?.Value]));
}
function vsixAssets(vsixManifest) {
  const assets = vsixManifest?.PackageManifest?.Assets?.[0]?.Asset ?? [];
  return assets.map((a) => ({ type: a.$?.Type, path: a.$?.Path }));
}

// --- checks on package.json and the files it points at ---

/**
 * The manifest checks: `pkg` is extension/package.json, `files` the .vsix's entries by full name
 * (extension/...). With `vsixManifest` (extension.vsixmanifest parsed by xml2js) the values the server
 * reads from it are checked against package.json too. Pure: no I/O.
 */
export function checkManifest(pkg, files, options = {}) {
  const { vsixManifest } = options;
  const checks = [];
  const { semver, pkg: vscePkg } = vsce();

  try {
    vscePkg.validateManifestForPackaging(pkg);
    checks.push(pass('vsce manifest rules', `validateManifestForPackaging (@vscode/vsce ${vsce().version}) accepts extension/package.json`));
  } catch (err) {
    checks.push(fail('vsce manifest rules', `${err.message ?? err}`));
  }

  if (vsixManifest) {
    const identity = vsixManifest.PackageManifest?.Metadata?.[0]?.Identity?.[0]?.$ ?? {};
    const mismatches = [['Publisher', pkg.publisher], ['Id', pkg.name], ['Version', pkg.version]]
      .filter(([key, value]) => identity[key] !== value)
      .map(([key, value]) => `${key}="${identity[key] ?? ''}" but package.json says "${value ?? ''}"`);
    checks.push(mismatches.length
      ? fail('identity', `extension.vsixmanifest <Identity> ${mismatches.join('; ')} — the server publishes what the vsixmanifest says: repackage`)
      : pass('identity', `${identity.Publisher}.${identity.Id}@${identity.Version} (extension.vsixmanifest <Identity>, as the server reads it)`));
  }

  const nameCheck = (check, field, value, what) => {
    if (typeof value !== 'string' || value === '' || value === '-') {
      return fail(check, `package.json "${field}" is missing: set the ${what}`);
    }
    const problems = [];
    if (!OPENVSX_NAME.test(value)) problems.push(`Open VSX allows only letters, digits, _ - + $ ~ in a ${what}`);
    if (value.length > OPENVSX_STRING_MAX) problems.push(`Open VSX allows at most ${OPENVSX_STRING_MAX} characters`);
    if (!VSCE_NAME.test(value)) problems.push('vsce wants letters, digits and "-", starting with a letter or digit');
    return problems.length
      ? fail(check, `"${field}": "${value}" is not a valid ${what}: ${problems.join('; ')}`)
      : pass(check, `"${value}" is a valid Open VSX ${what}`);
  };
  checks.push(nameCheck('namespace', 'publisher', pkg.publisher, 'namespace (publisher id, not its display name)'));
  checks.push(nameCheck('name', 'name', pkg.name, 'extension name'));

  const version = pkg.version;
  if (typeof version !== 'string' || !semver.valid(version)) {
    checks.push(fail('version', `"version": "${version ?? ''}" is not a semantic version (https://semver.org)`));
  } else if (['latest', 'pre-release', 'reviews'].includes(version)) {
    checks.push(fail('version', `"version": "${version}" is reserved by Open VSX`));
  } else {
    checks.push(pass('version', `${version} is valid semver (whether it is already published needs the registry: skipped)`));
  }

  const engine = pkg.engines?.vscode;
  if (typeof engine !== 'string' || engine === '') {
    checks.push(fail('engines.vscode', 'package.json has no "engines": { "vscode": "^1.x.y" }'));
  } else if (!VSCE_ENGINE.test(engine) || !semver.validRange(engine)) {
    checks.push(fail('engines.vscode', `"${engine}" is not a range vsce accepts (e.g. "^1.96.0")`));
  } else {
    checks.push(pass('engines.vscode', `"${engine}" (VS Code ${semver.minVersion(engine)} and later)`));
  }

  checks.push(checkLicense(pkg, files, vsixManifest));

  const displayName = pkg.displayName;
  if (typeof displayName !== 'string' || displayName.trim() === '') {
    checks.push(fail('displayName', 'package.json has no "displayName": Open VSX would show the bare extension name'));
  } else if (displayName.length > OPENVSX_STRING_MAX) {
    checks.push(fail('displayName', `${displayName.length} characters: Open VSX allows at most ${OPENVSX_STRING_MAX}`));
  } else if (badCharacter(displayName) >= 0) {
    checks.push(fail('displayName', `invalid (control/format) character at index ${badCharacter(displayName)}`));
  } else {
    checks.push(pass('displayName', `"${displayName}" (${displayName.length}/${OPENVSX_STRING_MAX} characters)`));
  }

  const description = pkg.description;
  if (typeof description !== 'string' || description.trim() === '') {
    checks.push(fail('description', 'package.json has no "description"'));
  } else if (description.length > OPENVSX_DESCRIPTION_MAX) {
    checks.push(fail('description', `${description.length} characters: Open VSX allows at most ${OPENVSX_DESCRIPTION_MAX}`));
  } else if (badCharacter(description, '\u200d') >= 0) {
    checks.push(fail('description', `invalid (control/format) character at index ${badCharacter(description, '\u200d')}`));
  } else {
    checks.push(pass('description', `${description.length}/${OPENVSX_DESCRIPTION_MAX} characters`));
  }

  checks.push(checkMetadata(pkg));

  const props = vsixManifest ? vsixProperties(vsixManifest) : undefined;
  const links = [
    ['repository', 'Microsoft.VisualStudio.Services.Links.Source', `"repository": { "type": "git", "url": "https://github.com/${pkg.publisher}/${pkg.name}" }`],
    ['bugs', 'Microsoft.VisualStudio.Services.Links.Support', `"bugs": { "url": "https://github.com/${pkg.publisher}/${pkg.name}/issues" }`],
    ['homepage', 'Microsoft.VisualStudio.Services.Links.Learn', `"homepage": "https://github.com/${pkg.publisher}/${pkg.name}#readme"`],
  ];
  for (const [field, property, example] of links) {
    const raw = urlOf(pkg[field]);
    if (!raw) {
      // Optional for ovsx and the server; a link to a repository nobody can open is worse than none
      // (vsce then needs --allow-missing-repository, and --no-rewrite-relative-links for the README).
      checks.push(pass(field, `none (optional; when there is a public one: ${example})`));
      continue;
    }
    const value = raw.replace(/^git\+/, '');
    let url;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== 'https:' || !url.hostname) {
      checks.push(fail(field, `"${raw}" is not an absolute https URL: use e.g. ${example}`));
    } else if (raw.length > OPENVSX_STRING_MAX) {
      checks.push(fail(field, `"${raw}" is longer than Open VSX's ${OPENVSX_STRING_MAX} characters`));
    } else if (props && !props.get(property)) {
      checks.push(fail(field, `package.json has it but extension.vsixmanifest lacks ${property} (the server reads it there): repackage`));
    } else {
      checks.push(pass(field, raw));
    }
  }

  checks.push(checkIcon(pkg, files, vsixManifest));

  for (const [check, file, assetType] of [
    ['readme', 'extension/README.md', 'Microsoft.VisualStudio.Services.Content.Details'],
    ['changelog', 'extension/CHANGELOG.md', 'Microsoft.VisualStudio.Services.Content.Changelog'],
  ]) {
    const entry = lookup(files, file);
    const asset = vsixManifest ? vsixAssets(vsixManifest).find((a) => a.type === assetType) : undefined;
    if (!entry) checks.push(fail(check, `${file} is not in the .vsix: keep it in .vscodeignore's allow-list`));
    else if (entry.data.length === 0) checks.push(fail(check, `${entry.name} is empty`));
    else if (vsixManifest && !asset) checks.push(fail(check, `extension.vsixmanifest has no ${assetType} asset: repackage with vsce`));
    else checks.push(pass(check, `${entry.name} (${kb(entry.data.length)})`));
  }

  checks.push(...checkReadme(pkg, files));
  checks.push(...checkStorePage(pkg, files));
  checks.push(checkPaths(pkg, files));
  return checks;
}

function checkLicense(pkg, files, vsixManifest) {
  const license = typeof pkg.license === 'string' ? pkg.license.trim() : '';
  const seeFile = /^SEE LICENSE IN (.+)$/.exec(license)?.[1];
  const file = seeFile
    ? lookup(files, posix.join('extension', seeFile))
    : [...files.keys()].filter((n) => /^extension\/licen[cs]e(\.(md|txt))?$/i.test(n)).map((n) => ({ name: n, data: files.get(n) }))[0];
  const problems = [];
  if (!license) problems.push('package.json has no "license" (an SPDX id such as "Apache-2.0")');
  else if (/^UNLICENSED$/i.test(license)) problems.push('"license": "UNLICENSED" is not an open-source license, which open-vsx.org requires');
  else if (license.length > OPENVSX_STRING_MAX) problems.push(`"license" is longer than ${OPENVSX_STRING_MAX} characters`);
  if (!file) problems.push(`no ${seeFile ?? 'LICENSE, LICENSE.md or LICENSE.txt'} in the .vsix (add the file and keep it in .vscodeignore's allow-list)`);
  else if (file.data.length === 0) problems.push(`${file.name} is empty`);
  if (file && vsixManifest) {
    const declared = vsixManifest.PackageManifest?.Metadata?.[0]?.License?.[0] ??
      vsixAssets(vsixManifest).find((a) => a.type === 'Microsoft.VisualStudio.Services.Content.License')?.path;
    if (!declared) problems.push('extension.vsixmanifest names no <License> (the server looks for it there): repackage with vsce');
  }
  if (problems.length) {
    const verdict = !license && !file ? 'no license: ovsx and open-vsx.org refuse it ("This extension cannot be accepted because it has no license.")' : 'incomplete license';
    return fail('license', `${verdict}: ${problems.join('; ')}`);
  }
  return pass('license', `"${license}" and ${file.name}`);
}

function checkMetadata(pkg) {
  const problems = [];
  for (const field of ['categories', 'keywords']) {
    for (const value of Array.isArray(pkg[field]) ? pkg[field] : []) {
      if (typeof value !== 'string') problems.push(`${field} must be strings`);
      else if (value.length > OPENVSX_STRING_MAX) problems.push(`${field} entry "${value.slice(0, 20)}…" exceeds ${OPENVSX_STRING_MAX} characters`);
      else if (badCharacter(value) >= 0) problems.push(`${field} entry "${value}" has an invalid character`);
    }
  }
  const banner = pkg.galleryBanner ?? {};
  if (banner.color !== undefined && (typeof banner.color !== 'string' || banner.color.length > 16)) problems.push('galleryBanner.color must be at most 16 characters');
  if (banner.theme !== undefined && !['dark', 'light'].includes(banner.theme)) problems.push(`galleryBanner.theme "${banner.theme}" must be "dark" or "light"`);
  if (pkg.markdown !== undefined && !['github', 'standard'].includes(pkg.markdown)) problems.push(`markdown "${pkg.markdown}" must be "github" or "standard"`);
  if (pkg.qna !== undefined && pkg.qna !== false && pkg.qna !== 'marketplace') {
    try {
      if (!/^https?:$/.test(new URL(pkg.qna).protocol)) throw new Error();
    } catch {
      problems.push(`qna "${pkg.qna}" must be "marketplace", false or a URL`);
    }
  }
  return problems.length
    ? fail('metadata', `Open VSX would reject: ${problems.join('; ')}`)
    : pass('metadata', 'categories, keywords, galleryBanner, markdown and qna within Open VSX limits');
}

function checkIcon(pkg, files, vsixManifest) {
  const icon = pkg.icon;
  if (typeof icon !== 'string' || icon === '') return fail('icon', 'package.json has no "icon": add a 128×128 (or larger, square) PNG, e.g. "icon": "media/icon.png"');
  if (/\.svg$/i.test(icon)) return fail('icon', `"${icon}" is an SVG: vsce and the marketplaces need a PNG icon`);
  const path = posix.join('extension', icon.replace(/\\/g, '/'));
  const entry = files.get(path);
  if (!entry) return fail('icon', `${path} is not in the .vsix ("icon": "${icon}"): the server refuses the upload ("Icon Entry not found")`);
  const size = pngSize(entry);
  if (!size) return fail('icon', `${path} is not a PNG file`);
  if (size.width !== size.height || size.width < 128) {
    return fail('icon', `${path} is ${size.width}×${size.height}: it must be square and at least 128×128 (256×256 for high-DPI)`);
  }
  if (vsixManifest) {
    const declared = vsixAssets(vsixManifest).find((a) => a.type === 'Microsoft.VisualStudio.Services.Icons.Default')?.path;
    if (declared !== path) return fail('icon', `extension.vsixmanifest's icon asset is "${declared ?? 'missing'}", not ${path}: repackage`);
  }
  return pass('icon', `${path} is a ${size.width}×${size.height} PNG`);
}

/** README rules: what vsce enforces when it rewrites links (MarkdownProcessor), checked on the packaged README. */
function checkReadme(pkg, files) {
  const entry = lookup(files, 'extension/README.md');
  if (!entry) return [];
  const { MarkdownIt, cheerio } = vsce();
  const text = toText(entry.data);
  const $ = cheerio.load(new MarkdownIt({ html: true }).render(text));
  const images = [];
  const relative = [];
  const problems = [];
  $('img').each((_, img) => {
    const src = $(img).attr('src');
    if (!src) {
      problems.push('an <img> without a src');
      return;
    }
    images.push(src);
    let url;
    try {
      url = new URL(decodeURI(src));
    } catch {
      relative.push(src);
      return;
    }
    if (url.protocol === 'data:' && /svg/i.test(url.pathname)) problems.push(`SVG data URL "${src.slice(0, 40)}…"`);
    else if (url.protocol !== 'https:') problems.push(`image "${src}" is not https`);
    else if (/\.svg$/i.test(url.pathname) && !isTrustedSvg(url)) problems.push(`SVG image "${src}" is not from a trusted badge host (use a PNG)`);
  });
  if (relative.length) {
    problems.unshift(`${plural(relative.length, 'relative image')} (${some(relative)}) that Open VSX cannot show: it does not resolve paths into the .vsix`);
  }
  if ($('svg').length) problems.push('inline <svg> tags are not allowed');
  const relativeLinks = [];
  $('a').each((_, a) => {
    const href = $(a).attr('href');
    if (href && !href.startsWith('#') && !/^[a-z][a-z0-9+.-]*:/i.test(href)) relativeLinks.push(href);
  });
  const repo = urlOf(pkg.repository);
  const fix = repo
    ? 'drop --no-rewrite-relative-links from the package script so vsce rewrites them against the repository, or make them absolute https URLs'
    : 'add "repository" to package.json and drop --no-rewrite-relative-links so vsce rewrites them, or make them absolute https URLs';
  return [
    problems.length
      ? fail('readme images', `${problems.join('; ')}${relative.length ? ` — ${fix}` : ''}`)
      : pass('readme images', images.length ? `${plural(images.length, 'image')}, all https (no untrusted SVG)` : 'no images'),
    relativeLinks.length
      ? fail('readme links', `${plural(relativeLinks.length, 'relative link')} will be broken on Open VSX (${some(relativeLinks)}) — ${fix}`)
      : pass('readme links', 'no relative links'),
  ];
}

/** Sections the store page (the packaged README, shown by Open VSX) has for users, by heading. */
export const STORE_SECTIONS = ['What it does', 'Install', 'First steps', 'Agents', 'Settings', 'Troubleshooting', 'Privacy'];

/** Developer-only text that must not reach the store page. */
const DEVELOPER_TEXT = [
  { what: '"npm ci" (a development command)', re: /\bnpm ci\b/ },
  { what: '"npm test"', re: /\bnpm (run )?test\b/ },
  { what: 'issue numbers', re: /(^|[\s(])#\d+\b/m },
  { what: 'npx of the unpublished CLI package', re: /npx (-y )?@sandbox-tools\/daytona-mcp/ },
];

/**
 * The packaged README is the Open VSX page: for users (STORE_SECTIONS), without development text; and
 * the packaged CHANGELOG has a section for this version that does not call it "unreleased".
 */
function checkStorePage(pkg, files) {
  const checks = [];
  const readme = lookup(files, 'extension/README.md');
  if (readme) {
    const text = toText(readme.data);
    const headings = [...text.matchAll(/^##\s+(.+?)\s*$/gm)].map((m) => m[1]);
    const missing = STORE_SECTIONS.filter((h) => !headings.includes(h));
    const dev = DEVELOPER_TEXT.filter((d) => d.re.test(text)).map((d) => d.what);
    checks.push(
      missing.length || dev.length
        ? fail('store page', [missing.length ? `missing sections: ${missing.join(', ')}` : '', dev.length ? `developer text: ${dev.join(', ')}` : ''].filter(Boolean).join('; ') + ' — package docs/store/README.md (npm run package passes --readme-path)')
        : pass('store page', `${STORE_SECTIONS.length} user sections, no development text`),
    );
  }
  const changelog = lookup(files, 'extension/CHANGELOG.md');
  if (changelog) {
    const text = toText(changelog.data);
    const escaped = String(pkg.version).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const heading = text.match(new RegExp(`^##\\s+\\[?v?${escaped}\\]?(.*)$`, 'm'));
    checks.push(
      !heading
        ? fail('changelog version', `no "## ${pkg.version}" section for the packaged version`)
        : /unreleased/i.test(heading[1])
          ? fail('changelog version', `"${heading[0].trim()}" calls the packaged version unreleased — npm run package writes dist/store/CHANGELOG.md without it`)
          : pass('changelog version', heading[0].trim()),
    );
  }
  return checks;
}

/** Every path package.json points at, with where it comes from. */
function manifestPaths(pkg) {
  const refs = [];
  const add = (where, value, { codicon = false } = {}) => {
    if (typeof value === 'string') {
      if (codicon && /^\$\([^)]*\)$/.test(value)) return;
      if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return; // a URL
      refs.push({ where, path: value });
    } else if (value && typeof value === 'object') {
      for (const variant of ['light', 'dark', 'hc', 'hcLight']) {
        if (typeof value[variant] === 'string') add(`${where}.${variant}`, value[variant], { codicon });
      }
    }
  };
  const list = (value) => (Array.isArray(value) ? value : []);
  const c = pkg.contributes ?? {};
  if (pkg.main) refs.push({ where: 'main', path: pkg.main, js: true });
  if (pkg.browser) refs.push({ where: 'browser', path: pkg.browser, js: true });
  add('icon', pkg.icon);
  for (const [location, containers] of Object.entries(c.viewsContainers ?? {})) {
    list(containers).forEach((v, i) => add(`contributes.viewsContainers.${location}[${i}].icon`, v.icon, { codicon: true }));
  }
  for (const [container, views] of Object.entries(c.views ?? {})) {
    list(views).forEach((v, i) => add(`contributes.views.${container}[${i}].icon`, v.icon, { codicon: true }));
  }
  list(c.commands).forEach((cmd, i) => add(`contributes.commands[${i}].icon`, cmd.icon, { codicon: true }));
  list(c.walkthroughs).forEach((w, i) => {
    list(w.steps).forEach((s, j) => {
      const at = `contributes.walkthroughs[${i}].steps[${j}].media`;
      add(`${at}.image`, s.media?.image);
      add(`${at}.svg`, s.media?.svg);
      if (typeof s.media?.markdown === 'string') refs.push({ where: `${at}.markdown`, path: s.media.markdown, markdown: true });
    });
  });
  list(c.languages).forEach((l, i) => {
    add(`contributes.languages[${i}].icon`, l.icon);
    add(`contributes.languages[${i}].configuration`, l.configuration);
  });
  for (const kind of ['grammars', 'snippets', 'themes', 'iconThemes', 'productIconThemes']) {
    list(c[kind]).forEach((t, i) => add(`contributes.${kind}[${i}].path`, t.path));
  }
  list(c.jsonValidation).forEach((j, i) => add(`contributes.jsonValidation[${i}].url`, j.url));
  for (const [id, def] of Object.entries(c.icons ?? {})) add(`contributes.icons.${id}.default.fontPath`, def?.default?.fontPath);
  return refs;
}

function checkPaths(pkg, files) {
  const refs = manifestPaths(pkg);
  const missing = [];
  const resolveRef = (path) => {
    const normal = posix.normalize(path.replace(/\\/g, '/')).replace(/^\.\//, '');
    return normal.startsWith('../') || normal.startsWith('/') ? undefined : `extension/${normal}`;
  };
  let checked = 0;
  for (const ref of refs) {
    checked++;
    const full = resolveRef(ref.path);
    const found = full && (files.has(full) || (ref.js && files.has(`${full}.js`)));
    if (!found) {
      const near = full && lookup(files, full);
      missing.push(`${ref.where} "${ref.path}"${!full ? ' points outside the extension' : near ? ` (only ${near.name} exists: case differs)` : ''}`);
      continue;
    }
    if (ref.markdown) {
      // Images inside a walkthrough page resolve relative to the page.
      const text = toText(files.get(full));
      const dir = posix.dirname(ref.path);
      for (const m of text.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)>?[^)]*\)|<img[^>]+src=["']([^"']+)["']/g)) {
        const src = m[1] ?? m[2];
        if (/^[a-z][a-z0-9+.-]*:/i.test(src)) continue;
        checked++;
        const target = resolveRef(posix.join(dir, src));
        if (!target || !files.has(target)) missing.push(`image "${src}" in ${ref.path}`);
      }
    }
  }
  return missing.length
    ? fail('paths', `${plural(missing.length, 'path')} package.json refers to ${missing.length === 1 ? 'is' : 'are'} not in the .vsix: ${missing.join('; ')} — add the file under media/ or fix the path`)
    : pass('paths', `all ${plural(checked, 'path')} from main, icon and contributes (view containers, views, commands, walkthrough media) are in the .vsix`);
}

// --- checks on the archive and its contents ---

/** Zip-level checks on `readZip`'s entries and the .vsix's size in bytes. */
export function checkArchive(entries, byteLength) {
  const problems = [];
  const seen = new Map();
  for (const e of entries) {
    if (e.name.startsWith('/') || e.name.startsWith('\\') || /^[a-z]:/i.test(e.name) || e.name.split(/[\\/]/).includes('..')) {
      problems.push(`unsafe path ${e.name}`);
    }
    const lower = e.name.toLowerCase();
    if (seen.has(lower)) problems.push(`${e.name} and ${seen.get(lower)} differ only in case (not supported by the VSIX format)`);
    seen.set(lower, e.name);
    if (e.extraLength > 0) problems.push(`${e.name} has zip extra fields, which Open VSX rejects as potentially malicious (re-create the .vsix with vsce, not by re-zipping it)`);
    if (e.size > SERVER_MAX_ENTRY) problems.push(`${e.name} is over the server's 32 MiB entry limit`);
  }
  const checks = [problems.length
    ? fail('zip', problems.join('; '))
    : pass('zip', `${plural(entries.length, 'entry')}, safe unique paths, CRCs match, no extra fields`)];
  checks.push(byteLength > MAX_VSIX_BYTES
    ? fail('size', `${kb(byteLength)} is over the ${kb(MAX_VSIX_BYTES)} budget: the largest entries are ${[...entries].sort((a, b) => b.compressedSize - a.compressedSize).slice(0, 3).map((e) => `${e.name} (${kb(e.compressedSize)})`).join(', ')}`)
    : pass('size', `${kb(byteLength)} of the ${kb(MAX_VSIX_BYTES)} budget`));
  return checks;
}

/** dist/cli.js reads its bundle from beside it (src/cli/loader.ts): a .vsix without that file ships a server that cannot start. */
export function checkServerBundle(files) {
  const cli = files.get('extension/dist/cli.js');
  if (!cli) return fail('server bundle', 'extension/dist/cli.js is not in the .vsix');
  const suffix = BUNDLE_SUFFIX.exec(Buffer.from(cli).toString('latin1'))?.[0];
  if (!suffix) return pass('server bundle', 'dist/cli.js names no bundle beside it (self-contained)');
  const bundle = `extension/dist/cli${suffix}`;
  return files.has(bundle) ? pass('server bundle', `dist/cli.js and the bundle it reads, ${bundle}`) : fail('server bundle', `${bundle}, which dist/cli.js reads, is not in the .vsix: keep dist/cli.bundle-*.js in .vscodeignore's allow-list`);
}

/** Allow-list and secret scan over the .vsix's files (full names → contents). Pure. */
export function checkContents(files) {
  const outside = [];
  for (const name of files.keys()) {
    if (name === 'extension.vsixmanifest' || name === '[Content_Types].xml') continue;
    const rel = name.startsWith('extension/') ? name.slice('extension/'.length) : undefined;
    if (rel === undefined || !ALLOWED_FILES.some((a) => a.re.test(rel))) outside.push(name);
  }
  const allowed = ALLOWED_FILES.map((a) => a.label).join(', ');
  const checks = [outside.length
    ? fail('allow-list', `${plural(outside.length, 'file')} outside extension/{${allowed}}: ${outside.slice(0, 8).join(', ')}${outside.length > 8 ? ', …' : ''} — exclude ${outside.length === 1 ? 'it' : 'them'} in .vscodeignore`)
    : pass('allow-list', `every file is one of extension/{${allowed}}`)];
  checks.push(checkServerBundle(files));

  const findings = [];
  for (const [name, data] of files) {
    for (const rule of SECRET_FILES) if (rule.re.test(name)) findings.push(`${name} (${rule.what})`);
    const text = toText(data, 'latin1');
    for (const rule of SECRET_PATTERNS) {
      for (const m of text.matchAll(rule.re)) {
        findings.push(`${name}: ${rule.what} "${m[0].slice(0, 8)}…" at byte ${m.index}`);
      }
    }
  }
  checks.push(findings.length
    ? fail('secrets', `${findings.slice(0, 8).join('; ')}${findings.length > 8 ? `; and ${findings.length - 8} more` : ''} — remove it from the sources/bundle and revoke it; never ship keys in a .vsix`)
    : pass('secrets', `no Daytona API keys (dtn_…), private keys, tokens, .env or key files in ${plural(files.size, 'file')}`));
  return checks;
}

/** All checks on a .vsix file. */
export async function checkVsix(vsixPath) {
  if (!existsSync(vsixPath)) return [fail('vsix', `${vsixPath} does not exist: run npm run package or pass --vsix <path>`)];
  const buffer = readFileSync(vsixPath);
  let entries;
  try {
    entries = readZip(buffer);
  } catch (err) {
    return [fail('zip', `${vsixPath} is not a readable zip: ${err.message}`)];
  }
  const checks = checkArchive(entries, buffer.length);
  try {
    // The reader vsce and ovsx use (yauzl) must open it too.
    await vsce().zip.readZip(vsixPath, () => false);
  } catch (err) {
    checks[0] = fail('zip', `yauzl (used by vsce and ovsx) cannot read it: ${err.message ?? err}`);
  }

  const files = new Map(entries.filter((e) => !e.name.endsWith('/')).map((e) => [e.name, e.data]));
  const parseXml = async (name) => {
    const data = files.get(name);
    if (!data) return { error: `${name} is missing: this is not a .vsix built by vsce` };
    try {
      return { value: await vsce().xml.parseXmlManifest(toText(data)) };
    } catch (err) {
      return { error: `${name} is not well-formed XML: ${String(err.message ?? err).split('\n')[0]}` };
    }
  };

  const manifestXml = await parseXml('extension.vsixmanifest');
  let vsixManifest;
  if (manifestXml.error) {
    checks.push(fail('vsixmanifest', manifestXml.error));
  } else {
    vsixManifest = manifestXml.value;
    const identity = vsixManifest?.PackageManifest?.Metadata?.[0]?.Identity?.[0]?.$;
    const missingAssets = vsixAssets(vsixManifest).filter((a) => !a.path || !files.has(a.path)).map((a) => `${a.type} → ${a.path}`);
    if (!identity?.Id || !identity.Publisher || !identity.Version) {
      checks.push(fail('vsixmanifest', '<Metadata><Identity> lacks Id, Publisher or Version'));
    } else if (missingAssets.length) {
      checks.push(fail('vsixmanifest', `assets not in the .vsix: ${missingAssets.join(', ')}`));
    } else {
      checks.push(pass('vsixmanifest', `well-formed; ${plural(vsixAssets(vsixManifest).length, 'asset')}, all present`));
    }
  }

  const typesXml = await parseXml('[Content_Types].xml');
  if (typesXml.error) {
    checks.push(fail('content-types', typesXml.error));
  } else {
    const declared = new Set((typesXml.value?.Types?.Default ?? []).map((d) => String(d.$?.Extension ?? '').toLowerCase()));
    const undeclared = [...new Set([...files.keys()]
      .filter((n) => n !== '[Content_Types].xml')
      .map((n) => posix.extname(n).toLowerCase())
      .filter((ext) => ext && !declared.has(ext)))];
    checks.push(undeclared.length
      ? fail('content-types', `no content type for ${undeclared.join(', ')}: the .vsix was modified after vsce built it`)
      : pass('content-types', `well-formed; covers all ${plural(declared.size, 'file extension')}`));
  }

  const rawPkg = files.get('extension/package.json');
  let pkg;
  if (!rawPkg) {
    checks.push(fail('package.json', 'extension/package.json is missing (ovsx: "Manifest not found.")'));
  } else {
    try {
      pkg = JSON.parse(toText(rawPkg));
      checks.push(typeof pkg === 'object' && pkg && !Array.isArray(pkg)
        ? pass('package.json', 'extension/package.json parses')
        : fail('package.json', 'extension/package.json is not a JSON object'));
    } catch (err) {
      checks.push(fail('package.json', `extension/package.json is not valid JSON: ${err.message}`));
    }
  }
  if (pkg && typeof pkg === 'object' && !Array.isArray(pkg)) checks.push(...checkManifest(pkg, files, { vsixManifest }));
  checks.push(...checkContents(files));
  return checks;
}

/** One line per check, then the skipped network steps and a verdict. */
export function formatReport(checks, { vsixPath } = {}) {
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name.padEnd(width)}  ${c.detail}`);
  lines.push('', 'Skipped (need the network; ovsx publish / the registry does these):');
  for (const step of NETWORK_STEPS) lines.push(`  - ${step}`);
  const failed = checks.filter((c) => !c.ok);
  lines.push('');
  lines.push(failed.length
    ? `publish-check: ${failed.length} of ${plural(checks.length, 'check')} failed (${failed.map((c) => c.name).join(', ')})${vsixPath ? ` for ${vsixPath}` : ''}. Fix the ✗ lines above; nothing was published.`
    : `publish-check: all ${plural(checks.length, 'check')} passed${vsixPath ? ` for ${vsixPath}` : ''}; publishable offline-wise (nothing was published).`);
  return lines.join('\n');
}

function usage() {
  return 'usage: node scripts/publish-check.mjs [--vsix <path>]\n' +
    '  without --vsix: runs `npm run package` (production build + vsce package) and checks ' + DEFAULT_VSIX;
}

/** `{ help }`, `{ vsix }` (a path, or undefined: build first) or `{ error }` for anything else. */
export function parseArgs(argv) {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true };
  const i = argv.indexOf('--vsix');
  const value = i >= 0 ? argv[i + 1] : undefined;
  const rest = argv.filter((_, j) => i < 0 || (j !== i && j !== i + 1));
  if (i >= 0 && (!value || value.startsWith('-'))) return { error: '--vsix needs a path' };
  if (rest.length) return { error: `unknown argument ${rest[0]}` };
  return { vsix: value };
}

async function main(argv) {
  const args = parseArgs(argv);
  if (args.help || args.error) {
    if (args.error) console.error(`publish-check: ${args.error}`);
    (args.error ? console.error : console.log)(usage());
    return args.error ? 2 : 0;
  }
  const checks = [];
  let vsixPath;
  if (args.vsix) {
    vsixPath = resolve(args.vsix);
  } else {
    vsixPath = resolve(ROOT, DEFAULT_VSIX);
    console.error('publish-check: npm run package …');
    const started = Date.now();
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    // stdin closed: a vsce prompt ("Do you want to continue? [y/N]") answers no instead of hanging.
    const run = spawnSync(npm, ['run', 'package'], { cwd: ROOT, stdio: ['ignore', process.stderr, 'inherit'], shell: process.platform === 'win32' });
    const fresh = existsSync(vsixPath) && statSync(vsixPath).mtimeMs >= started - 1000;
    if (run.status !== 0 || !fresh) {
      checks.push(fail('package', `npm run package ${run.status !== 0 ? `exited with ${run.status ?? run.signal}` : `did not write ${DEFAULT_VSIX}`}: fix the build/vsce error printed above`));
      console.log(formatReport(checks));
      return 1;
    }
    checks.push(pass('package', `npm run package wrote ${DEFAULT_VSIX} in ${((Date.now() - started) / 1000).toFixed(1)} s`));
  }
  checks.push(...await checkVsix(vsixPath));
  console.log(formatReport(checks, { vsixPath: posix.normalize(vsixPath.startsWith(ROOT) ? vsixPath.slice(ROOT.length) : vsixPath) }));
  return checks.every((c) => c.ok) ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (err) => {
    console.error(`publish-check: ${err.stack ?? err}`);
    process.exitCode = 1;
  });
}
