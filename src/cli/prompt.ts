import { createInterface } from 'node:readline';

/**
 * Reads a secret: from the terminal without echo, or from an environment variable when no
 * terminal is attached (scripts, CI). Secrets are never taken as command-line arguments,
 * which other users could read from the process list.
 */
export async function readSecret(question: string, envVar: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const value = process.env[envVar];
    if (!value) throw new Error(`No terminal to prompt on: set ${envVar}.`);
    return value;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput: (s: string) => void };
  let prompted = false;
  output._writeToOutput = (s: string) => {
    if (!prompted) {
      process.stderr.write(s);
      prompted = true;
    }
  };
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}
