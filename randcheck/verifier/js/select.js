// Select: sample sizes (SPEC §5) and per-stratum selection by keyed SHA-256 tickets (SPEC §6.3).
// Port of randcheck/core/draw/select.py (with the population loop of accel.lowest) and of the
// selection part of record.py (select_all).
//
// ticket(code) = SHA-256(K_s || u32(len(code)) || code), K_s exactly one 64-byte block: the
// state after K_s is computed once per stratum (KeyedSha256), then each code costs one SHA-256
// compression (two for codes over 51 bytes), with no allocation in the loop.
//
// A stratum's codes are a CodeList {n, bytes: Uint8Array, start: Uint32Array(n + 1)}, code i =
// bytes.subarray(start[i], start[i + 1]) (js/commit.js); an array of Uint8Array is accepted too.
// A StratumDraw is {drawn: [[ticket, code], …], reserve: [[ticket, code], …]} (Uint8Arrays), in
// rank order, as Python's StratumDraw(drawn, reserve) of (ticket, code) tuples.
const Select = (() => {
  const KW = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);
  const IV = new Int32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);

  /** One SHA-256 compression of the 64 bytes of `blk` at `off` into `st` (8 words, in place). */
  function compress(st, blk, off, W) {
    for (let i = 0; i < 16; i++) {
      const j = off + 4 * i;
      W[i] = (blk[j] << 24) | (blk[j + 1] << 16) | (blk[j + 2] << 8) | blk[j + 3];
    }
    for (let i = 16; i < 64; i++) {
      const w15 = W[i - 15], w2 = W[i - 2];
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    let a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + KW[i] + W[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    st[0] = (st[0] + a) | 0; st[1] = (st[1] + b) | 0; st[2] = (st[2] + c) | 0; st[3] = (st[3] + d) | 0;
    st[4] = (st[4] + e) | 0; st[5] = (st[5] + f) | 0; st[6] = (st[6] + g) | 0; st[7] = (st[7] + h) | 0;
  }

  /** SHA-256 of key || message for a fixed 64-byte key: the key's block is compressed once.
   *  begin() → put(bytes…)/putU32(n) → finish(out Int32Array(8)) (the digest as big-endian words). */
  class KeyedSha256 {
    constructor(key) {
      if (!(key instanceof Uint8Array) || key.length !== 64) throw new Error("KeyedSha256 needs a 64-byte key");
      this.mid = new Int32Array(IV);
      this.W = new Int32Array(64);
      compress(this.mid, key, 0, this.W);
      this.st = new Int32Array(8);
      this.buf = new Uint8Array(64);
      this.fill = 0; // bytes in buf
      this.total = 64; // bytes hashed so far, the key included
    }
    begin() { this.st.set(this.mid); this.fill = 0; this.total = 64; return this; }
    put(data, from = 0, to = data.length) {
      const buf = this.buf;
      for (let i = from; i < to; i++) {
        buf[this.fill++] = data[i];
        if (this.fill === 64) { compress(this.st, buf, 0, this.W); this.fill = 0; }
      }
      this.total += to - from;
      return this;
    }
    putU32(n) {
      const b = this.buf;
      for (let s = 24; s >= 0; s -= 8) {
        b[this.fill++] = (n >>> s) & 0xff;
        if (this.fill === 64) { compress(this.st, b, 0, this.W); this.fill = 0; }
      }
      this.total += 4;
      return this;
    }
    finish(out) {
      const b = this.buf;
      let f = this.fill;
      b[f++] = 0x80;
      if (f > 56) { b.fill(0, f, 64); compress(this.st, b, 0, this.W); f = 0; }
      b.fill(0, f, 56);
      const bits = this.total * 8; // < 2^53
      const hi = Math.floor(bits / 0x100000000), lo = bits >>> 0;
      b[56] = hi >>> 24; b[57] = (hi >>> 16) & 0xff; b[58] = (hi >>> 8) & 0xff; b[59] = hi & 0xff;
      b[60] = lo >>> 24; b[61] = (lo >>> 16) & 0xff; b[62] = (lo >>> 8) & 0xff; b[63] = lo & 0xff;
      compress(this.st, b, 0, this.W);
      out.set(this.st);
      return out;
    }
  }

  /** Big-endian bytes of 8 digest words. */
  function wordsToBytes(w, out = new Uint8Array(32), off = 0) {
    for (let i = 0; i < 8; i++) {
      const x = w[i];
      out[off + 4 * i] = x >>> 24; out[off + 4 * i + 1] = (x >>> 16) & 0xff;
      out[off + 4 * i + 2] = (x >>> 8) & 0xff; out[off + 4 * i + 3] = x & 0xff;
    }
    return out;
  }

  // --- sample sizes (SPEC §5) ----------------------------------------------------------------
  const big = (x) => BigInt(x);
  const num = (x) => Number(x);

  /** min(m, count) with m from the rule ({kind, n, num, den}), rounded up, ≥ 1 if count > 0. */
  function sample_size(rule, count) {
    let m;
    if (rule.kind === "count") m = big(rule.n);
    else m = (big(count) * big(rule.num) + big(rule.den) - 1n) / big(rule.den);
    const c = big(count);
    if (c > 0n && m < 1n) m = 1n;
    return num(m < c ? m : c);
  }

  /** For 一般 items the sample may not exceed max(1, floor(count · cap)) (SPEC §5). */
  function check_cap(task, stratum, count, size) {
    if (task.ratio_cap === null || task.ratio_cap === undefined || task.items.every((i) => i.kind === "key") || count === 0) return;
    const [n, d] = task.ratio_cap;
    let limit = big(count) * big(n) / big(d);
    if (limit < 1n) limit = 1n;
    if (big(size) > limit) {
      throw new Checks.RcError("proto.cap_exceeded", { stratum, size, limit: num(limit) });
    }
  }

  // --- tickets and selection (SPEC §6.3) -----------------------------------------------------
  /** A CodeList of an array of Uint8Array codes (or the CodeList itself). */
  function codeList(codes) {
    if (codes && codes.start instanceof Uint32Array && codes.bytes instanceof Uint8Array) return codes;
    const n = codes.length;
    const start = new Uint32Array(n + 1);
    let total = 0;
    for (let i = 0; i < n; i++) { start[i] = total; total += codes[i].length; }
    start[n] = total;
    const bytes = new Uint8Array(total);
    for (let i = 0; i < n; i++) bytes.set(codes[i], start[i]);
    return { n, bytes, start };
  }

  /** H(K_s || lp(code)): one code's ticket (32 bytes). */
  function ticket(key, code) {
    const h = new KeyedSha256(key).begin().putU32(code.length).put(code);
    return wordsToBytes(h.finish(new Int32Array(8)));
  }

  /** The tickets of `codes` in input order (an array of Uint8Array). */
  function tickets(key, codes) {
    const list = codeList(codes);
    const h = new KeyedSha256(key), w = new Int32Array(8), out = [];
    for (let i = 0; i < list.n; i++) {
      h.begin().putU32(list.start[i + 1] - list.start[i]).put(list.bytes, list.start[i], list.start[i + 1]);
      out.push(wordsToBytes(h.finish(w)));
    }
    return out;
  }

  const PROGRESS_EVERY = 1 << 16;
  /** Up to this many kept codes a heap is used; beyond, two passes (first ticket words). */
  const HEAP_MAX = 2048;

  /** The ticket of code bytes[s:e] as 8 words in `st`, from the key's state `mid`:
   *  u32(len) || code || 0x80 || zeros || u64(bit length of key + message), 1 or 2 blocks. */
  function ticketWords(mid, st, W, blk, bytes, s, e) {
    const len = e - s;
    if (len > 64) throw new Error("a code is longer than 64 bytes");
    const total = 4 + len;
    const end = total + 9 <= 64 ? 64 : 128;
    blk[0] = 0; blk[1] = 0; blk[2] = len >>> 8; blk[3] = len & 0xff;
    for (let j = 0; j < len; j++) blk[4 + j] = bytes[s + j];
    blk[total] = 0x80;
    for (let j = total + 1; j < end - 2; j++) blk[j] = 0;
    const bits = (64 + total) * 8;
    blk[end - 2] = bits >>> 8; blk[end - 1] = bits & 0xff;
    st.set(mid);
    compress(st, blk, 0, W);
    if (end === 128) compress(st, blk, 64, W);
  }

  /** Slots 0…count−1 ordered by `cmp`: a radix sort (LSD, two 16-bit passes) on each slot's
   *  first ticket word tk[8·slot], then `cmp` within the runs of equal first words. */
  function sortSlots(tk, count, cmp) {
    let a = new Int32Array(count), b = new Int32Array(count);
    for (let j = 0; j < count; j++) a[j] = j;
    for (const shift of [0, 16]) {
      const cnt = new Int32Array(65537);
      for (let j = 0; j < count; j++) cnt[((tk[8 * a[j]] >>> shift) & 0xffff) + 1]++;
      for (let v = 0; v < 65536; v++) cnt[v + 1] += cnt[v];
      for (let j = 0; j < count; j++) b[cnt[(tk[8 * a[j]] >>> shift) & 0xffff]++] = a[j];
      const t = a; a = b; b = t;
    }
    for (let j = 0; j < count;) {
      let e = j + 1;
      while (e < count && tk[8 * a[e]] === tk[8 * a[j]]) e++;
      if (e - j > 1) a.set(Array.from(a.subarray(j, e)).sort(cmp), j);
      j = e;
    }
    return a;
  }

  // The loops below are plain functions of their arguments (no closures over them), so that
  // the engine keeps their variables in registers.

  /** Code a versus code b of a CodeList, bytewise: <0, 0, >0. */
  function cmpCodes(bytes, start, a, b) {
    const as = start[a], al = start[a + 1] - as, bs = start[b], bl = start[b + 1] - bs;
    const m = al < bl ? al : bl;
    for (let j = 0; j < m; j++) { const d = bytes[as + j] - bytes[bs + j]; if (d) return d; }
    return al - bl;
  }
  /** Kept slot x versus slot y by (ticket, code): <0, 0, >0. */
  function cmpSlots(S, x, y) {
    const tk = S.tk, ox = 8 * x, oy = 8 * y;
    for (let j = 0; j < 8; j++) { const a = tk[ox + j], b = tk[oy + j]; if (a !== b) return a < b ? -1 : 1; }
    return cmpCodes(S.bytes, S.start, S.ci[x], S.ci[y]);
  }

  /** Codes from…to−1 into the max-heap S.hp of at most S.k kept slots. */
  function heapScan(S, from, to) {
    const mid = S.mid, st = S.st, W = S.W, blk = S.blk, bytes = S.bytes, start = S.start;
    const tk = S.tk, ci = S.ci, hp = S.hp, k = S.k;
    let size = S.size;
    for (let i = from; i < to; i++) {
      ticketWords(mid, st, W, blk, bytes, start[i], start[i + 1]);
      if (size === k) {
        const top = hp[0], o = 8 * top; // the largest kept: skip unless smaller
        let c = 0;
        for (let j = 0; j < 8; j++) {
          const a = st[j] >>> 0, b = tk[o + j];
          if (a !== b) { c = a < b ? -1 : 1; break; }
        }
        if (c === 0) c = cmpCodes(bytes, start, i, ci[top]);
        if (c >= 0) continue;
        for (let j = 0; j < 8; j++) tk[o + j] = st[j] >>> 0;
        ci[top] = i;
        let at = 0; // sift down
        for (;;) {
          const l = 2 * at + 1, r = l + 1;
          if (l >= size) break;
          let m = l;
          if (r < size && cmpSlots(S, hp[r], hp[l]) > 0) m = r;
          if (cmpSlots(S, hp[m], top) <= 0) break;
          hp[at] = hp[m]; at = m;
        }
        hp[at] = top;
      } else {
        const slot = size, o = 8 * slot;
        for (let j = 0; j < 8; j++) tk[o + j] = st[j] >>> 0;
        ci[slot] = i;
        let at = size++; // sift up
        while (at > 0) {
          const p = (at - 1) >> 1;
          if (cmpSlots(S, slot, hp[p]) <= 0) break;
          hp[at] = hp[p]; at = p;
        }
        hp[at] = slot;
      }
    }
    S.size = size;
  }

  /** The first ticket word of codes from…to−1 into S.first. */
  function firstScan(S, from, to) {
    const mid = S.mid, st = S.st, W = S.W, blk = S.blk, bytes = S.bytes, start = S.start, first = S.first;
    for (let i = from; i < to; i++) {
      ticketWords(mid, st, W, blk, bytes, start[i], start[i + 1]);
      first[i] = st[0] >>> 0;
    }
  }

  /** The full tickets of the codes whose first word is at most `threshold`, as kept slots. */
  function keepUnder(S, threshold) {
    const mid = S.mid, st = S.st, W = S.W, blk = S.blk, bytes = S.bytes, start = S.start, first = S.first;
    const n = first.length;
    let count = 0;
    for (let i = 0; i < n; i++) if (first[i] <= threshold) count++;
    const tk = new Uint32Array(8 * count), ci = new Int32Array(count);
    let c = 0;
    for (let i = 0; i < n; i++) {
      if (first[i] > threshold) continue;
      ticketWords(mid, st, W, blk, bytes, start[i], start[i + 1]);
      for (let j = 0; j < 8; j++) tk[8 * c + j] = st[j] >>> 0;
      ci[c++] = i;
    }
    S.tk = tk; S.ci = ci; S.size = count;
  }

  /** The k smallest (ticket, code) of a CodeList, ascending: [[ticket, code], …] (Python's
   *  heapq.nsmallest / accel.lowest). One pass with a max-heap for small k; for large k a pass
   *  that keeps each code's first ticket word (4 bytes a code), the k-th smallest of them as a
   *  threshold, and the full tickets of the codes at or under it. */
  async function lowest(key, list, k, label = "selection") {
    if (!(key instanceof Uint8Array) || key.length !== 64 || k < 0) throw new Error("lowest needs a 64-byte key and k >= 0");
    const n = list.n, bytes = list.bytes, start = list.start;
    k = Math.min(k, n);
    if (k === 0) return [];
    const S = {
      mid: new KeyedSha256(key).mid, st: new Int32Array(8), W: new Int32Array(64), blk: new Uint8Array(128),
      bytes, start, k, size: 0, tk: null, ci: null, hp: null, first: null,
    };
    if (k <= HEAP_MAX) {
      S.tk = new Uint32Array(8 * k); S.ci = new Int32Array(k); S.hp = new Int32Array(k);
      for (let i = 0; i < n; i += PROGRESS_EVERY) {
        if (i) await Checks.progress(label, i, n);
        heapScan(S, i, Math.min(n, i + PROGRESS_EVERY));
      }
    } else {
      S.first = new Uint32Array(n);
      for (let i = 0; i < n; i += PROGRESS_EVERY) {
        if (i) await Checks.progress(label, i, n);
        firstScan(S, i, Math.min(n, i + PROGRESS_EVERY));
      }
      keepUnder(S, S.first.slice().sort()[k - 1]);
      S.first = null;
    }
    const order = sortSlots(S.tk, S.size, (x, y) => cmpSlots(S, x, y)).subarray(0, k);
    const tk = S.tk, ci = S.ci;
    return Array.from(order, (slot) => {
      const t = new Uint8Array(32);
      for (let j = 0; j < 8; j++) {
        const x = tk[8 * slot + j];
        t[4 * j] = x >>> 24; t[4 * j + 1] = (x >>> 16) & 0xff; t[4 * j + 2] = (x >>> 8) & 0xff; t[4 * j + 3] = x & 0xff;
      }
      const c = ci[slot];
      return [t, bytes.slice(start[c], start[c + 1])];
    });
  }

  /** Rank by (ticket, code), keeping only the size + reserve smallest: {drawn, reserve}. */
  async function draw_stratum(key, codes, size, reserve, label = "selection") {
    const best = await lowest(key, codeList(codes), size + reserve, label);
    return { drawn: best.slice(0, size), reserve: best.slice(size) };
  }

  /** 1 + (rank · batches) div size: the random batch order of 重点 items. */
  function batch(rank, batches, size) {
    const p = rank * batches;
    if (Number.isSafeInteger(p)) return 1 + Math.floor(p / size);
    return Number(1n + (BigInt(rank) * BigInt(batches)) / BigInt(size));
  }

  /** record.select_all: one StratumDraw per announced stratum, in the announcement's order. */
  async function select_all(ann, population, seed) {
    const out = [];
    for (const p of ann.strata) {
      out.push(await draw_stratum(Seed.ticket_key(seed, p.id), population[p.id], p.sample_size, p.reserve_size,
        `selection.${p.id}`));
    }
    return out;
  }

  return {
    KeyedSha256, wordsToBytes, sample_size, check_cap, codeList, ticket, tickets, lowest,
    draw_stratum, batch, select_all,
  };
})();
