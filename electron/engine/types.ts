/** Data handed to the training loop: row-major float matrices, already split, shifted and scaled. */
export interface Dataset {
  task: 'classification' | 'regression';
  /** Number of input features. */
  inputSize: number;
  /** Number of classes (classification) or target dimensions (regression, usually 1). */
  outputSize: number;
  /** nTrain × inputSize. */
  xTrain: Float32Array;
  /** Classification: class index per sample (nTrain). Regression: nTrain × outputSize targets. */
  yTrain: Float32Array;
  xVal: Float32Array;
  yVal: Float32Array;
  nTrain: number;
  nVal: number;
  /** Human-readable description, e.g. "blobs: 2048 samples, 16 features, 4 classes". */
  description: string;
}
