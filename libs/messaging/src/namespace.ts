/**
 * Maps logical subjects and stream names to the wire, so several isolated pipelines (tests,
 * staging) can share one NATS server. The empty namespace is the identity.
 */
export class Namespace {
  private readonly prefix: string;

  constructor(readonly name: string) {
    this.prefix = name ? `${name}.` : '';
  }

  subject(logical: string): string {
    return this.prefix + logical;
  }

  logical(wire: string): string {
    return this.prefix && wire.startsWith(this.prefix) ? wire.slice(this.prefix.length) : wire;
  }

  stream(logical: string): string {
    return this.name ? `${this.name}_${logical}` : logical;
  }
}
