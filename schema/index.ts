export * from './tenancy.ts';
export * from './cases.ts';
