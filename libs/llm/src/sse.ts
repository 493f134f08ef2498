/**
 * The `data:` payloads of a server-sent event stream, one per event (multi-line data joined with
 * newlines, comments and other fields skipped). Ends when the body ends; a last event without its
 * blank line is dropped, as an EventSource does, since it may be cut.
 */
export async function* readSse(body: AsyncIterable<Uint8Array>, onBytes: (bytes: number) => void = () => {}): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let buffer = '';
  for await (const chunk of body) {
    onBytes(chunk.byteLength);
    buffer += decoder.decode(chunk, { stream: true });
    for (;;) {
      const match = /\r\n\r\n|\n\n|\r\r/.exec(buffer);
      if (!match) break;
      const event = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      const data = event
        .split(/\r\n|\n|\r/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''));
      if (data.length > 0) yield data.join('\n');
    }
  }
}
