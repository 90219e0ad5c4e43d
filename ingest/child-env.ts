// The environment the ingest's helper programs (soffice, tesseract, pdftoppm) run in: only the
// PATH they are looked up in, never the rest of the service's environment (its tokens). This is
// the one place below the entry points that reads process.env, and only for PATH: where the
// machine keeps its programs is the machine's, not configuration.
const DEBIAN_PATH = '/usr/local/bin:/usr/bin:/bin';

export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH || DEBIAN_PATH, LANG: 'C.UTF-8', ...extra };
}
