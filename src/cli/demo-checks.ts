import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { profilePath, type Profile } from './client/profiles.js';

export interface DemoEnvironment {
  name: string;
  port: number;
  profile: string;
  url: string;
  dataDir: string;
}

/** Whether something already listens on the port, or it cannot be bound (in use on another address, or reserved). */
async function portProblem(port: number): Promise<string | undefined> {
  const answering = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
  if (answering) return 'another server is already answering on it';
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(`it cannot be used (${error.code ?? error.message})`));
    probe.listen({ host: '127.0.0.1', port, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}

/**
 * Everything that would make the demo talk to the wrong server or fail half-way, checked before it starts
 * anything: its ports must be free (else its logins would reach whatever answers there). Returns the problems,
 * each a sentence that says what to do.
 */
export async function demoProblems(environments: DemoEnvironment[], portsVariable: string): Promise<string[]> {
  const problems: string[] = [];
  for (const env of environments) {
    const problem = await portProblem(env.port);
    if (problem) {
      problems.push(
        `port ${env.port} (the ${env.name} environment) is taken: ${problem}. Stop that server, or choose free ports: ${portsVariable}=<source>,<target>.`,
      );
    }
  }
  return problems;
}

/**
 * What the demo will reuse or replace, said before it does: a saved profile that points elsewhere (the login
 * replaces it), and data from an earlier run, which keeps the administrator password that run set.
 */
export async function demoNotes(environments: DemoEnvironment[], cliEnv: NodeJS.ProcessEnv, passwordVariable: string): Promise<string[]> {
  const notes: string[] = [];
  for (const env of environments) {
    const file = profilePath(env.profile, cliEnv);
    if (existsSync(file)) {
      const saved = JSON.parse(await readFile(file, 'utf8')) as Partial<Profile>;
      if (saved.url && saved.url.replace(/\/+$/, '') !== env.url) {
        notes.push(`profile ${env.profile} pointed to ${saved.url}; the demo logs in again and points it to ${env.url}.`);
      }
    }
    if (existsSync(env.dataDir)) {
      notes.push(
        `the ${env.name} environment reuses ${env.dataDir} from an earlier run: its administrator password is the one that run set (${passwordVariable}); delete the folder to start afresh.`,
      );
    }
  }
  return notes;
}
