// The bytes of an Avro file as the fake's writer builds them: varints, floats, strings.

/** A growing buffer of encoded bytes. */
export class AvroSink {
  private buf: Uint8Array<ArrayBuffer> = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(count: number): void {
    if (this.length + count <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + count));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  /** The bytes written so far (a copy), and an empty sink. */
  take(): Uint8Array<ArrayBuffer> {
    const out = this.buf.slice(0, this.length);
    this.length = 0;
    return out;
  }

  writeLong(value: number): void {
    if (!Number.isSafeInteger(value)) throw new TypeError(`Avro long: ${value} is not a safe integer`);
    this.reserve(10);
    // Zigzag without forming 2|v| (which a double cannot hold exactly past 2^52): the sign
    // goes into the first byte's low bit, the magnitude m (|v| or |v| - 1) after it.
    const negative = value < 0;
    const m = negative ? -value - 1 : value;
    let rest = Math.floor(m / 64);
    let byte = (m % 64) * 2 + (negative ? 1 : 0);
    while (rest > 0) {
      this.buf[this.length++] = byte | 0x80;
      byte = rest % 128;
      rest = Math.floor(rest / 128);
    }
    this.buf[this.length++] = byte;
  }

  writeBoolean(value: boolean): void {
    this.reserve(1);
    this.buf[this.length++] = value ? 1 : 0;
  }

  writeFloat(value: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
  }

  writeDouble(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  writeRaw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  writeBytes(bytes: Uint8Array): void {
    this.writeLong(bytes.length);
    this.writeRaw(bytes);
  }

  writeString(text: string): void {
    this.writeBytes(utf8.encode(text));
  }
}

const utf8 = new TextEncoder();
