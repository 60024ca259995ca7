#!/usr/bin/env node
// Loads dist/extension.js in a plain node process with a fake `vscode` module, calls activate() with a
// fake ExtensionContext and reports, as one JSON object written to the file given as argv[3]:
//   requireMs / activateMs   time to evaluate the bundle / for activate() (its promise) to settle
//   daytonaModules           Daytona SDK/API-client modules evaluated (instrumented builds mark them)
//   network, spawns          outbound connections and child processes attempted
//   vscodeCalls              which vscode APIs activation used (stubbed ones are marked "stub:")
// Usage: node bench/activation-probe.cjs <extension.js> <result.json> [--idle-ms N]
// Plain CommonJS on purpose: no tsx loader hooks in the measured process.
/* global require, process, Buffer, setTimeout, URL */
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { performance } = require('node:perf_hooks');

const [extensionPath, resultPath] = process.argv.slice(2);
const idleIdx = process.argv.indexOf('--idle-ms');
const idleMs = idleIdx > 0 ? Number(process.argv[idleIdx + 1]) : 0;
if (!extensionPath || !resultPath) {
  process.stderr.write('usage: activation-probe.cjs <extension.js> <result.json> [--idle-ms N]\n');
  process.exit(2);
}
const MARKER = '__benchDaytonaModules';
const calls = new Map();
const record = (name) => calls.set(name, (calls.get(name) || 0) + 1);
const logLines = [];

// ---------------------------------------------------------------------------------------------
// Guards: record (and let through) every outbound connection and child process.
const network = [];
const spawns = [];
for (const modName of ['http', 'https']) {
  const mod = require(`node:${modName}`);
  for (const fn of ['request', 'get']) {
    const orig = mod[fn];
    mod[fn] = function (...args) {
      const a = args[0];
      network.push(`${modName}.${fn} ${typeof a === 'string' ? a : a instanceof URL ? a.href : `${(a && (a.hostname || a.host)) || '?'}${(a && a.path) || ''}`}`);
      return orig.apply(this, args);
    };
  }
}
{
  const net = require('node:net');
  const origConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    const a = args[0];
    network.push(`net.connect ${a && typeof a === 'object' ? `${a.host || a.path || '?'}:${a.port || ''}` : String(a)}`);
    return origConnect.apply(this, args);
  };
  if (typeof globalThis.fetch === 'function') {
    const origFetch = globalThis.fetch;
    globalThis.fetch = function (input, init) {
      network.push(`fetch ${typeof input === 'string' ? input : input && input.url}`);
      return origFetch.call(this, input, init);
    };
  }
  const cp = require('node:child_process');
  for (const fn of ['spawn', 'exec', 'execFile', 'fork', 'spawnSync', 'execSync', 'execFileSync']) {
    const orig = cp[fn];
    cp[fn] = function (...args) {
      spawns.push(`${fn} ${String(args[0])}`);
      return orig.apply(this, args);
    };
  }
}

