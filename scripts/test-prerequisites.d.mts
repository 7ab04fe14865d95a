/** What is on the machine, as the pretest script looks it up. */
export interface Found {
  hasNats: boolean;
  hasChromium: boolean;
  isRoot: boolean;
  hasSudo: boolean;
  hasAptGet: boolean;
}

/** The pretest script's decision. */
export interface Plan {
  action: 'ready' | 'install' | 'stop';
  /** The Debian packages that are missing. */
  missing: string[];
  /** With `install`: the prefix to run apt-get with (`[]` as root, `['sudo', '-n']`). */
  run?: string[];
  /** With `stop`: the one line that says what to run. */
  line?: string;
}

/** What to do, from what is there. */
export function plan(found: Found): Plan;
/** Where the tests look for chromium: `CHROMIUM_PATH`, else `/usr/bin/chromium`. */
export function chromiumPath(): string;
