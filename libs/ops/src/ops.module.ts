import { Module, type DynamicModule } from '@nestjs/common';
import { HealthChecks } from './health.checks.js';
import { MetricsRegistry } from './metrics.registry.js';

/** The app's metrics registry and readiness checks, injectable anywhere (bootstrap imports it). */
@Module({})
export class OpsModule {
  static forApp(metrics: MetricsRegistry, health: HealthChecks): DynamicModule {
    return {
      module: OpsModule,
      global: true,
      providers: [
        { provide: MetricsRegistry, useValue: metrics },
        { provide: HealthChecks, useValue: health },
      ],
      exports: [MetricsRegistry, HealthChecks],
    };
  }
}
