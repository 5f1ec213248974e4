export * from './tenancy.ts';
export * from './cases.ts';
export * from './vendor-side.ts';
