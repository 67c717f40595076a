// Zip: a small, strict zip reader (PKWARE APPNOTE 6.3): the end-of-central-directory record,
// the central directory, each entry's local header, stored and deflated data (deflate through
// the browser's DecompressionStream("deflate-raw")), CRC-32 checked, every size bounded by a
// limit the caller gives so that a zip bomb is refused before it is unpacked.
//
// Used for a dropped bundle .zip (js/sources.js) and for the workbooks results.xlsx and
// results/inspection-results.xlsx (js/xlsx.js). Python reads neither through this code: its
// xlsx check (randcheck/bundle/table.py from_xlsx) uses zipfile + openpyxl, and
// services/verify/reading.py xlsx_within sums the central directory's sizes (Zip.total).
//
//   const z = await Zip.open(bytes)      // throws Checks.RcError("webverify.zip_bad", {reason})
//   z.entries                            // [{name, size, compressedSize, isDir}] in directory order
//   await z.read(name, limit)            // Uint8Array; throws "webverify.zip_bad" or
//                                        // "webverify.zip_too_big" {file, size, limit}
//   Zip.total(bytes)                     // sum of the declared unpacked sizes, null if not a zip
const Zip = (() => {
  const EOCD = 0x06054b50;
  const CEN = 0x02014b50;
  const LOC = 0x04034b50;
  const MAX_ENTRIES = 200000;

  const bad = (reason) => new Checks.RcError("webverify.zip_bad", { reason });

  let CRC_TABLE = null;
  function crc32(u8) {
    if (!CRC_TABLE) {
      CRC_TABLE = new Uint32Array(256);
      for (let n = 0; n < 256; n++) {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        CRC_TABLE[n] = c >>> 0;
      }
    }
    let c = 0xffffffff;
    for (let i = 0; i < u8.length; i++) c = CRC_TABLE[(c ^ u8[i]) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  }

  function view(u8) { return new DataView(u8.buffer, u8.byteOffset, u8.byteLength); }

  /** The end-of-central-directory record: {count, size, offset, at}; throws when there is none. */
  function endRecord(u8) {
    const dv = view(u8);
    const last = u8.length - 22;
    if (last < 0) throw bad("too short for a zip file");
    for (let at = last; at >= 0 && at >= last - 0xffff; at--) {
      if (dv.getUint32(at, true) !== EOCD) continue;
      const commentLength = dv.getUint16(at + 20, true);
      if (at + 22 + commentLength !== u8.length) continue; // a signature inside the comment
      const disk = dv.getUint16(at + 4, true);
      const cdDisk = dv.getUint16(at + 6, true);
      const here = dv.getUint16(at + 8, true);
      const count = dv.getUint16(at + 10, true);
      const size = dv.getUint32(at + 12, true);
      const offset = dv.getUint32(at + 16, true);
      if (disk !== 0 || cdDisk !== 0 || here !== count) throw bad("a multi-disk zip");
      if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) throw bad("zip64 is not supported");
      if (offset + size > at) throw bad("the central directory overlaps its end record");
      return { count, size, offset, at };
    }
    throw bad("no end of central directory record");
  }

  function decodeName(bytes, utf8flag) {
    try { return Bytes.text(bytes); } catch (e) {
      if (utf8flag) throw bad("an entry name that is not UTF-8");
      return new TextDecoder("utf-8").decode(bytes); // legacy code page: shown, never matched
    }
  }

  /** The central directory's entries (with what read() needs); throws on any inconsistency. */
  function directory(u8) {
    const dv = view(u8);
    const end = endRecord(u8);
    if (end.count > MAX_ENTRIES) throw bad("too many entries");
    const out = [];
    const names = new Set();
    let p = end.offset;
    const stop = end.offset + end.size;
    for (let i = 0; i < end.count; i++) {
      if (p + 46 > stop || dv.getUint32(p, true) !== CEN) throw bad("a damaged central directory");
      const flags = dv.getUint16(p + 8, true);
      const method = dv.getUint16(p + 10, true);
      const crc = dv.getUint32(p + 16, true);
      const compressedSize = dv.getUint32(p + 20, true);
      const size = dv.getUint32(p + 24, true);
      const nameLength = dv.getUint16(p + 28, true);
      const extraLength = dv.getUint16(p + 30, true);
      const commentLength = dv.getUint16(p + 32, true);
      const disk = dv.getUint16(p + 34, true);
      const local = dv.getUint32(p + 42, true);
      const next = p + 46 + nameLength + extraLength + commentLength;
      if (next > stop) throw bad("a damaged central directory");
      if (disk !== 0) throw bad("a multi-disk zip");
      if (compressedSize === 0xffffffff || size === 0xffffffff || local === 0xffffffff) throw bad("zip64 is not supported");
      const name = decodeName(u8.subarray(p + 46, p + 46 + nameLength), (flags & 0x800) !== 0);
      if (names.has(name)) throw bad("an entry name used twice");
      names.add(name);
      out.push({ name, size, compressedSize, isDir: name.endsWith("/"), flags, method, crc, local });
      p = next;
    }
    if (p !== stop) throw bad("a damaged central directory");
    return out;
  }

  /** Unpack raw deflate data, refusing more than `limit` bytes of output. */
  async function inflate(data, limit, file, tooBig) {
    if (typeof DecompressionStream === "undefined") throw bad("this browser cannot unpack deflate");
    const ds = new DecompressionStream("deflate-raw");
    const writer = ds.writable.getWriter();
    const reader = ds.readable.getReader();
    writer.write(data).catch(() => {});
    writer.close().catch(() => {});
    const parts = [];
    let total = 0;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        total += value.length;
        if (total > limit) {
          reader.cancel().catch(() => {});
          throw tooBig(file, total, limit);
        }
        parts.push(value);
      }
    } catch (e) {
      if (e instanceof Checks.RcError) throw e;
      throw bad("damaged deflate data");
    }
    return Bytes.concat(...parts);
  }

  async function open(bytes) {
    const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const dv = view(u8);
    const list = directory(u8);
    const byName = new Map(list.map((e) => [e.name, e]));

    async function read(name, limit) {
      const e = byName.get(name);
      if (!e) throw bad(`no entry ${name}`);
      if (e.flags & 0x1) throw bad("an encrypted entry");
      if (e.size > limit) throw new Checks.RcError("webverify.zip_too_big", { file: name, size: e.size, limit });
      const p = e.local;
      if (p + 30 > u8.length || dv.getUint32(p, true) !== LOC) throw bad("a damaged local header");
      const start = p + 30 + dv.getUint16(p + 26, true) + dv.getUint16(p + 28, true);
      const stop = start + e.compressedSize;
      if (stop > u8.length) throw bad("an entry runs past the end of the file");
      const data = u8.subarray(start, stop);
      let out;
      if (e.method === 0) {
        if (e.compressedSize !== e.size) throw bad("a stored entry whose sizes differ");
        out = data.slice();
      } else if (e.method === 8) {
        // never more than the directory declares (a lie about the size is damage)
        out = await inflate(data, e.size, name, () => bad(`${name}: more data than the directory declares`));
      } else {
        throw bad(`compression method ${e.method} is not supported`);
      }
      if (out.length !== e.size) throw bad(`${name}: the unpacked size differs from the directory's`);
      if (crc32(out) !== e.crc) throw bad(`${name}: CRC-32 mismatch`);
      return out;
    }

    return {
      entries: list.map(({ name, size, compressedSize, isDir }) => ({ name, size, compressedSize, isDir })),
      read,
      has: (name) => byName.has(name),
    };
  }

  /** Python's xlsx_within: the sum of the entries' declared unpacked sizes (what
   *  zipfile.ZipFile(...).infolist() says), or null when the bytes are not a zip it opens. */
  function total(bytes) {
    let list;
    try { list = directory(bytes); } catch (e) { return null; }
    return list.reduce((n, e) => n + e.size, 0);
  }

  /** Python's reading.xlsx_within(data, limit). */
  function xlsx_within(data, limit) {
    const t = total(data);
    return t === null || t <= limit;
  }

  return { open, total, xlsx_within, crc32 };
})();
