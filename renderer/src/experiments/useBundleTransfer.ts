/** Exporting the selected experiments as a bundle and importing one: one at a time, with the outcome. */
import { useState } from 'react';
import { saveFile } from '../app/lab-actions.js';
import { useLab } from '../app/context.js';
import { base64ToBytes, dataUrlBase64 } from '../ui/files.js';
import { importSummaryText } from './bundle.js';

export interface BundleTransfer {
  busy: 'export' | 'import' | null;
  /** What the last import did (or why it failed), until dismissed. */
  importResult: { ok: boolean; text: string } | null;
  dismissImportResult(): void;
  exportBundle(experimentIds: number[]): Promise<void>;
  importBundle(file: File): Promise<void>;
}

export function useBundleTransfer(onImported: () => void): BundleTransfer {
  const lab = useLab();
  const { client, toast } = lab;
  const [busy, setBusy] = useState<'export' | 'import' | null>(null);
  const [importResult, setImportResult] = useState<{ ok: boolean; text: string } | null>(null);

  const exportBundle = async (experimentIds: number[]) => {
    setBusy('export');
    try {
      const file = await client.exportBundle(experimentIds);
      await saveFile(lab, { suggestedName: file.suggestedName, mimeType: file.mimeType, data: base64ToBytes(file.base64) });
    } catch (err) {
      toast(`Could not export the bundle: ${(err as Error).message}`, 'error');
    } finally {
      setBusy(null);
    }
  };

  const importBundle = async (file: File) => {
    setBusy('import');
    setImportResult(null);
    try {
      const dataUrl = await new Promise<string>((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result));
        reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
        reader.readAsDataURL(file);
      });
      const summary = await client.importBundle(dataUrlBase64(dataUrl));
      setImportResult({ ok: true, text: `${importSummaryText(summary)} (from ${file.name}).` });
      onImported();
    } catch (err) {
      setImportResult({ ok: false, text: `Could not import ${file.name}: ${(err as Error).message}` });
    } finally {
      setBusy(null);
    }
  };

  return { busy, importResult, dismissImportResult: () => setImportResult(null), exportBundle, importBundle };
}
