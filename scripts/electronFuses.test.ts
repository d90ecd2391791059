import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The Electron fuses both apps ship with (ARCHITECTURE.md §12, issue 16 point 9), flipped
 * by electron-builder in the packaged binary before it is signed: a candidate or an
 * accomplice cannot turn either app into a plain Node runtime (ELECTRON_RUN_AS_NODE),
 * inject code through NODE_OPTIONS or attach a debugger with --inspect, and the app loads
 * only from its app.asar, whose integrity is checked. A config that drops or flips one of
 * these fails here.
 */
const REQUIRED_FUSES = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  enableCookieEncryption: true,
  grantFileProtocolExtraPrivileges: false,
} as const;

interface BuilderConfig {
  asar?: unknown;
  electronFuses?: Record<string, unknown>;
  files?: string[];
}

const config = (app: string): BuilderConfig =>
  JSON.parse(readFileSync(new URL(`../apps/${app}/electron-builder.json`, import.meta.url), 'utf8'));

describe.each(['candidate-client', 'proctor-console'])('%s packaging config', (app) => {
  it('sets every required fuse to its safe value', () => {
    const fuses = config(app).electronFuses ?? {};
    for (const [fuse, value] of Object.entries(REQUIRED_FUSES)) {
      expect(fuses[fuse], `${app}: electronFuses.${fuse}`).toBe(value);
    }
  });

  it('packs the app into an asar archive whose integrity is embedded', () => {
    const c = config(app);
    // `asar: false` or `asar.disableIntegrity` would leave the integrity fuse checking nothing.
    expect(c.asar).toBe(true);
    expect(c.files).toContain('dist/**/*');
  });
});

/** Both mains install the shell's permission lock-down on the session their windows use. */
describe.each([
  ['candidate-client', 'src/main/main.ts'],
  ['proctor-console', 'src/main/index.ts'],
])('%s main', (app, file) => {
  it('locks down the default session with the shell’s permission handlers', () => {
    const main = readFileSync(new URL(`../apps/${app}/${file}`, import.meta.url), 'utf8');
    expect(main).toContain("import { lockDownSession } from '@exam/shell/permissions';");
    expect(main).toMatch(/lockDownSession\(session\.defaultSession\)/);
  });
});
