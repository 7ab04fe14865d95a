/** Command-line options of `bench/soak.ts`. */
export interface SoakArgs {
  /** Length of the load, s. Default 600. */
  seconds: number;
  /** Offered load, req/s; when unset, half the capacity measured at start. */
  rate?: number;
  /** Write host heap snapshots at the start of the RSS window and at the end (under `.bench-tmp/soak`). */
  heapSnapshots: boolean;
  /** Where the Markdown goes: a path, or `-` for stdout only. Default `docs/reports/SOAK.md` for runs of 5 minutes or more, else `-`. */
  out?: string;
}

const USAGE = 'usage: npm run soak -- [--minutes n | --seconds n] [--rate req/s] [--heap-snapshots] [--out file|-]';

/** Parses argv (without node and the script). Throws with the usage on a bad flag. */
export function parseSoakArgs(argv: readonly string[]): SoakArgs {
  const args: SoakArgs = { seconds: 600, heapSnapshots: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const number = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number\n${USAGE}`);
      return n;
    };
    switch (flag) {
      case '--minutes':
        args.seconds = number() * 60;
        break;
      case '--seconds':
        args.seconds = number();
        break;
      case '--rate':
        args.rate = number();
        break;
      case '--heap-snapshots':
        args.heapSnapshots = true;
        break;
      case '--out': {
        const v = argv[++i];
        if (v === undefined) throw new Error(`--out needs a value\n${USAGE}`);
        args.out = v;
        break;
      }
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return args;
}
