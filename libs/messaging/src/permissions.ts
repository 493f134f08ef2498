import { deadLetterSubject } from '#contracts';
import type { AppDeclaration, PipelineTopology } from './streams.config.js';

/** One NATS user: what it may publish and subscribe to, derived from an app's declaration. */
export interface NatsUser {
  user: string;
  publish: string[];
  subscribe: string[];
  /** Owners answer requests: the server lets them publish to each request's reply subject, once. */
  allowResponses: boolean;
}

/** The user that creates and updates streams and consumers (`npm run provision`); no app may. */
export const PROVISION_USER = 'provision';

/**
 * Each app's inbox prefix: replies to its requests, JetStream pull batches and publish acks arrive
 * under it, and its user may subscribe only there, so no service reads another's replies.
 */
export function inboxPrefix(app: string): string {
  return `_INBOX_${app.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** The permissions of one app: its declared events and owners, its own consumers and inbox, nothing else. */
export function appUser(app: AppDeclaration, topology: Pick<PipelineTopology, 'streams'>): NatsUser {
  const publish = new Set<string>([...app.publishes, ...app.permissions.publish]);
  const subscribe = new Set<string>([`${inboxPrefix(app.app)}.>`, ...app.permissions.subscribe]);
  for (const entry of app.requests) {
    // An owner name grants all of its subjects; a subject grants that one and the owner's health ping.
    if (entry.includes('.')) publish.add(entry).add(`${entry.split('.')[0]}.ping.v1`);
    else publish.add(`${entry}.>`);
  }
  for (const owner of app.serves) subscribe.add(`${owner}.>`);
  for (const consumer of app.consumers) {
    if (!topology.streams[consumer.stream]) throw new Error(`${app.file}: stream ${consumer.stream} is not declared`);
    // The transport dead-letters a message of `<subject>` on `dlq.<subject>`.
    publish.add(deadLetterSubject(consumer.filter));
    // Account info (the JetStream manager's first call) and its own stream's info, read-only.
    publish.add('$JS.API.INFO');
    publish.add(`$JS.API.STREAM.INFO.${consumer.stream}`);
    publish.add(`$JS.API.CONSUMER.INFO.${consumer.stream}.${consumer.durable}`);
    publish.add(`$JS.API.CONSUMER.MSG.NEXT.${consumer.stream}.${consumer.durable}`);
    publish.add(`$JS.ACK.${consumer.stream}.${consumer.durable}.>`);
  }
  return { user: app.app, publish: [...publish].sort(), subscribe: [...subscribe].sort(), allowResponses: app.serves.length > 0 };
}

/** Every app's user plus the provisioning user. */
export function natsUsers(topology: PipelineTopology): NatsUser[] {
  const users = Object.values(topology.apps).map((app) => appUser(app, topology));
  users.push({ user: PROVISION_USER, publish: ['$JS.API.>'], subscribe: [`${inboxPrefix(PROVISION_USER)}.>`], allowResponses: false });
  return users.sort((a, b) => a.user.localeCompare(b.user));
}

/** `NATS_SCRAPER_PASSWORD` for user `scraper`: the variable the router config reads. */
export function passwordVariable(user: string): string {
  return `NATS_${user.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PASSWORD`;
}

/**
 * The `authorization { ... }` block of a nats-server config. By default each password is a
 * variable reference (`$NATS_SCRAPER_PASSWORD`): production sets those variables on the router to
 * bcrypt hashes (`nats server passwd`), the apps get the clear password from their own secret.
 */
export function renderAuthorization(users: NatsUser[], password: (user: string) => string = (u) => `$${passwordVariable(u)}`): string {
  const list = (items: string[]): string => `[${items.map((s) => JSON.stringify(s)).join(', ')}]`;
  const lines = [
    '# Generated from config/apps/*.yaml by `npm run nats:auth`: do not edit by hand.',
    'authorization {',
    '  default_permissions: { publish: { deny: ">" }, subscribe: { deny: ">" } }',
    '  users: [',
  ];
  for (const u of users) {
    lines.push(`    { user: ${JSON.stringify(u.user)}, password: ${password(u.user)},`);
    lines.push('      permissions: {');
    lines.push(`        publish: { allow: ${list(u.publish)} }`);
    lines.push(`        subscribe: { allow: ${list(u.subscribe)} }`);
    if (u.allowResponses) lines.push('        allow_responses: true');
    lines.push('      } }');
  }
  lines.push('  ]', '}', '');
  return lines.join('\n');
}