// ---------------------------------------------------------------------------------------------
// The fake vscode module: real implementations of the common APIs, a recording no-op proxy for the rest.
class Disposable {
  constructor(fn) {
    this._fn = fn;
  }
  dispose() {
    const fn = this._fn;
    this._fn = undefined;
    if (typeof fn === 'function') fn();
  }
  static from(...items) {
    return new Disposable(() => items.forEach((d) => d && typeof d.dispose === 'function' && d.dispose()));
  }
}
const event = () => (listener, thisArgs, disposables) => {
  const d = new Disposable(() => undefined);
  if (Array.isArray(disposables)) disposables.push(d);
  return d;
};
class EventEmitter {
  constructor() {
    this._listeners = new Set();
    this.event = (listener, thisArgs, disposables) => {
      const bound = listener.bind(thisArgs);
      this._listeners.add(bound);
      const d = new Disposable(() => this._listeners.delete(bound));
      if (Array.isArray(disposables)) disposables.push(d);
      return d;
    };
  }
  fire(e) {
    for (const l of [...this._listeners]) l(e);
  }
  dispose() {
    this._listeners.clear();
  }
}
class Uri {
  constructor(scheme, authority, p, query, fragment) {
    this.scheme = scheme;
    this.authority = authority || '';
    this.path = p || '';
    this.query = query || '';
    this.fragment = fragment || '';
  }
  get fsPath() {
    return this.path;
  }
  static file(p) {
    return new Uri('file', '', path.resolve(p));
  }
  static parse(s) {
    try {
      const u = new URL(s);
      return new Uri(u.protocol.replace(/:$/, ''), u.host, decodeURIComponent(u.pathname), u.search.replace(/^\?/, ''), u.hash.replace(/^#/, ''));
    } catch {
      return new Uri('file', '', s);
    }
  }
  static from(c) {
    return new Uri(c.scheme, c.authority, c.path, c.query, c.fragment);
  }
  static joinPath(base, ...parts) {
    return new Uri(base.scheme, base.authority, path.posix.join(base.path, ...parts), base.query, base.fragment);
  }
  with(change) {
    return new Uri(change.scheme ?? this.scheme, change.authority ?? this.authority, change.path ?? this.path, change.query ?? this.query, change.fragment ?? this.fragment);
  }
  toString() {
    return `${this.scheme}://${this.authority}${this.path}${this.query ? `?${this.query}` : ''}${this.fragment ? `#${this.fragment}` : ''}`;
  }
  toJSON() {
    return { scheme: this.scheme, authority: this.authority, path: this.path, query: this.query, fragment: this.fragment };
  }
}
class TreeItem {
  constructor(labelOrUri, collapsibleState) {
    if (typeof labelOrUri === 'string' || (labelOrUri && typeof labelOrUri === 'object' && 'label' in labelOrUri)) this.label = labelOrUri;
    else this.resourceUri = labelOrUri;
    this.collapsibleState = collapsibleState ?? 0;
  }
}
class ThemeIcon {
  constructor(id, color) {
    this.id = id;
    this.color = color;
  }
}
ThemeIcon.File = new ThemeIcon('file');
ThemeIcon.Folder = new ThemeIcon('folder');
class ThemeColor {
  constructor(id) {
    this.id = id;
  }
}
class MarkdownString {
  constructor(value = '', supportThemeIcons = false) {
    this.value = value;
    this.supportThemeIcons = supportThemeIcons;
    this.isTrusted = false;
  }
  appendText(t) {
    this.value += t;
    return this;
  }
  appendMarkdown(t) {
    this.value += t;
    return this;
  }
  appendCodeblock(code, lang = '') {
    this.value += `\n\`\`\`${lang}\n${code}\n\`\`\`\n`;
    return this;
  }
}
class CancellationTokenSource {
  constructor() {
    this.token = { isCancellationRequested: false, onCancellationRequested: event() };
  }
  cancel() {
    this.token.isCancellationRequested = true;
  }
  dispose() {}
}
class McpStdioServerDefinition {
  constructor(label, command, args, env, version) {
    Object.assign(this, { label, command, args, env, version });
  }
}
class McpHttpServerDefinition {
  constructor(label, uri, headers, version) {
    Object.assign(this, { label, uri, headers, version });
  }
}
class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}
class Range {
  constructor(a, b, c, d) {
    this.start = typeof a === 'number' ? new Position(a, b) : a;
    this.end = typeof a === 'number' ? new Position(c, d) : b;
  }
}

/** A callable, constructible no-op that records its use and never looks like a thenable. */
const stubs = new Map();
function stub(name) {
  if (stubs.has(name)) return stubs.get(name);
  const target = function () {};
  const proxy = new Proxy(target, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive) return () => '';
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'toJSON') return () => null;
      if (typeof prop === 'symbol') return undefined;
      if (prop === 'dispose') return () => undefined;
      if (/^on(Did|Will)[A-Z]/.test(prop)) return event();
      return stub(`${name}.${prop}`);
    },
    apply() {
      record(`stub:${name}()`);
      return stub(`${name}()`);
    },
    construct() {
      record(`stub:new ${name}`);
      return stub(`new ${name}`);
    },
  });
  stubs.set(name, proxy);
  return proxy;
}

/** A namespace object: recorded calls to what is implemented, stubs for the rest. */
function namespace(name, impl) {
  return new Proxy(impl, {
    get(t, prop) {
      if (typeof prop === 'symbol') return t[prop];
      if (prop in t) {
        const v = t[prop];
        if (typeof v === 'function' && !/^[A-Z]/.test(prop)) {
          return function (...args) {
            record(`${name}.${prop}`);
            return v.apply(this, args);
          };
        }
        return v;
      }
      if (/^on(Did|Will)[A-Z]/.test(prop)) return event();
      return stub(`${name}.${prop}`);
    },
  });
}

const withDefaults = (name, fields) =>
  new Proxy(fields, {
    get(t, prop) {
      if (prop in t || typeof prop === 'symbol' || prop === 'then') return t[prop];
      if (/^on(Did|Will)[A-Z]/.test(prop)) return event();
      return stub(`${name}.${prop}`);
    },
    set(t, prop, value) {
      t[prop] = value;
      return true;
    },
  });

function outputChannel(channelName) {
  const line = (level) => (msg, ...rest) => {
    if (logLines.length < 50) logLines.push(`[${channelName}${level ? ` ${level}` : ''}] ${String(msg)}${rest.length ? ` ${rest.map(String).join(' ')}` : ''}`);
  };
  return withDefaults('OutputChannel', {
    name: channelName,
    logLevel: 3,
    onDidChangeLogLevel: event(),
    append: line(''),
    appendLine: line(''),
    replace: () => undefined,
    clear: () => undefined,
    show: () => undefined,
    hide: () => undefined,
    dispose: () => undefined,
    trace: line('trace'),
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
  });
}

