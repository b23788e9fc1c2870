// The browser build of pdf.js (pdfjs-dist 5.6) has the package's own types.
declare module 'pdfjs-dist/build/pdf.mjs' {
  export * from 'pdfjs-dist';
}
