import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError, datasetFingerprint, loadDataset } from '../../../../electron/engine/datasets/index.js';
import { detectDelimiter, LoadCancelled, MAX_CSV_BYTES } from '../../../../electron/engine/csv.js';
import { cfg, expectShapes } from './helpers.js';

describe('csv separator detection', () => {
  const detect = (text: string) => detectDelimiter(Buffer.from(text));
  it('picks the separator found equally often on every line', () => {
    expect(detect('a,b,c\n1,2,3\n')).toBe(',');
    expect(detect('a;b;c\n1;2;3\n')).toBe(';');
    expect(detect('a\tb\tc\n1\t2\t3\n')).toBe('\t');
    expect(detect('a|b\n1|2\n')).toBe('|');
    // Decimal commas inside ;-separated numbers.
    expect(detect('x;y\n1,5;2,25\n3,0;4,5\n')).toBe(';');
    // Separators inside quotes do not count; a quoted field may span lines.
    expect(detect('name,value\n"a;b;c",1\n"multi\nline; text",2\n')).toBe(',');
    // One column: a comma (the file is then reported as having a single column).
    expect(detect('x\n1\n2\n')).toBe(',');
  });
});

describe('csv data sets', () => {
  let dir: string;
  const write = (name: string, text: string | Buffer) => {
    fs.writeFileSync(path.join(dir, name), text);
    return name;
  };
  const csvConfig = (file: string, extra: Record<string, unknown> = {}) =>
    cfg({ kind: 'csv', path: file, labelColumn: 'label', task: 'classification', validationSplit: 0, ...extra });
  const load = (file: string, extra: Record<string, unknown> = {}) => loadDataset(csvConfig(file, extra), 1, { baseDir: dir });
  const errorOf = (fn: () => unknown): DatasetError => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(DatasetError);
      return err as DatasetError;
    }
    throw new Error('expected a DatasetError');
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-csv-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('classification: string labels sorted, quoted fields, CRLF, blank lines, trailing newline', () => {
    const file = write(
      'flowers.csv',
      '\ufeffwidth,"label",height\r\n1.5,"versicolor",2\r\n\r\n  \r\n0.5,setosa,1\r\n" 2.5 ",virginica,3\r\n1,"setosa",1.25\r\n',
    );
    const d = load(file);
    expect(d.task).toBe('classification');
    expect(d.inputSize).toBe(2);
    expect(d.outputSize).toBe(3);
    expect(d.nTrain).toBe(4);
    expectShapes(d);
    // Rows in split order: match them back by their first feature.
    const rows = new Map<number, [number, number]>();
    for (let i = 0; i < 4; i++) rows.set(d.xTrain[i * 2], [d.xTrain[i * 2 + 1], d.yTrain[i]]);
    expect(rows.get(1.5)).toEqual([2, 1]);
    expect(rows.get(0.5)).toEqual([1, 0]);
    expect(rows.get(2.5)).toEqual([3, 2]);
    expect(rows.get(1)).toEqual([1.25, 0]);
    expect(d.description).toBe('csv flowers.csv: 4 samples, 2 features, 3 classes (setosa, versicolor, virginica)');
  });

  it('classification: numeric labels sorted numerically; label column by index; no header', () => {
    const file = write('numeric.csv', '10,0.1\n2,0.2\n1.0,0.3\n1,0.4\n2,0.5\n');
    const d = load(file, { header: false, labelColumn: 0 });
    expect(d.outputSize).toBe(3);
    const byFeature = new Map<number, number>();
    for (let i = 0; i < d.nTrain; i++) byFeature.set(Math.round(d.xTrain[i] * 10), d.yTrain[i]);
    // Classes: 1 (and 1.0) → 0, 2 → 1, 10 → 2.
    expect([1, 2, 3, 4, 5].map((k) => byFeature.get(k))).toEqual([2, 1, 0, 0, 1]);
  });

  it('regression: numeric target, outputSize 1, split and shift applied', () => {
    const lines = ['a,b,y'];
    for (let i = 0; i < 20; i++) lines.push(`${i},${-i},${i * 10}`);
    const file = write('reg.csv', lines.join('\n'));
    const d = load(file, { task: 'regression', labelColumn: 'y', validationSplit: 0.25, inputShift: 1 });
    expect(d.task).toBe('regression');
    expect(d.outputSize).toBe(1);
    expect(d.nTrain).toBe(15);
    expect(d.nVal).toBe(5);
    expectShapes(d);
    for (let i = 0; i < d.nTrain; i++) {
      const a = d.xTrain[i * 2] - 1;
      expect(d.xTrain[i * 2 + 1] - 1 + a).toBe(0);
      expect(d.yTrain[i]).toBe(a * 10);
    }
    expect(d.description).toBe('csv reg.csv: 20 samples, 2 features, regression on "y"; inputs x + 1');
  });

  it('semicolon, tab and pipe separators are detected; dataset.delimiter overrides the detection', () => {
    const semi = load(write('semi.csv', 'a;b;label\n1.5;2;x\n3;4.25;y\n'));
    expect(semi.inputSize).toBe(2);
    // Decimal commas are recognised as such, but not read.
    expect(errorOf(() => load(write('decimal-comma.csv', 'a;b;label\n1,5;2;x\n3;4,25;y\n'))).message).toBe(
      'dataset.path: "decimal-comma.csv", line 2, column 0 (0-based): the value is not a number (a decimal comma? numbers need a decimal point)',
    );
    const tab = load(write('tab.tsv', 'a\tlabel\tb\n1\tx\t2\n3\ty\t4\n'));
    expect(tab.inputSize).toBe(2);
    expect(tab.description).toBe('csv tab.tsv: 2 samples, 2 features, 2 classes (x, y), separator tab');
    expect(load(write('pipe.csv', 'a|label\n1|x\n2|y\n')).inputSize).toBe(1);
    // Every line has one ';' and one ',': detection prefers ';' (decimal commas), the config can say ','.
    const both = write('both.csv', 'x,y;label\n1,2;a\n3,4;b\n');
    expect(errorOf(() => load(both)).message).toBe(
      'dataset.path: "both.csv", line 2, column 0 (0-based): the value is not a number (a decimal comma? numbers need a decimal point)',
    );
    const comma = load(both, { header: false, labelColumn: 1, skipLines: 1, delimiter: ',' });
    expect(comma.inputSize).toBe(1);
    expect(semi.description).toBe('csv semi.csv: 2 samples, 2 features, 2 classes (x, y), separator ";"');
  });

  it("sklearn's breast_cancer.csv: a metadata line gives “line 2 has 31 fields, expected 4”; skipLines reads the file", () => {
    // As shipped with scikit-learn: "569,30,malignant,benign", then 569 rows of 30 features and the target.
    const lines = ['569,30,malignant,benign'];
    for (let i = 0; i < 569; i++) {
      const features = Array.from({ length: 30 }, (_, f) => ((i * 31 + f * 7) % 97) / 10);
      lines.push([...features, i % 3 === 0 ? 0 : 1].join(','));
    }
    const file = write('breast_cancer.csv', `${lines.join('\n')}\n`);
    const noHeader = errorOf(() => load(file, { header: false, labelColumn: 30 }));
    expect(noHeader.field).toBe('dataset.path');
    expect(noHeader.message).toBe(
      'dataset.path: "breast_cancer.csv", line 2 has 31 fields, expected 4 (as on line 1); if line 1 is not part of the table (e.g. a line of metadata), skip it with dataset.skipLines',
    );
    expect(errorOf(() => load(file, { header: true, labelColumn: 'target' })).message).toBe(
      'dataset.path: "breast_cancer.csv", line 2 has 31 fields, expected 4 (as in the header on line 1); if line 1 is not part of the table (e.g. a line of metadata), skip it with dataset.skipLines',
    );
    const d = load(file, { header: false, labelColumn: 30, skipLines: 1 });
    expect(d.nTrain).toBe(569);
    expect(d.inputSize).toBe(30);
    expect(d.outputSize).toBe(2);
    expectShapes(d);
  });

  it('standardize: every feature has mean 0 and std 1 on the training split, with the training statistics applied to validation', () => {
    const lines = ['a,b,c,y'];
    for (let i = 0; i < 40; i++) lines.push(`${100 + i * 3},${-0.001 * i},7,${i}`);
    const file = write('scales.csv', lines.join('\n'));
    const d = load(file, { task: 'regression', labelColumn: 'y', validationSplit: 0.25, standardize: true });
    const stats = (xs: Float32Array, n: number, f: number) => {
      let m = 0;
      for (let i = 0; i < n; i++) m += xs[i * 3 + f];
      m /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (xs[i * 3 + f] - m) ** 2;
      return { mean: m, std: Math.sqrt(v / n) };
    };
    for (const f of [0, 1]) {
      const { mean, std } = stats(d.xTrain, d.nTrain, f);
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      expect(std).toBeCloseTo(1, 5);
    }
    // The constant column is only centred.
    expect(stats(d.xTrain, d.nTrain, 2)).toEqual({ mean: 0, std: 0 });
    // Validation rows use the training mean/std: feature a is still linear in the target.
    const a = (i: number, xs: Float32Array) => xs[i * 3];
    const slope = (a(1, d.xTrain) - a(0, d.xTrain)) / (d.yTrain[1] - d.yTrain[0]);
    for (let i = 0; i < d.nVal; i++) expect(a(i, d.xVal)).toBeCloseTo(a(0, d.xTrain) + slope * (d.yVal[i] - d.yTrain[0]), 4);
    expect(d.description).toBe('csv scales.csv: 40 samples, 3 features, regression on "y"; features standardized (training split mean and std, 1 constant feature only centred)');
    // Without standardize the numbers are the file's.
    const plain = load(file, { task: 'regression', labelColumn: 'y', validationSplit: 0.25 });
    expect(Math.min(...Array.from({ length: plain.nTrain }, (_, i) => plain.xTrain[i * 3]))).toBeGreaterThanOrEqual(100);
  });

  it('a file read again (another seed of a sweep) gives the same numbers; a changed file is read anew', () => {
    const file = write('again.csv', 'a,label\n1,x\n2,y\n3,x\n');
    const shifted = () => load(file, { inputShift: 10 });
    const first = shifted();
    // The shift is applied to a copy each time, never twice.
    expect(shifted()).toEqual(first);
    expect([...first.xTrain].sort()).toEqual([11, 12, 13]);
    write('again.csv', 'a,label\n5,x\n6,y\n7,x\n8,y\n');
    expect([...load(file).xTrain].sort()).toEqual([5, 6, 7, 8]);
  });

  it('relative paths resolve against process.cwd() by default, absolute paths as given', () => {
    const file = write('abs.csv', 'x,label\n1,a\n2,b\n');
    const absolute = loadDataset(csvConfig(path.join(dir, file)), 1);
    expect(absolute.nTrain).toBe(2);
    const relative = path.relative(process.cwd(), path.join(dir, file));
    expect(loadDataset(csvConfig(relative), 1)).toEqual(absolute);
  });

  it('fingerprint: sha256 of the file, changes with the contents', () => {
    const file = write('fp.csv', 'x,label\n1,a\n2,b\n');
    const config = csvConfig(file);
    const first = datasetFingerprint(config, { baseDir: dir });
    expect(first).toBe(createHash('sha256').update('x,label\n1,a\n2,b\n').digest('hex'));
    write('fp.csv', 'x,label\n1,a\n3,b\n');
    expect(datasetFingerprint(config, { baseDir: dir })).not.toBe(first);
  });

  it('error: missing file', () => {
    const err = errorOf(() => load('x.csv'));
    expect(err.field).toBe('dataset.path');
    expect(err.message).toBe(`dataset.path: "x.csv" does not exist (resolved to ${path.join(dir, 'x.csv')})`);
    expect(() => datasetFingerprint(csvConfig('x.csv'), { baseDir: dir })).toThrow('dataset.path: "x.csv" does not exist');
  });

  it('error: a directory, a FIFO or a device is not read (no hang, no endless read)', () => {
    fs.mkdirSync(path.join(dir, 'folder.csv'));
    expect(errorOf(() => load('folder.csv')).message).toMatch(/^dataset\.path: "folder\.csv" is a directory, not a regular file/);
    if (fs.existsSync('/dev/zero')) {
      expect(errorOf(() => load('/dev/zero')).message).toBe('dataset.path: "/dev/zero" is a device, not a regular file');
    }
    const fifo = path.join(dir, 'pipe.csv');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return; // no mkfifo here
    }
    expect(errorOf(() => load(fifo)).message).toBe(`dataset.path: ${JSON.stringify(fifo)} is a named pipe (FIFO), not a regular file`);
  });

  it('error: a file over the size limit is refused before it is read', () => {
    const big = path.join(dir, 'big.csv');
    const fd = fs.openSync(big, 'w');
    fs.ftruncateSync(fd, MAX_CSV_BYTES + 1); // sparse: no disk space used
    fs.closeSync(fd);
    expect(errorOf(() => load(big)).message).toBe(
      `dataset.path: ${JSON.stringify(big)} is too large (${MAX_CSV_BYTES + 1} bytes); csv files may be at most 256 MiB`,
    );
  });

  it('error: UTF-16 (with or without byte-order mark) and other non-UTF-8 files get a clear message', () => {
    const text = 'a,label\n1,x\n2,y\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(errorOf(() => load(write('utf16.csv', utf16))).message).toBe(
      'dataset.path: "utf16.csv" is UTF-16 encoded; save it as UTF-8 (e.g. "CSV UTF-8" in a spreadsheet program) and try again' +
        ` (resolved to ${path.join(dir, 'utf16.csv')})`,
    );
    expect(errorOf(() => load(write('utf16-nobom.csv', Buffer.from(text, 'utf16le')))).message).toMatch(/looks UTF-16 encoded/);
    const latin1 = Buffer.from('a,label\n1,x\n2,caf\xe9\n', 'latin1');
    expect(errorOf(() => load(write('latin1.csv', latin1))).message).toMatch(/^dataset\.path: "latin1\.csv" is not valid UTF-8 \(first invalid byte on line 3; /);
    // A UTF-8 byte-order mark is fine.
    expect(load(write('bom.csv', `\ufeff${text}`)).nTrain).toBe(2);
  });

  it('error: unknown label column name', () => {
    const file = write('abc.csv', 'a,b,c\n1,2,3\n4,5,6\n');
    expect(errorOf(() => load(file, { labelColumn: 'y' })).message).toBe('dataset.labelColumn: no column named "y" in the header (line 1, 3 columns)');
  });

  it('error: label column index out of range, or a name without a header', () => {
    const file = write('idx.csv', '1,2,3\n4,5,6\n');
    expect(errorOf(() => load(file, { header: false, labelColumn: 3 })).message).toBe(
      'dataset.labelColumn: column index 3 is out of range: the rows of "idx.csv" have 3 fields (indices 0..2)',
    );
    expect(errorOf(() => load(file, { header: false, labelColumn: 'c' })).message).toMatch(
      /^dataset\.labelColumn: "c" is a column name, but dataset\.header is false/,
    );
  });

  it('error: a non-numeric feature names its line and column, not its text', () => {
    const file = write('bad.csv', 'a,b,label\n1,2,x\n\n3,4,y\n5,6,x\n7,8,y\n9,10,x\n11,abc,y\n');
    expect(errorOf(() => load(file)).message).toBe('dataset.path: "bad.csv", line 8, column 1 (0-based): the value is not a number');
    const noHeader = write('bad2.csv', '1,2,x\n3,,y\n4,Infinity,x\n');
    expect(errorOf(() => load(noHeader, { header: false, labelColumn: 2 })).message).toBe('dataset.path: "bad2.csv", line 2, column 1 (0-based): the value is empty');
    write('bad2.csv', '1,2,x\n4,Infinity,x\n');
    expect(errorOf(() => load(noHeader, { header: false, labelColumn: 2 })).message).toBe(
      'dataset.path: "bad2.csv", line 2, column 1 (0-based): the value is not a finite number',
    );
  });

  it('error: a non-numeric regression target', () => {
    const file = write('badreg.csv', 'a,label\n1,2\n3,high\n');
    expect(errorOf(() => load(file, { task: 'regression' })).message).toBe(
      'dataset.path: "badreg.csv", line 3, column 1 (0-based, the label column): the value is not a number (task is regression)',
    );
  });

  it('error: fewer than 2 data rows', () => {
    expect(errorOf(() => load(write('one.csv', 'a,label\n1,x\n'))).message).toBe('dataset.path: "one.csv" has 1 data row; at least 2 are needed');
    expect(errorOf(() => load(write('header-only.csv', 'a,label\n'))).message).toBe('dataset.path: "header-only.csv" has 0 data rows; at least 2 are needed');
    expect(errorOf(() => load(write('empty.csv', ''))).message).toBe('dataset.path: "empty.csv" is empty');
    expect(errorOf(() => load(write('skipped.csv', 'meta\n'), { skipLines: 1 })).message).toBe(
      'dataset.path: "skipped.csv" has nothing after the 1 skipped line (dataset.skipLines)',
    );
  });

  it('error: classification with only one class', () => {
    expect(errorOf(() => load(write('oneclass.csv', 'a,label\n1,x\n2,x\n3, x \n'))).message).toBe(
      'dataset.labelColumn: column 1 (0-based) of "oneclass.csv" has only one distinct value; classification needs at least 2 classes',
    );
  });

  it('error: ragged rows, no feature columns, malformed quotes', () => {
    expect(errorOf(() => load(write('ragged.csv', 'a,b,label\n1,2,x\n3,y\n'))).message).toBe(
      'dataset.path: "ragged.csv", line 3 has 2 fields, expected 3 (as in the header on line 1)',
    );
    expect(errorOf(() => load(write('labelonly.csv', 'label\nx\ny\n'))).message).toBe(
      'dataset.path: "labelonly.csv" has only one column (separator ",", detected); the label and at least one numeric feature column are needed',
    );
    expect(errorOf(() => load(write('quote.csv', 'a,label\n1,"x\n2,y\n'))).message).toBe(
      'dataset.path: "quote.csv", line 2: a quoted field is never closed (missing ")',
    );
  });

  it('a config error never echoes the file: a file that is not a data set (e.g. /etc/passwd) is named, its lines are not printed', () => {
    const secret = 'root:x:0:0:SECRET-MARKER:/root:/bin/bash';
    const file = write('passwd', `${secret}\ndaemon:x:1:1:SECRET-MARKER:/usr/sbin:/usr/sbin/nologin\nbin;x;2;2;SECRET-MARKER\n`);
    const attempts: Record<string, unknown>[] = [
      { labelColumn: 'y' },
      { labelColumn: 'root:x:0:0:SECRET-MARKER:/root:/bin/bash' },
      { header: false, labelColumn: 0 },
      { header: false, labelColumn: 5 },
      { header: false, labelColumn: 0, task: 'regression' },
      { header: false, labelColumn: 0, delimiter: ';' },
    ];
    for (const extra of attempts) {
      const message = errorOf(() => load(file, extra)).message;
      expect(message, JSON.stringify(extra)).not.toMatch(/SECRET|bin\/bash|nologin|daemon/);
    }
    if (fs.existsSync('/etc/passwd')) {
      const firstLine = fs.readFileSync('/etc/passwd', 'utf8').split('\n')[0];
      for (const extra of attempts) {
        let message = '';
        try {
          loadDataset(csvConfig('/etc/passwd', extra), 1);
        } catch (err) {
          message = (err as Error).message;
        }
        expect(message).not.toBe('');
        if (firstLine.length > 3) expect(message).not.toContain(firstLine);
        expect(message).not.toMatch(/\/bin\/(ba)?sh|nologin/);
      }
    }
  });

  it('loading stops when asked: between chunks of csv rows and of generated samples', () => {
    const lines = ['a,b,label'];
    for (let i = 0; i < 5000; i++) lines.push(`${i},${i * 2},${i % 2 ? 'x' : 'y'}`);
    const file = write('long.csv', lines.join('\n'));
    let polls = 0;
    expect(() => loadDataset(csvConfig(file), 1, { baseDir: dir, shouldStop: () => ++polls > 2 })).toThrow(LoadCancelled);
    expect(polls).toBe(3);
    polls = 0;
    expect(() => loadDataset(cfg({ kind: 'blobs', samples: 100_000 }), 1, { shouldStop: () => ++polls > 3 })).toThrow(LoadCancelled);
    expect(polls).toBe(4);
    // Not asked: loads.
    expect(loadDataset(csvConfig(file), 1, { baseDir: dir, shouldStop: () => false }).nTrain).toBe(5000);
  });
});
