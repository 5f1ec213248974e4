export * from './tenancy.ts';
export * from './cases.ts';
export * from './vendor-side.ts';
export * from './evaluation.ts';
export * from './bidding.ts';
export * from './documents.ts';
export * from './communication.ts';
