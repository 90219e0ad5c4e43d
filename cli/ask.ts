// `npm run ask -- [--index DIR] [--json] "question"`: one question to the engine, from a shell.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import type { AskResponse } from '../domain/contract.js';
import { CONFIRMATIONS_FILE, createFileConfirmationStore, uploadPrecedence } from '../server/redefinitions.js';
import { openAssistant } from '../service.js';

const USAGE = 'Usage: npm run ask -- [--index DIR] [--json] [--lang vi|en] [--unit "Sở Tư pháp"] "câu hỏi"\n';

function render(r: AskResponse): string {
  const lines = [r.answer, ''];
  if (r.citations.length) {
    lines.push(r.language === 'vi' ? 'Nguồn:' : 'Sources:');
    r.citations.forEach((c, i) => lines.push(`  [${i + 1}] ${c.title}${c.number ? ` (${c.number})` : ''}${c.section ? ` — ${c.section}` : ''}${c.url ? ` ${c.url}` : ''}`));
  }
  for (const l of r.links) lines.push(`→ ${l.label}: ${l.url}`);
  if (r.alternatives?.length) lines.push(`${r.language === 'vi' ? 'Thủ tục gần giống' : 'Similar'}: ${r.alternatives.map((a) => `${a.code} ${a.name}`).join('; ')}`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { index: { type: 'string' }, json: { type: 'boolean', default: false }, lang: { type: 'string' }, unit: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    allowPositionals: true,
  });
  const question = positionals.join(' ').trim();
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!question) {
    process.stderr.write(USAGE);
    return 1;
  }
  const config = loadConfig(process.env);
  const { engine } = await openAssistant({
    indexDir: values.index ? path.resolve(values.index) : config.indexDir,
    embedder: config.embedder,
    ingestPaths: config.ingestPaths,
    baseDir: config.baseDir,
    llm: config.llm,
    // The same record of each procedure the service serves: an unconfirmed upload does not redefine a bundled one.
    precedence: uploadPrecedence({
      uploadDir: path.join(config.dataDir, 'uploads'),
      baseDir: config.baseDir,
      confirmations: createFileConfirmationStore(path.join(config.stateDir, CONFIRMATIONS_FILE)),
    }),
  });
  const language = values.lang === 'en' || values.lang === 'vi' ? values.lang : undefined;
  const r = await engine.ask({ question, ...(language ? { language } : {}), ...(values.unit ? { unit: values.unit } : {}) });
  process.stdout.write(values.json ? `${JSON.stringify(r, null, 2)}\n` : `${render(r)}\n`);
  return r.found ? 0 : 4;
}

process.exitCode = await main().catch((err: unknown) => {
  // A mistyped option is the user's slip, not a crash: say what is wrong and how to call it.
  if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 1;
  }
  throw err;
});
