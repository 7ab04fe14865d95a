/** Command-line options of `bench/run.ts`. */
export interface BenchArgs {
  /** Measured seconds of a headline phase (other phases use a fraction of it). */
  duration: number;
  /** Warm-up seconds before the first phase of each server. */
  warmup: number;
  /** Rounds: every server runs once per round, in rotated order. */
  rounds: number;
  /** Fast CI check: duration 1, warm-up 0.5, 1 round, report to stdout. */
  smoke: boolean;
  /** Where the markdown goes: a path, or `-` for stdout. */
  out: string;
  /** Only these server runs (ids such as `A,C,H.serve`); all when empty. A target comparing two runs needs both (J's: `C,J`). */
  only: string[];
  /** Write a main-thread `.cpuprofile` of every measured window under `.bench-tmp/profiles`. */
  profile: boolean;
  /** Run the servers from TypeScript under `-r @swc-node/register` instead of transpiled JS. */
  fromSource: boolean;
}

const USAGE = `usage: node -r @swc-node/register bench/run.ts [--duration s] [--warmup s] [--rounds n] [--smoke] [--out file|-] [--only ids] [--profile] [--from-source]`;

/** Parses argv (without node and the script). Throws with the usage on a bad flag. */
export function parseArgs(argv: readonly string[], defaultOut: string): BenchArgs {
  const args: BenchArgs = {
    duration: 10,
    warmup: 2,
    rounds: 3,
    smoke: false,
    out: defaultOut,
    only: [],
    profile: false,
    fromSource: false,
  };
  let outGiven = false;
  const explicit = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--duration':
      case '--warmup':
      case '--rounds': {
        const n = Number(value());
        const key = flag.slice(2) as 'duration' | 'warmup' | 'rounds';
        if (!Number.isFinite(n) || n < 0 || (key !== 'warmup' && n <= 0))
          throw new Error(`${flag} must be a positive number\n${USAGE}`);
        args[key] = key === 'rounds' ? Math.max(1, Math.round(n)) : n;
        explicit.add(key);
        break;
      }
      case '--smoke':
        args.smoke = true;
        break;
      case '--out':
        args.out = value();
        outGiven = true;
        break;
      case '--only':
        args.only = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case '--profile':
        args.profile = true;
        break;
      case '--from-source':
        args.fromSource = true;
        break;
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  if (args.smoke) {
    if (!explicit.has('duration')) args.duration = 1;
    if (!explicit.has('warmup')) args.warmup = 0.5;
    if (!explicit.has('rounds')) args.rounds = 1;
    if (!outGiven) args.out = '-';
  }
  return args;
}
