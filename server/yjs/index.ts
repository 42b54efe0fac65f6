// Public surface of the Yjs collaboration endpoint.
export { createYjsService, type YjsService, type YjsServiceOptions, type YjsUpgradeOptions } from './service.ts';
export type { YjsPersistence } from './persistence.ts';
export { createPrismaYjsPersistence } from './prisma-persistence.ts';
export { createMemoryYjsPersistence, type MemoryYjsPersistence } from './memory-persistence.ts';
