import { VectorGetV1 } from '#contracts';
import { RequestClient } from '#messaging';
import { Injectable } from '@nestjs/common';

/** The vector service as the trend stage needs it: one stored vector by id. */
@Injectable()
export class VectorClient {
  constructor(private readonly requests: RequestClient) {}

  async get(space: { name: string; dim: number }, id: string): Promise<number[] | null> {
    const { rows } = await this.requests.request(VectorGetV1, { space, ids: [id] });
    const row = rows.find((r) => r.id === id);
    return row ? row.vector : null;
  }

  /** Several stored vectors of one space in one request (missing ones are absent from the map). */
  async getMany(space: { name: string; dim: number }, ids: string[]): Promise<Map<string, number[]>> {
    const { rows } = await this.requests.request(VectorGetV1, { space, ids });
    return new Map(rows.map((r) => [r.id, r.vector]));
  }
}
