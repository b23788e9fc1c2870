export * from './document-processor';
