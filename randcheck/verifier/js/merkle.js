// Merkle: RFC 6962 Merkle tree hashing, inclusion and consistency proofs (RFC 9162 §2.1
// verifiers), and the roots of a log tail from its prefix nodes (SPEC §14.6) — a port of
// randcheck/core/merkle.py.  Hashes are Uint8Array(32); leaf indexes and tree sizes are
// Numbers (≤ 2^53 − 1; the proof verifiers also take BigInts, as a checkpoint may state a size
// past 2^53 that Python reads exactly).
const Merkle = (() => {
  const LEAF = new Uint8Array([0]);
  const NODE = new Uint8Array([1]);
  const EMPTY = Hash.sha256(new Uint8Array(0));
  const fail = (code, params) => new Checks.RcError(code, params);

  function leaf_hash(data) { return Hash.sha256Stream().update(LEAF).update(data).digest(); }
  function node_hash(left, right) {
    const buf = new Uint8Array(65);
    buf[0] = 1; buf.set(left, 1); buf.set(right, 33);
    return Hash.sha256(buf);
  }

  /** Largest power of two strictly smaller than n (n >= 2). */
  function _split(n) {
    let k = 1;
    while (k * 2 < n) k *= 2;
    return k;
  }

  /** MTH over already-hashed leaves, computed bottom-up (iterative, O(n)). */
  function root_from_hashes(hashes) {
    if (!hashes.length) return EMPTY.slice();
    let level = Array.from(hashes);
    while (level.length > 1) {
      const next = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(node_hash(level[i], level[i + 1]));
      if (level.length % 2) next.push(level[level.length - 1]);
      level = next;
    }
    return level[0];
  }

  /** MTH(D[n]) of raw leaf data. */
  function root(leaves) { return root_from_hashes(Array.from(leaves, leaf_hash)); }

  /** PATH(m, D[n]) for leaf `index` over leaf hashes (RFC 6962 §2.1.1). */
  function inclusion_proof(index, hashes) {
    const n = hashes.length;
    if (!(index >= 0 && index < n)) throw new RangeError("index out of range");
    if (n === 1) return [];
    const k = _split(n);
    if (index < k) return [...inclusion_proof(index, hashes.slice(0, k)), root_from_hashes(hashes.slice(k))];
    return [...inclusion_proof(index - k, hashes.slice(k)), root_from_hashes(hashes.slice(0, k))];
  }

  const big = (v) => (typeof v === "bigint" ? v : BigInt(v));

  /** RFC 9162 §2.1.3.2; `leaf` is the leaf *hash*.  Throws RcError (merkle.*). */
  function verify_inclusion(index, size, leaf, proof, expected_root) {
    const idx = big(index), sz = big(size);
    if (!(idx >= 0n && idx < sz)) throw fail("merkle.index_range", { index, size });
    let fn = idx, sn = sz - 1n, r = leaf;
    for (const p of proof) {
      if (sn === 0n) throw fail("merkle.proof_long");
      if ((fn & 1n) || fn === sn) {
        r = node_hash(p, r);
        if (!(fn & 1n)) {
          while (fn && !(fn & 1n)) { fn >>= 1n; sn >>= 1n; }
        }
      } else {
        r = node_hash(r, p);
      }
      fn >>= 1n; sn >>= 1n;
    }
    if (sn !== 0n) throw fail("merkle.proof_short");
    if (!Bytes.equal(r, expected_root)) throw fail("merkle.root_mismatch");
  }

  /** PROOF(m, D[n]) (RFC 6962 §2.1.2) over leaf hashes. */
  function consistency_proof(m, hashes) {
    const n = hashes.length;
    if (!(m > 0 && m <= n)) throw new RangeError("m out of range");
    return _subproof(m, hashes, true);
  }
  function _subproof(m, hashes, start) {
    const n = hashes.length;
    if (m === n) return start ? [] : [root_from_hashes(hashes)];
    const k = _split(n);
    if (m <= k) return [..._subproof(m, hashes.slice(0, k), start), root_from_hashes(hashes.slice(k))];
    return [..._subproof(m - k, hashes.slice(k), false), root_from_hashes(hashes.slice(0, k))];
  }

  /** RFC 9162 §2.1.4.2.  Throws RcError (merkle.*). */
  function verify_consistency(m, n, proof, old_root, new_root) {
    const M = big(m), N = big(n);
    if (!(M > 0n && M <= N)) throw fail("merkle.index_range", { index: m, size: n });
    if (M === N) {
      if (proof.length || !Bytes.equal(old_root, new_root)) throw fail("merkle.root_mismatch");
      return;
    }
    const path = Array.from(proof);
    if ((M & (M - 1n)) === 0n) path.unshift(old_root); // m a power of two: old_root is the first node
    if (!path.length) throw fail("merkle.proof_short");
    let fn = M - 1n, sn = N - 1n;
    while (fn & 1n) { fn >>= 1n; sn >>= 1n; }
    let fr = path[0], sr = path[0];
    for (const c of path.slice(1)) {
      if (sn === 0n) throw fail("merkle.proof_long");
      if ((fn & 1n) || fn === sn) {
        fr = node_hash(c, fr);
        sr = node_hash(c, sr);
        while (fn && !(fn & 1n)) { fn >>= 1n; sn >>= 1n; }
      } else {
        sr = node_hash(sr, c);
      }
      fn >>= 1n; sn >>= 1n;
    }
    if (sn !== 0n) throw fail("merkle.proof_short");
    if (!Bytes.equal(fr, old_root) || !Bytes.equal(sr, new_root)) throw fail("merkle.root_mismatch");
  }

  // -- a log tail: the root at every size from a prefix's nodes and the leaves after it -------
  // (the proof that the recursion never needs a leaf before `a` is in core/merkle.py)

  /** The number of one bits of a (0 <= a <= 2^53 − 1): Python's int.bit_count(). */
  function bit_count(a) {
    let c = 0;
    for (let v = a; v > 0; v = Math.floor(v / 2)) c += v % 2;
    return c;
  }

  /** The complete subtrees [lo, hi) of the binary decomposition of [0, a), left to right. */
  function decomposition(a) {
    if (a < 0) throw new RangeError("negative size");
    const out = [];
    let top = 1;
    while (top * 2 <= a) top *= 2;
    let lo = 0, rest = a;
    for (let w = top; w >= 1 && rest > 0; w /= 2) {
      if (rest >= w) { out.push([lo, lo + w]); lo += w; rest -= w; }
    }
    return out;
  }

  /** The prefix nodes of [0, a) over the log's leaf hashes (hashes.length >= a). */
  function prefix_nodes(hashes, a) {
    if (!(a >= 0 && a <= hashes.length)) throw new RangeError("a out of range");
    return decomposition(a).map(([lo, hi]) => root_from_hashes(hashes.slice(lo, hi)));
  }

  /** MTH(D[0:m]) from the prefix nodes of [0, a) and the leaf hashes `tail` of D[a:...]. */
  function tail_root(prefix, a, tail, m) {
    if (prefix.length !== bit_count(a) || !(a <= m && m <= a + tail.length)) {
      throw new RangeError("prefix or size out of range");
    }
    if (m === 0) return EMPTY.slice();
    const nodes = new Map();
    decomposition(a).forEach(([lo, hi], i) => nodes.set(`${lo},${hi}`, prefix[i]));
    function mth(lo, hi) {
      const node = nodes.get(`${lo},${hi}`);
      if (node !== undefined) return node;
      if (hi - lo === 1) {
        if (lo < a) throw new RangeError("leaf before the tail"); // unreachable; never guess a leaf
        return tail[lo - a];
      }
      const k = _split(hi - lo);
      return node_hash(mth(lo, lo + k), mth(lo + k, hi));
    }
    return mth(0, m);
  }

  /** The roots of D[0:m] for m = a, a+1, ... in one pass: the prefix nodes of [0, m) held as a
   *  stack and merged like a binary counter as leaves are appended (O(log n) hashes a leaf). */
  class CompactRange {
    constructor(prefix, a) {
      if (prefix.length !== bit_count(a)) throw new RangeError("prefix does not match its size");
      this.size = a;
      this._stack = decomposition(a).map(([lo, hi], i) => [hi - lo, prefix[i]]);
    }
    /** Add one leaf *hash*. */
    append(leaf) {
      let width = 1, node = leaf;
      const st = this._stack;
      while (st.length && st[st.length - 1][0] === width) {
        node = node_hash(st.pop()[1], node);
        width *= 2;
      }
      st.push([width, node]);
      this.size += 1;
    }
    /** The prefix nodes of [0, size). */
    nodes() { return this._stack.map(([, h]) => h); }
    /** MTH(D[0:size]). */
    root() {
      const st = this._stack;
      if (!st.length) return EMPTY.slice();
      let acc = st[st.length - 1][1];
      for (let i = st.length - 2; i >= 0; i--) acc = node_hash(st[i][1], acc);
      return acc;
    }
  }

  return {
    LEAF, NODE, leaf_hash, node_hash, _split, root_from_hashes, root, inclusion_proof,
    verify_inclusion, consistency_proof, verify_consistency, bit_count, decomposition,
    prefix_nodes, tail_root, CompactRange,
  };
})();
