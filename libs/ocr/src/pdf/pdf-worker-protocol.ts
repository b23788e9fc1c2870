/** Messages between PdfSession (main thread) and pdf-page.worker (worker thread). */
export interface PdfWorkerInit {
  maxImagePixels: number;
}

export type PdfWorkerRequest =
  | { op: 'open'; filePath: string }
  | { op: 'page'; pageNo: number; text: boolean; render: boolean; dpi: number; maxPixels: number };

export interface PdfRaster {
  width: number;
  height: number;
  /** Effective resolution (lower than requested when the page had to be scaled down). */
  dpi: number;
  /** 8-bit grey, row-major, width × height bytes. */
  data: Uint8Array;
}

export type PdfWorkerResponse =
  | { ok: true; numPages: number; encrypted: boolean }
  | { ok: true; widthPt: number; heightPt: number; text?: string; chars: number; image?: PdfRaster }
  | { ok: false; name: string; message: string };
