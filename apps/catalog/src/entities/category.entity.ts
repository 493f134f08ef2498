import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The category master table; rows come from the seed migration. */
@Entity({ name: 'category' })
export class CategoryEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 32 })
  slug!: string;

  @Column({ name: 'name_ko', type: 'varchar', length: 64 })
  nameKo!: string;

  @Column({ name: 'name_en', type: 'varchar', length: 64 })
  nameEn!: string;

  @Column({ name: 'sort_order', type: 'integer' })
  sortOrder!: number;
}
