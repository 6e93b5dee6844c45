/**
 * A small RFC 4180 CSV reader: quoted fields (with commas, doubled quotes and line breaks inside),
 * LF / CRLF / CR line endings, a leading UTF-8 byte-order mark, blank lines and a trailing newline.
 */

export interface CsvRecord {
  /** 1-based physical line on which the record starts (for error messages). */
  line: number;
  fields: string[];
}

/** Thrown for malformed CSV text (an unterminated quote, text after a closing quote). */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * Splits CSV text into records. Blank lines (nothing but spaces or tabs) are skipped; unquoted
 * fields are returned as written (callers trim as needed), quoted fields without their quotes.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let quotedAny = false;
    // One record.
    while (true) {
      let field = '';
      // Leading spaces before an opening quote are allowed (`a, "b,c"`).
      let j = i;
      while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
      if (j < n && text[j] === '"') {
        quotedAny = true;
        const quoteLine = line;
        i = j + 1;
        while (true) {
          if (i >= n) throw new CsvSyntaxError(quoteLine, 'a quoted field is never closed (missing ")');
          const ch = text[i];
          if (ch === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
          field += ch;
          i++;
        }
        // After the closing quote: optional spaces, then a separator or the end of the record.
        while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          throw new CsvSyntaxError(line, `unexpected text after a closing quote: ${JSON.stringify(text.slice(i, i + 10))}`);
        }
      } else {
        const start = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') i++;
        field = text.slice(start, i);
      }
      fields.push(field);
      if (i < n && text[i] === ',') {
        i++;
        continue;
      }
      // End of record (newline or end of text).
      if (i < n && text[i] === '\r') i++;
      if (i < n && text[i] === '\n') i++;
      line++;
      break;
    }
    const blank = !quotedAny && fields.length === 1 && fields[0].trim() === '';
    if (!blank) records.push({ line: startLine, fields });
  }
  return records;
}