function configuration() {
  return withDefaults('WorkspaceConfiguration', {
    get: (_key, def) => def,
    has: () => false,
    inspect: () => undefined,
    update: async () => undefined,
  });
}

const registeredCommands = [];
const fakeVscode = namespace('vscode', {
  version: '1.96.0',
  Disposable,
  EventEmitter,
  Uri,
  TreeItem,
  ThemeIcon,
  ThemeColor,
  MarkdownString,
  CancellationTokenSource,
  McpStdioServerDefinition,
  McpHttpServerDefinition,
  Position,
  Range,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  TreeItemCheckboxState: { Unchecked: 0, Checked: 1 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  ExtensionMode: { Production: 1, Development: 2, Test: 3 },
  ExtensionKind: { UI: 1, Workspace: 2 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2, Three: 3 },
  LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
  QuickPickItemKind: { Separator: -1, Default: 0 },
  UIKind: { Desktop: 1, Web: 2 },
  FileType: { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 },
  window: namespace('window', {
    createOutputChannel: (n) => outputChannel(n),
    createTreeView: () =>
      withDefaults('TreeView', {
        visible: false, // the view is collapsed/hidden at startup: activation must not fetch
        selection: [],
        message: undefined,
        title: undefined,
        description: undefined,
        badge: undefined,
        reveal: async () => undefined,
        dispose: () => undefined,
      }),
    registerTreeDataProvider: () => new Disposable(),
    createStatusBarItem: () =>
      withDefaults('StatusBarItem', { text: '', tooltip: undefined, command: undefined, show: () => undefined, hide: () => undefined, dispose: () => undefined }),
    showInformationMessage: async () => undefined,
    showWarningMessage: async () => undefined,
    showErrorMessage: async () => undefined,
    showQuickPick: async () => undefined,
    showInputBox: async () => undefined,
    withProgress: async (_opts, task) => task({ report: () => undefined }, new CancellationTokenSource().token),
    setStatusBarMessage: () => new Disposable(),
    registerUriHandler: () => new Disposable(),
    registerWebviewViewProvider: () => new Disposable(),
    showTextDocument: async () => undefined,
    activeTextEditor: undefined,
    visibleTextEditors: [],
    state: { focused: true, active: true },
  }),
  workspace: namespace('workspace', {
    getConfiguration: () => configuration(),
    registerTextDocumentContentProvider: () => new Disposable(),
    registerFileSystemProvider: () => new Disposable(),
    openTextDocument: async () => stub('TextDocument'),
    createFileSystemWatcher: () => withDefaults('FileSystemWatcher', { dispose: () => undefined }),
    workspaceFolders: undefined,
    name: undefined,
    isTrusted: true,
    textDocuments: [],
  }),
  commands: namespace('commands', {
    registerCommand: (id) => {
      registeredCommands.push(id);
      return new Disposable();
    },
    registerTextEditorCommand: () => new Disposable(),
    executeCommand: async () => undefined,
    getCommands: async () => [],
  }),
  env: namespace('env', {
    appName: 'Visual Studio Code',
    appRoot: os.tmpdir(),
    appHost: 'desktop',
    language: 'en',
    machineId: 'bench-machine',
    sessionId: 'bench-session',
    uriScheme: 'vscode',
    uiKind: 1,
    remoteName: undefined,
    shell: '/bin/sh',
    isTelemetryEnabled: false,
    isNewAppInstall: false,
    clipboard: { readText: async () => '', writeText: async () => undefined },
    openExternal: async () => true,
    asExternalUri: async (u) => u,
  }),
  lm: namespace('lm', {
    registerMcpServerDefinitionProvider: () => new Disposable(),
    registerTool: () => new Disposable(),
    tools: [],
  }),
  extensions: namespace('extensions', { getExtension: () => undefined, all: [] }),
  languages: namespace('languages', {}),
  l10n: namespace('l10n', { t: (s, ...args) => (typeof s === 'string' ? s.replace(/\{(\d+)\}/g, (_m, i) => String(args[Number(i)])) : s.message) }),
});

const VSCODE_ID = path.join(os.tmpdir(), '__bench_fake_vscode__.js');
const origResolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode') return VSCODE_ID;
  return origResolve.call(this, request, ...rest);
};
const fakeModule = new Module(VSCODE_ID);
fakeModule.filename = VSCODE_ID;
fakeModule.loaded = true;
fakeModule.exports = fakeVscode;
require.cache[VSCODE_ID] = fakeModule;

