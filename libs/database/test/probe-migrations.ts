// Test migrations that mix TypeORM's schema API, raw DDL and data statements, for the resumption
// specs. PROBE_KILL_AFTER_CREATE (SQLite child only) kills the process inside the second migration.
import { Table, TableColumn, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

export class ProbeTables1700000000101 implements MigrationInterface {
  name = 'ProbeTables1700000000101';
  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'probe_parent',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'slug', type: 'varchar', length: '32' },
        ],
        indices: [new TableIndex({ name: 'uq_probe_parent_slug', columnNames: ['slug'], isUnique: true })],
      }),
    );
    await q.query('CREATE TABLE probe_child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL, note VARCHAR(20) NULL)');
    // No unique key on this one: run twice, it would leave two rows.
    await q.query("INSERT INTO probe_parent (slug) VALUES ('a')");
    await q.query("INSERT INTO probe_parent (slug) VALUES ('b')");
  }
  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('probe_child');
    await q.dropTable('probe_parent');
  }
}

export class ProbeColumns1700000000102 implements MigrationInterface {
  name = 'ProbeColumns1700000000102';
  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('probe_parent', [
      new TableColumn({ name: 'weight', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'label', type: 'varchar', length: '40', isNullable: true }),
    ]);
    if (process.env.PROBE_KILL_AFTER_CREATE === '1') process.kill(process.pid, 'SIGKILL');
    // A read whose answer the next write needs: reads run again on a resumed migration.
    const [row] = (await q.query("SELECT id FROM probe_parent WHERE slug = 'b'")) as Array<{ id: number }>;
    await q.query('INSERT INTO probe_child (id, parent_id, note) VALUES (1, ?, ?)', [row!.id, 'first']);
    await q.query('UPDATE probe_parent SET weight = COALESCE(weight, 0) + 1');
    await q.createIndex('probe_child', new TableIndex({ name: 'ix_probe_child_parent', columnNames: ['parent_id'] }));
    await q.createForeignKey(
      'probe_child',
      new TableForeignKey({ name: 'fk_probe_child_parent', columnNames: ['parent_id'], referencedTableName: 'probe_parent', referencedColumnNames: ['id'] }),
    );
    await q.query('ALTER TABLE probe_child ADD COLUMN extra INTEGER NULL');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE probe_child DROP COLUMN extra');
    await q.dropForeignKey('probe_child', 'fk_probe_child_parent');
    await q.dropIndex('probe_child', 'ix_probe_child_parent');
    await q.dropColumns('probe_parent', ['label', 'weight']);
  }
}

export const probeMigrations = [ProbeTables1700000000101, ProbeColumns1700000000102];
