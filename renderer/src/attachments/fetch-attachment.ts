// Fetches an attachment's bytes with the session, reporting progress as they arrive.
export async function fetchAttachment(
  url: string,
  token: string,
  onProgress: (received: number) => void,
): Promise<Blob> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (res.status === 404) throw new Error('this attachment is no longer available');
  if (!res.ok || !res.body) throw new Error(`the download failed (${res.status})`);
  const type = res.headers.get('content-type') ?? 'application/octet-stream';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    received += value.byteLength;
    onProgress(received);
  }
  return new Blob(parts as BlobPart[], { type });
}