// Which Daytona packages get required from node_modules (an unbundled SDK) counts too.
const required = [];
const origLoad = Module._load;
Module._load = function (request, parent, ...rest) {
  if (/@daytona(io)?[\\/]|^@daytona(io)?\//.test(request)) required.push(request);
  return origLoad.call(this, request, parent, ...rest);
};

// ---------------------------------------------------------------------------------------------
// The fake ExtensionContext.
function memento() {
  const m = new Map();
  return {
    get: (k, d) => (m.has(k) ? m.get(k) : d),
    update: async (k, v) => void (v === undefined ? m.delete(k) : m.set(k, v)),
    keys: () => [...m.keys()],
    setKeysForSync: () => undefined,
  };
}
const extRoot = path.resolve(path.dirname(extensionPath), '..');
const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'daytona-bench-ext-'));
let packageJSON = {};
try {
  packageJSON = JSON.parse(fs.readFileSync(path.join(extRoot, 'package.json'), 'utf8'));
} catch {
  // fine: an extension without package.json next to dist/
}
const secretsEmitter = new EventEmitter();
const secrets = new Map();
const context = withDefaults('ExtensionContext', {
  subscriptions: [],
  workspaceState: memento(),
  globalState: memento(),
  secrets: {
    get: async (k) => secrets.get(k),
    store: async (k, v) => void secrets.set(k, v),
    delete: async (k) => void secrets.delete(k),
    keys: async () => [...secrets.keys()],
    onDidChange: secretsEmitter.event,
  },
  extensionUri: Uri.file(extRoot),
  extensionPath: extRoot,
  storageUri: Uri.file(path.join(storage, 'workspace')),
  storagePath: path.join(storage, 'workspace'),
  globalStorageUri: Uri.file(path.join(storage, 'global')),
  globalStoragePath: path.join(storage, 'global'),
  logUri: Uri.file(path.join(storage, 'log')),
  logPath: path.join(storage, 'log'),
  extensionMode: 1,
  asAbsolutePath: (p) => path.join(extRoot, p),
  extension: {
    id: `${packageJSON.publisher || 'publisher'}.${packageJSON.name || 'extension'}`,
    extensionUri: Uri.file(extRoot),
    extensionPath: extRoot,
    isActive: true,
    packageJSON,
    extensionKind: 2,
    exports: undefined,
    activate: async () => undefined,
  },
  environmentVariableCollection: stub('EnvironmentVariableCollection'),
  languageModelAccessInformation: withDefaults('LanguageModelAccessInformation', { onDidChange: event(), canSendRequest: () => undefined }),
});

// ---------------------------------------------------------------------------------------------
function daytonaModules() {
  const list = globalThis[MARKER];
  return Array.isArray(list) ? [...new Set(list)] : [];
}

async function main() {
  const result = { ok: false, requireMs: NaN, activateMs: NaN, totalMs: NaN };
  const unhandled = [];
  process.on('unhandledRejection', (e) => unhandled.push(String((e && e.message) || e)));
  const bundleText = fs.readFileSync(extensionPath, 'utf8');
  const t0 = performance.now();
  let ext;
  try {
    ext = require(path.resolve(extensionPath));
  } catch (e) {
    result.error = `require failed: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : String(e)}`;
  }
  const t1 = performance.now();
  result.requireMs = t1 - t0;
  if (ext && typeof ext.activate === 'function') {
    try {
      await ext.activate(context);
      result.ok = true;
    } catch (e) {
      result.error = `activate threw: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : String(e)}`;
    }
  } else if (!result.error) {
    result.error = 'the bundle exports no activate()';
  }
  const t2 = performance.now();
  result.activateMs = t2 - t1;
  result.totalMs = t2 - t0;
  result.afterActivate = { daytonaModules: daytonaModules(), network: [...network], spawns: [...spawns], required: [...required] };
  if (idleMs > 0) await new Promise((r) => setTimeout(r, idleMs));
  result.afterIdle = { idleMs, daytonaModules: daytonaModules(), network: [...network], spawns: [...spawns], required: [...required] };
  result.bundleBytes = Buffer.byteLength(bundleText);
  result.bundleHasMarker = bundleText.includes(MARKER);
  result.vscodeCalls = Object.fromEntries([...calls.entries()].sort());
  result.registeredCommands = registeredCommands;
  result.subscriptions = context.subscriptions.length;
  result.log = logLines;
  result.unhandled = unhandled;
  fs.writeFileSync(resultPath, JSON.stringify(result));
  fs.rmSync(storage, { recursive: true, force: true });
  // Timers the extension started (auto refresh) must not keep the probe alive.
  process.exit(0);
}

main().catch((e) => {
  fs.writeFileSync(resultPath, JSON.stringify({ ok: false, error: String((e && e.stack) || e) }));
  process.exit(1);
});
