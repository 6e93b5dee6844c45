/** An exported figure as it will look, in a dialog. */
import { useMemo } from 'react';
import { Dialog } from '../ui/Dialog.js';
import { formatNumber } from '../ui/format.js';

export function FigurePreview({ title, svg, size, onClose }: { title: string; svg: string; size: { widthIn: number; heightIn: number }; onClose: () => void }) {
  const src = useMemo(() => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, [svg]);
  return (
    <Dialog title={`Figure preview · ${title}`} onClose={onClose} wide>
      <p className="muted small">
        As exported: {formatNumber(size.widthIn, 3)} × {formatNumber(size.heightIn, 3)} in, shown at screen size (96 px per inch).
      </p>
      <div className="figure-preview">
        <img src={src} alt={`Preview of the exported figure: ${title}`} style={{ width: `${size.widthIn * 96}px` }} />
      </div>
    </Dialog>
  );
}
