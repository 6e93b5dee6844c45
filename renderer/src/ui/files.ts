/** Bytes between the lab's base64 payloads, the page's files and `saveFile` (pure). */

/** Decodes base64 (a `FileData` from the lab) into bytes for `saveFile`. */
export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The base64 part of a `data:` URL (what FileReader.readAsDataURL gives). */
export function dataUrlBase64(dataUrl: string): string {
  const i = dataUrl.indexOf(',');
  return i < 0 ? '' : dataUrl.slice(i + 1);
}
