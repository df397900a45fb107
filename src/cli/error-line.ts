/** The one format of every error the CLI prints: `packstore: <message>` on one line. */
export function errorLine(message: string): string {
  return `packstore: ${message.trim()}\n`;
}
