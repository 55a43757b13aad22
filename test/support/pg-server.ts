// A PostgreSQL server of a test's own, to break on purpose: stopped hard and started again on
// the same port, or frozen with SIGSTOP and thawed. Built from Debian's postgresql-15 binaries
// like scripts/test-postgres.sh (as root they run as the `postgres` user); skipped without them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export const postgresAvailable = existsSync(join(BIN, 'initdb'));

export class PgServer {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<PgServer> {
    const dir = mkdtempSync(join(tmpdir(), 'binnenuit-pgserver-'));
    const server = new PgServer(dir, await freePort());
    if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
    server.asPostgres('initdb', ['-D', server.data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    server.start();
    return server;
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  start(): void {
    const options = `-c listen_addresses=127.0.0.1 -c port=${this.port} -c unix_socket_directories=${this.dir} -c fsync=off -c max_connections=50`;
    this.asPostgres('pg_ctl', ['-D', this.data, '-l', join(this.dir, 'server.log'), '-w', '-s', '-o', options, 'start']);
  }

  /** Stops the server at once, as a crash or a pulled cable would (open connections break). */
  stopHard(): void {
    this.asPostgres('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', '-s', 'stop']);
  }

  /** Freezes every server process (SIGSTOP): connections stay open, nothing answers. */
  freeze(): void {
    this.signalAll('STOP');
  }

  thaw(): void {
    this.signalAll('CONT');
  }

  close(): void {
    try {
      this.thaw();
      this.stopHard();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private signalAll(signal: 'STOP' | 'CONT'): void {
    const postmaster = readFileSync(join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]!.trim();
    const children = execFileSync('pgrep', ['-P', postmaster], { encoding: 'utf8' }).split('\n').filter(Boolean);
    execFileSync('kill', [`-${signal}`, postmaster, ...children]);
  }

  private asPostgres(tool: string, args: string[]): void {
    const command = join(BIN, tool);
    if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' });
    else execFileSync(command, args, { stdio: 'pipe' });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
