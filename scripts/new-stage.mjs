#!/usr/bin/env node
// `npm run new:stage -- <name> --on <event subject> --emits <event subject>`: writes a new pipeline
// stage that consumes one event and emits the next, with everything it needs to build, pass the
// layout test, run under `npm start` and pass its own spec on the real bus:
//   apps/<name>/src/{main,<name>.module,<name>.handler,<name>.service}.ts
//   apps/<name>/test/<name>-stage.spec.ts
//   libs/contracts/src/events/<entity>-<verb>.v1.ts   (when the emitted contract does not exist yet)
//   config/apps/<name>.yaml                            (consumer, publishes, requests)
//   deploy/k8s/apps/<name>.yaml
// and adds one line to each listing file: deploy/k8s/kustomization.yaml and nest-cli.json.
// Nothing else is edited: contracts register themselves, NATS users come from config/apps.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const EVENT = /^pipeline\.([a-z][a-zA-Z0-9]*)\.([a-z][a-zA-Z0-9]*)\.v([0-9]+)$/;

function fail(message) {
  process.stderr.write(`new:stage: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = { name: undefined, on: undefined, emits: undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--on') args.on = argv[++i];
    else if (argv[i] === '--emits') args.emits = argv[++i];
    else if (!argv[i].startsWith('--') && !args.name) args.name = argv[i];
    else fail(`unknown argument ${argv[i]}`);
  }
  const usage = 'usage: npm run new:stage -- <name> --on <event subject> --emits <event subject>';
  if (!args.name || !args.on || !args.emits) fail(usage);
  if (!/^[a-z][a-z0-9-]*$/.test(args.name)) fail(`the name "${args.name}" must be lower-case letters, digits and -`);
  for (const subject of [args.on, args.emits]) {
    if (!EVENT.test(subject)) fail(`"${subject}" is not an event subject: pipeline.<entity>.<pastTenseVerb>.v<major>`);
  }
  if (args.on === args.emits) fail('a stage emits another event than the one it consumes');
  return args;
}

const pascal = (text) => text.replace(/(^|[-.])([a-z0-9])/g, (_m, _s, c) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');
const kebab = (text) => text.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** `pipeline.article.counted.v1` -> file `article-counted.v1`, contract `ArticleCountedV1`. */
function contractNames(subject) {
  const [, entity, verb, major] = EVENT.exec(subject);
  return { file: `${kebab(entity)}-${kebab(verb)}.v${major}`, name: `${pascal(entity)}${pascal(verb)}V${major}` };
}

/** A payload that satisfies a contract's JSON schema, for the generated spec. */
function sample(schema) {
  if (!schema || typeof schema !== 'object') return null;
  if (schema.anyOf) {
    const notNull = schema.anyOf.find((s) => s.type !== 'null');
    return schema.anyOf.some((s) => s.type === 'null') ? null : sample(notNull);
  }
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, sample(value)]));
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items));
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1, schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return true;
    case 'string':
      if (schema.format === 'uri') return 'https://example.com/sample';
      if (schema.format === 'date-time') return '2026-01-01T00:00:00.000Z';
      if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return null;
  }
}

function write(path, text) {
  const full = join(root, path);
  if (existsSync(full)) fail(`${path} exists already: pick another name`);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  console.log(`  wrote  ${path}`);
}

const args = parseArgs(process.argv.slice(2));
const app = args.name;
const App = pascal(app);
const on = contractNames(args.on);
const emits = contractNames(args.emits);
if (existsSync(join(root, 'apps', app))) fail(`apps/${app} exists already`);

// The consumed contract must exist: load the compiled registry of a clean build (a stale dist/ could
// still hold a contract whose source is gone).
console.log('new:stage: building to read the contracts...');
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) fail('the TypeScript build failed; fix it first');
const contracts = await import(pathToFileURL(join(root, 'dist/libs/contracts/src/index.js')).href);
const registry = await contracts.loadEventContracts();
const consumed = registry.get(args.on);
if (!consumed) fail(`no contract defines ${args.on} (libs/contracts/src/events): create it first, or pick an existing subject`);
if (!existsSync(join(root, 'libs/contracts/src/events', `${on.file}.ts`))) {
  fail(`${args.on} is defined, but not in libs/contracts/src/events/${on.file}.ts; import it by hand`);
}
const { z } = await import(pathToFileURL(join(root, 'node_modules/zod/index.js')).href);
const onSample = sample(z.toJSONSchema(consumed.schema, { io: 'input', unrepresentable: 'any' }));
if (!consumed.schema.safeParse(onSample).success) {
  console.warn(`  note   no valid sample of ${args.on} could be derived; fill the spec's payload by hand`);
}

console.log(`new stage "${app}": ${args.on} -> ${args.emits}`);

if (registry.get(args.emits)) {
  console.log(`  uses   the existing contract of ${args.emits}`);
  if (!existsSync(join(root, 'libs/contracts/src/events', `${emits.file}.ts`))) {
    fail(`${args.emits} is defined, but not in libs/contracts/src/events/${emits.file}.ts; import it by hand`);
  }
} else {
  write(
    `libs/contracts/src/events/${emits.file}.ts`,
    `import { z } from 'zod';
import { defineContract, type Payload } from '../define.js';

/** What the ${app} stage announces. Fields within v${EVENT.exec(args.emits)[3]} are only ever added, optional. */
export const ${emits.name} = defineContract(
  '${args.emits}',
  z.object({
    /** The event this one answers (replace with the stage's real output). */
    sourceEventId: z.string().min(1).max(128),
  }),
);
export type ${emits.name} = Payload<typeof ${emits.name}>;

declare module '../define.js' {
  interface EventRegistry {
    '${args.emits}': typeof ${emits.name};
  }
}
`,
  );
}

write(
  `apps/${app}/src/main.ts`,
  `import { runApp } from '#bootstrap';
import { ${App}Module } from './${app}.module.js';

await runApp(${App}Module, '${app}');
`,
);

write(
  `apps/${app}/src/${app}.module.ts`,
  `import { Module } from '@nestjs/common';
import { ${App}Handler } from './${app}.handler.js';
import { ${App}Service } from './${app}.service.js';

@Module({
  controllers: [${App}Handler],
  providers: [${App}Service],
})
export class ${App}Module {}
`,
);

write(
  `apps/${app}/src/${app}.handler.ts`,
  `import { ${on.name} } from '#contracts/events/${on.file}';
import { ${emits.name} } from '#contracts/events/${emits.file}';
import { EventPublisher, OnEvent, type EventContext } from '#messaging';
import { Controller } from '@nestjs/common';
import { ${App}Service } from './${app}.service.js';

/** The ${app} stage's one subscriber: ${args.on} in, ${args.emits} out. */
@Controller()
export class ${App}Handler {
  constructor(
    private readonly service: ${App}Service,
    private readonly publisher: EventPublisher,
  ) {}

  @OnEvent(${on.name})
  async handle(payload: ${on.name}, ctx: EventContext): Promise<void> {
    // Throw to retry with backoff; throw PoisonMessageError for a message that can never succeed.
    const result = await this.service.work(payload, ctx.envelope.id);
    // The key with the cause fixes the message id: a redelivery publishes nothing new.
    await this.publisher.publish(${emits.name}, result, { causedBy: ctx.envelope, key: '${app}' });
    ctx.log.info(\`\${ctx.envelope.id} handled\${ctx.attempt > 1 ? \` (attempt \${ctx.attempt})\` : ''}\`);
  }
}
`,
);

write(
  `apps/${app}/src/${app}.service.ts`,
  `import type { ${on.name} } from '#contracts/events/${on.file}';
import type { ${emits.name} } from '#contracts/events/${emits.file}';
import { Injectable } from '@nestjs/common';

/** The ${app} stage's logic; outbound I/O belongs in a \`<x>.client.ts\` it depends on. */
@Injectable()
export class ${App}Service {
  async work(_input: ${on.name}, eventId: string): Promise<${emits.name}> {
    return { sourceEventId: eventId };
  }
}
`,
);

write(
  `apps/${app}/test/${app}-stage.spec.ts`,
  `import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ${on.name} } from '#contracts/events/${on.file}';
import { ${emits.name} } from '#contracts/events/${emits.file}';
import { TestBus } from '#testing';
import { ${App}Module } from '../src/${app}.module.js';

describe('${app} stage on the real bus', () => {
  let bus: TestBus;

  before(async () => {
    bus = await TestBus.create();
    await bus.startApp(${App}Module, '${app}');
  });

  after(async () => {
    await bus?.close();
  });

  it('answers ${args.on} with one ${args.emits}, once even when the event comes twice', async () => {
    const input = ${JSON.stringify(onSample, null, 2).replace(/\n/g, '\n    ')};
    const sent = await bus.publisher.publish(${on.name}, input);
    const [event] = await bus.events(${emits.name}, 1);
    assert.equal(event!.payload.sourceEventId, sent.id);
    assert.equal(event!.causationId, sent.id);
    // The same envelope once more, as a redelivery would bring it: the deterministic key makes the
    // stage's second publish a duplicate the stream drops.
    await bus.js.publish(bus.ns.subject(${on.name}.subject), JSON.stringify(sent));
    await assert.rejects(bus.events(${emits.name}, 2, 3000), /found 1/);
  });
});
`,
);

write(
  `config/apps/${app}.yaml`,
  `# The ${app} stage: every ${args.on}, once (replicas share the durable).
consumers:
  - durable: ${app}
    stream: PIPELINE
    filter: "${args.on}"
publishes: [${args.emits}]
requests: []
serves: []
`,
);

write(
  `deploy/k8s/apps/${app}.yaml`,
  `# The ${app} stage. Replicas share its durable consumer; KEDA sets their number in production (below).
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  labels: { app: ${app} }
spec:
  replicas: 1
  selector:
    matchLabels: { app: ${app} }
  template:
    metadata:
      labels: { app: ${app} }
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9464"
        prometheus.io/path: /metrics
    spec:
      containers:
        - name: ${app}
          image: trend-pipeline
          env:
            - { name: APP, value: ${app} }
            - { name: NATS_URL, value: "tls://nats:4222" }
            - { name: NATS_USER, value: ${app} }
            - name: NATS_PASSWORD
              valueFrom: { secretKeyRef: { name: nats-users, key: NATS_${app.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PASSWORD } }
            - { name: OPS_PORT, value: "9464" }
            - { name: OPS_HOST, value: 0.0.0.0 }
            - { name: NODE_EXTRA_CA_CERTS, value: /etc/cluster-ca/ca.crt }
          ports:
            - { containerPort: 9464, name: ops }
          resources:
            requests: { cpu: 50m, memory: 128Mi }
            limits: { memory: 512Mi }
          volumeMounts:
            - { name: cluster-ca, mountPath: /etc/cluster-ca, readOnly: true }
          startupProbe:
            httpGet: { path: /healthz, port: ops }
            periodSeconds: 5
            failureThreshold: 60
          livenessProbe:
            httpGet: { path: /healthz, port: ops }
            periodSeconds: 20
            timeoutSeconds: 5
            failureThreshold: 3
          readinessProbe:
            httpGet: { path: /readyz, port: ops }
            periodSeconds: 10
            timeoutSeconds: 5
      volumes:
        - name: cluster-ca
          configMap: { name: cluster-ca }
      securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 }
---
# Scales on the work: KEDA reads the pending count of the durable consumer ${app} (one replica per
# 16 pending, the default concurrency in config/streams.yaml). Needs KEDA 2.x; the single-node
# overlay drops it.
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: ${app}
spec:
  scaleTargetRef: { name: ${app} }
  minReplicaCount: 1
  maxReplicaCount: 10
  pollingInterval: 15
  cooldownPeriod: 300
  triggers:
    - type: nats-jetstream
      metadata:
        natsServerMonitoringEndpoint: "nats.trend-pipeline.svc.cluster.local:8223"
        account: "$G"
        stream: "PIPELINE"
        consumer: "${app}"
        lagThreshold: "16"
        activationLagThreshold: "0"
        useHttps: "false"
`,
);

// The two listing files: one line each.
const kustomizationPath = join(root, 'deploy/k8s/kustomization.yaml');
const kustomization = readFileSync(kustomizationPath, 'utf8');
const appLines = [...kustomization.matchAll(/^(\s*)- apps\/[a-z0-9-]+\.yaml$/gm)];
if (appLines.length === 0) fail('deploy/k8s/kustomization.yaml lists no apps/*.yaml to add to');
const last = appLines[appLines.length - 1];
const insertAt = last.index + last[0].length;
writeFileSync(kustomizationPath, `${kustomization.slice(0, insertAt)}\n${last[1]}- apps/${app}.yaml${kustomization.slice(insertAt)}`);
console.log('  listed deploy/k8s/kustomization.yaml');


const nestPath = join(root, 'nest-cli.json');
const nestText = readFileSync(nestPath, 'utf8');
if (JSON.parse(nestText).projects?.[app]) fail(`nest-cli.json has a project "${app}" already`);
const projectLines = [...nestText.matchAll(/^(\s*)"[a-z0-9-]+": \{ "type": "application".*$/gm)];
if (projectLines.length === 0) fail('nest-cli.json lists no application to add to');
const lastProject = projectLines[projectLines.length - 1];
const projectEnd = lastProject.index + lastProject[0].length;
const entry = `${lastProject[1]}"${app}": { "type": "application", "root": "apps/${app}", "entryFile": "main", "sourceRoot": "apps/${app}/src" },`;
writeFileSync(nestPath, `${nestText.slice(0, projectEnd)}\n${entry}${nestText.slice(projectEnd)}`);
JSON.parse(readFileSync(nestPath, 'utf8'));
console.log('  listed nest-cli.json');

console.log(`
Next: npm run build && npm test -- ${app} layout && npm start
Then replace the service's placeholder with the stage's logic and the contract's fields with its output.`);
