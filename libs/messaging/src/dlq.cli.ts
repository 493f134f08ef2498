// npm run dlq -- list|show <seq>|replay [--subject S] [--reason R] [--since 2026-11-29T10:00Z|2h] [--seq N] [--limit N] [--all]
import { parseArgs } from 'node:util';
import { CommonEnv, loadEnv, redactUrl } from '#config';
import { DeadLetterV1 } from '#contracts';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectNats } from './connect.js';
import { DeadLetters, type DeadLetterEntry, type DeadLetterFilter } from './dead-letters.js';
import { Namespace } from './namespace.js';

const USAGE = `usage: npm run dlq -- list|show <seq>|replay [--subject pipeline.article.stored.v1] [--reason max-deliveries]
                      [--since 2026-11-29T10:00:00Z|90m|2h|3d] [--seq N ...] [--limit N] [--all]
replay needs --seq, a filter or --all.`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    subject: { type: 'string' },
    reason: { type: 'string' },
    since: { type: 'string' },
    seq: { type: 'string', multiple: true },
    limit: { type: 'string' },
    all: { type: 'boolean', default: false },
    by: { type: 'string' },
  },
});
const [command, arg] = positionals;
const out = (line: string): boolean => process.stdout.write(`${line}\n`);

function since(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const relative = /^(\d+)(m|h|d)$/.exec(text);
  if (relative) return new Date(Date.now() - Number(relative[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd']);
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw new Error(`--since: "${text}" is neither a date nor 90m/2h/3d`);
  return at;
}

function filter(): DeadLetterFilter {
  const reason = values.reason === undefined ? undefined : DeadLetterV1.shape.reason.parse(values.reason);
  return { subject: values.subject, reason, since: since(values.since), limit: values.limit ? Number(values.limit) : undefined };
}

function line(entry: DeadLetterEntry): string {
  const l = entry.envelope.payload;
  return `#${String(entry.seq).padEnd(6)} ${l.failedAt}  ${l.reason.padEnd(16)} ${l.originalSubject}  ${l.consumer} x${l.attempts}  ${l.error.replace(/\s+/g, ' ').slice(0, 120)}`;
}

if (!command || !['list', 'show', 'replay'].includes(command)) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
const env = loadEnv(CommonEnv);
const nc = await connectNats({ url: env.NATS_URL, app: 'dlq-tool', user: env.NATS_USER, password: env.NATS_PASSWORD }).catch((error: Error) => {
  process.stderr.write(`${redactUrl(error.message)}\n`);
  process.exit(1);
});
const dlq = new DeadLetters(jetstream(nc), await jetstreamManager(nc), new Namespace(env.NATS_NAMESPACE));
try {
  if (command === 'list') {
    const entries = await dlq.list(filter());
    for (const entry of entries) out(line(entry));
    out(`${entries.length} dead letter(s)`);
  } else if (command === 'show') {
    if (!arg) throw new Error('show needs the sequence number of a dead letter (see list)');
    out(JSON.stringify(await dlq.show(Number(arg)), null, 2));
  } else {
    let entries: DeadLetterEntry[];
    if (values.seq?.length) {
      entries = [];
      for (const seq of values.seq) {
        const shown = await dlq.show(Number(seq));
        entries.push({ seq: shown.seq, envelope: shown.envelope });
      }
    } else if (values.subject || values.reason || values.since || values.all) {
      entries = await dlq.list(filter());
    } else {
      throw new Error(`replay needs --seq, --subject, --reason, --since or --all\n${USAGE}`);
    }
    const results = await dlq.replay(entries, values.by ?? `cli:${process.env.USER ?? 'unknown'}`);
    for (const r of results) out(`#${r.seq} ${r.originalSubject} ${r.replayEventId ? `replayed as ${r.replayEventId}` : `NOT replayed: ${r.problem}`}`);
    out(`${results.filter((r) => r.replayEventId).length} of ${results.length} replayed`);
  }
} catch (error) {
  process.stderr.write(`dlq: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await nc.close();
}
