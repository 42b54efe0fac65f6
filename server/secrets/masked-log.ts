// A step's log writer that masks secret values before anything reaches the file or the live
// bus. Bytes are decoded here (a pipe may split a character anywhere) so the masker sees
// text; what could be the start of a value split across chunks waits for the next chunk.
import { StringDecoder } from 'node:string_decoder';
import type { LogStream, StepLogWriter } from '../engine/step-logs.ts';
import type { Masker, StreamMasker } from './masker.ts';

export function maskedLog(out: StepLogWriter, masker: Masker): StepLogWriter {
  if (masker.empty) return out;
  const streams = new Map<LogStream, { decoder?: StringDecoder; mask: StreamMasker }>();
  const stateOf = (stream: LogStream) => {
    let s = streams.get(stream);
    if (!s) streams.set(stream, s = { mask: masker.stream() });
    return s;
  };
  return {
    write(stream, chunk) {
      const s = stateOf(stream);
      let text: string;
      if (typeof chunk === 'string') {
        // Text after bytes: a character the bytes left unfinished is not coming.
        text = s.decoder ? s.decoder.end() + chunk : chunk;
        s.decoder = undefined;
      } else {
        text = (s.decoder ??= new StringDecoder('utf8')).write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      }
      const safe = s.mask.write(text);
      if (safe) out.write(stream, safe);
    },
    async close() {
      for (const [stream, s] of streams) {
        const rest = s.mask.write(s.decoder?.end() ?? '') + s.mask.end();
        if (rest) out.write(stream, rest);
      }
      await out.close();
    },
  };
}
