/*
 * randcheck._native: the hot loops of randcheck/draw/v1 in C (docs/SPEC.md §3, §6.3, §12.2).
 *
 * Nothing here defines the protocol: every function has a pure-Python twin in
 * randcheck/core/draw/accel.py, the tests check both give identical answers, and
 * RANDCHECK_NO_NATIVE=1 makes randcheck use the twins. This module only makes the
 * same computation fast:
 *
 *   scan(blob)               check a population file (SPEC §3): (count, width, error, index)
 *   sort_lines(blob)         sort newline-separated codes into population-file form
 *   offsets(blob)            start offset of every line (uint64, native order) + the end
 *   lowest(key, blob, k)     the k smallest (ticket, code) of a population file (SPEC §6.3)
 *   partition(codes, keys, names)  split codes by the key on the same line of keys
 *   merge(runs)              merge sorted population files into one
 *   shared(runs)             the smallest code in two or more sorted population files
 *   best_pair(key, code, ids)  the smallest (pair ticket, id) of ids: (index, ticket)
 *   pair_tickets(key, code, ids)  H(K_p || lp(code) || lp(id)) for each id (SPEC §7.3)
 *   uscc_ok(text)            a clean USCC with both check characters right (bulk import)
 *   legacy_ok(text)          a 15-digit 注册号 with its check digit right (bulk import)
 *   row_hashes(name, rows)   each import row tuple + its row hash (registry digests' twin)
 *   sha256(data)             plain SHA-256 (for the tests of the compression functions)
 *   backend()                "sha-ni" or "portable"; use_portable(flag) forces the latter
 *
 * Tickets are H(K_s || u32(len) || code) with |K_s| = 64: the state after K_s is computed
 * once, then each code costs one compression (two for codes longer than 51 bytes). On x86-64
 * CPUs with the SHA extensions the compression uses them (checked at run time with CPUID).
 * The GIL is released around every loop over a population.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define RC_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

/* ------------------------------------------------------------------ SHA-256 */

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

static const uint32_t IV256[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static uint32_t load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void store_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void compress_portable(uint32_t st[8], const uint8_t *data, size_t blocks) {
    uint32_t w[64];
    while (blocks--) {
        for (int i = 0; i < 16; i++) w[i] = load_be32(data + 4 * i);
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
        uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
        for (int i = 0; i < 64; i++) {
            uint32_t S1 = ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25);
            uint32_t ch = (e & f) ^ (~e & g);
            uint32_t t1 = h + S1 + ch + K256[i] + w[i];
            uint32_t S0 = ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22);
            uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
            uint32_t t2 = S0 + maj;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        st[0] += a;
        st[1] += b;
        st[2] += c;
        st[3] += d;
        st[4] += e;
        st[5] += f;
        st[6] += g;
        st[7] += h;
        data += 64;
    }
}

#ifdef RC_X86
/* The SHA-NI compression (the well-known public-domain pattern of Intel's white paper). */
__attribute__((target("sha,sse4.1,ssse3"))) static void compress_shani(uint32_t st[8],
                                                                        const uint8_t *data,
                                                                        size_t blocks) {
    const __m128i MASK = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128((const __m128i *)&st[0]);
    __m128i s1 = _mm_loadu_si128((const __m128i *)&st[4]);
    tmp = _mm_shuffle_epi32(tmp, 0xB1);       /* CDAB */
    s1 = _mm_shuffle_epi32(s1, 0x1B);         /* EFGH */
    __m128i s0 = _mm_alignr_epi8(tmp, s1, 8); /* ABEF */
    s1 = _mm_blend_epi16(s1, tmp, 0xF0);      /* CDGH */
    while (blocks--) {
        __m128i abef = s0, cdgh = s1;
        __m128i w[4];
        for (int g = 0; g < 16; g++) {
            __m128i m;
            if (g < 4) {
                m = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * g)), MASK);
            } else {
                __m128i w4 = w[g & 3], w3 = w[(g + 1) & 3], w2 = w[(g + 2) & 3],
                        w1 = w[(g + 3) & 3];
                m = _mm_sha256msg1_epu32(w4, w3);
                m = _mm_add_epi32(m, _mm_alignr_epi8(w1, w2, 4));
                m = _mm_sha256msg2_epu32(m, w1);
            }
            w[g & 3] = m;
            __m128i k = _mm_add_epi32(m, _mm_loadu_si128((const __m128i *)&K256[4 * g]));
            s1 = _mm_sha256rnds2_epu32(s1, s0, k);
            k = _mm_shuffle_epi32(k, 0x0E);
            s0 = _mm_sha256rnds2_epu32(s0, s1, k);
        }
        s0 = _mm_add_epi32(s0, abef);
        s1 = _mm_add_epi32(s1, cdgh);
        data += 64;
    }
    tmp = _mm_shuffle_epi32(s0, 0x1B);  /* FEBA */
    s1 = _mm_shuffle_epi32(s1, 0xB1);   /* DCHG */
    s0 = _mm_blend_epi16(tmp, s1, 0xF0); /* DCBA */
    s1 = _mm_alignr_epi8(s1, tmp, 8);   /* ABEF */
    _mm_storeu_si128((__m128i *)&st[0], s0);
    _mm_storeu_si128((__m128i *)&st[4], s1);
}

/* Two independent one-block compressions, their instructions interleaved: the SHA round
 * instructions have a latency of several cycles, so two streams keep the unit busy. */
__attribute__((target("sha,sse4.1,ssse3"))) static void compress2_shani(uint32_t sa[8],
                                                                         uint32_t sb[8],
                                                                         const uint8_t *da,
                                                                         const uint8_t *db) {
    const __m128i MASK = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i ta = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&sa[0]), 0xB1);
    __m128i tb = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&sb[0]), 0xB1);
    __m128i a1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&sa[4]), 0x1B);
    __m128i b1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&sb[4]), 0x1B);
    __m128i a0 = _mm_alignr_epi8(ta, a1, 8), b0 = _mm_alignr_epi8(tb, b1, 8);
    a1 = _mm_blend_epi16(a1, ta, 0xF0);
    b1 = _mm_blend_epi16(b1, tb, 0xF0);
    __m128i a_abef = a0, a_cdgh = a1, b_abef = b0, b_cdgh = b1;
    __m128i wa[4], wb[4];
    for (int g = 0; g < 16; g++) {
        __m128i ma, mb;
        if (g < 4) {
            ma = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(da + 16 * g)), MASK);
            mb = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(db + 16 * g)), MASK);
        } else {
            ma = _mm_sha256msg1_epu32(wa[g & 3], wa[(g + 1) & 3]);
            mb = _mm_sha256msg1_epu32(wb[g & 3], wb[(g + 1) & 3]);
            ma = _mm_add_epi32(ma, _mm_alignr_epi8(wa[(g + 3) & 3], wa[(g + 2) & 3], 4));
            mb = _mm_add_epi32(mb, _mm_alignr_epi8(wb[(g + 3) & 3], wb[(g + 2) & 3], 4));
            ma = _mm_sha256msg2_epu32(ma, wa[(g + 3) & 3]);
            mb = _mm_sha256msg2_epu32(mb, wb[(g + 3) & 3]);
        }
        wa[g & 3] = ma;
        wb[g & 3] = mb;
        __m128i k = _mm_loadu_si128((const __m128i *)&K256[4 * g]);
        __m128i ka = _mm_add_epi32(ma, k), kb = _mm_add_epi32(mb, k);
        a1 = _mm_sha256rnds2_epu32(a1, a0, ka);
        b1 = _mm_sha256rnds2_epu32(b1, b0, kb);
        ka = _mm_shuffle_epi32(ka, 0x0E);
        kb = _mm_shuffle_epi32(kb, 0x0E);
        a0 = _mm_sha256rnds2_epu32(a0, a1, ka);
        b0 = _mm_sha256rnds2_epu32(b0, b1, kb);
    }
    a0 = _mm_add_epi32(a0, a_abef);
    a1 = _mm_add_epi32(a1, a_cdgh);
    b0 = _mm_add_epi32(b0, b_abef);
    b1 = _mm_add_epi32(b1, b_cdgh);
    ta = _mm_shuffle_epi32(a0, 0x1B);
    a1 = _mm_shuffle_epi32(a1, 0xB1);
    tb = _mm_shuffle_epi32(b0, 0x1B);
    b1 = _mm_shuffle_epi32(b1, 0xB1);
    _mm_storeu_si128((__m128i *)&sa[0], _mm_blend_epi16(ta, a1, 0xF0));
    _mm_storeu_si128((__m128i *)&sa[4], _mm_alignr_epi8(a1, ta, 8));
    _mm_storeu_si128((__m128i *)&sb[0], _mm_blend_epi16(tb, b1, 0xF0));
    _mm_storeu_si128((__m128i *)&sb[4], _mm_alignr_epi8(b1, tb, 8));
}

static int cpu_has_shani(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & (1u << 19)) || !(c & (1u << 9))) return 0; /* SSE4.1, SSSE3 */
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & (1u << 29)) != 0; /* SHA */
}
#endif

typedef void (*compress_fn)(uint32_t st[8], const uint8_t *data, size_t blocks);
static compress_fn compress = compress_portable;
static int have_shani = 0;

static void compress2_portable(uint32_t sa[8], uint32_t sb[8], const uint8_t *da,
                               const uint8_t *db) {
    compress(sa, da, 1);
    compress(sb, db, 1);
}

typedef void (*compress2_fn)(uint32_t sa[8], uint32_t sb[8], const uint8_t *da,
                             const uint8_t *db);
static compress2_fn compress2 = compress2_portable;

/* SHA-256 of a whole message, for the tests of the compression functions. */
static void sha256_full(const uint8_t *msg, size_t len, uint8_t out[32]) {
    uint32_t st[8];
    memcpy(st, IV256, sizeof st);
    size_t full = len / 64;
    compress(st, msg, full);
    uint8_t tail[128] = {0};
    size_t rest = len - full * 64;
    memcpy(tail, msg + full * 64, rest);
    tail[rest] = 0x80;
    size_t tail_blocks = rest + 9 <= 64 ? 1 : 2;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++) tail[tail_blocks * 64 - 1 - i] = (uint8_t)(bits >> (8 * i));
    compress(st, tail, tail_blocks);
    for (int i = 0; i < 8; i++) store_be32(out + 4 * i, st[i]);
}

/* ------------------------------------------------------------------ lines */

/* Byte order of two codes (memcmp, then the shorter first). */
static int cmp_code(const uint8_t *a, size_t la, const uint8_t *b, size_t lb) {
    size_t n = la < lb ? la : lb;
    int r = memcmp(a, b, n);
    if (r) return r;
    return (la > lb) - (la < lb);
}

/* Population arguments must be bytes: immutable, so that nothing (another thread, a finalizer
 * run by the garbage collector) can change them while the GIL is released. */
static int bytes_args(PyObject *args, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n && i < PyTuple_GET_SIZE(args); i++)
        if (!PyBytes_Check(PyTuple_GET_ITEM(args, i))) {
            PyErr_SetString(PyExc_TypeError, "randcheck._native takes bytes, not other buffers");
            return 0;
        }
    return 1;
}

/* A list argument copied into a new tuple of bytes (a list could change under us). */
static PyObject *bytes_tuple(PyObject *list, const char *what) {
    PyObject *t = PySequence_Tuple(list);
    if (t == NULL) return NULL;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(t); i++)
        if (!PyBytes_Check(PyTuple_GET_ITEM(t, i))) {
            PyErr_Format(PyExc_TypeError, "%s must be bytes", what);
            Py_DECREF(t);
            return NULL;
        }
    return t;
}

/* The last argument, a list, copied into a new tuple of bytes. */
static PyObject *last_list(PyObject *args, const char *what) {
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    PyObject *list = n > 0 ? PyTuple_GET_ITEM(args, n - 1) : NULL;
    if (list == NULL || !PyList_Check(list)) {
        PyErr_Format(PyExc_TypeError, "%s: a list expected", what);
        return NULL;
    }
    return bytes_tuple(list, what);
}

typedef PyObject *(*tuple_impl)(PyObject *self, PyObject *args, PyObject *items);

/* impl(self, args, tuple copy of the last argument). */
static PyObject *with_list(PyObject *self, PyObject *args, tuple_impl impl, const char *what) {
    PyObject *t = last_list(args, what);
    if (t == NULL) return NULL;
    PyObject *out = impl(self, args, t);
    Py_DECREF(t);
    return out;
}

/* scan(blob) -> (count, width, error, index)
 * error: 0 ok; 1 a line is not sorted after the previous one (duplicate or out of order);
 * 2 a line is not a code (1..64 bytes of visible ASCII); 3 no newline after the last line.
 * An order error is reported before a code error, as the Python twin does. width is the
 * common line length, or 0 when lengths differ or there are no lines. */
static PyObject *py_scan(PyObject *self, PyObject *args) {
    Py_buffer buf;
    if (!bytes_args(args, 1)) return NULL;
    if (!PyArg_ParseTuple(args, "y*", &buf)) return NULL;
    const uint8_t *p = buf.buf, *end = p + buf.len;
    Py_ssize_t count = 0, width = -1, order_at = -1, code_at = -1;
    int missing_newline = 0;
    Py_BEGIN_ALLOW_THREADS;
    const uint8_t *prev = NULL;
    size_t prev_len = 0;
    while (p < end) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL) {
            missing_newline = 1;
            break;
        }
        size_t len = (size_t)(nl - p);
        if (code_at < 0) {
            int ok = len >= 1 && len <= 64;
            for (size_t i = 0; ok && i < len; i++) ok = p[i] >= 0x21 && p[i] <= 0x7e;
            if (!ok) code_at = count;
        }
        if (order_at < 0 && prev != NULL && cmp_code(prev, prev_len, p, len) >= 0)
            order_at = count;
        if (width == -1)
            width = (Py_ssize_t)len;
        else if (width != (Py_ssize_t)len)
            width = 0;
        prev = p;
        prev_len = len;
        count++;
        p = nl + 1;
    }
    Py_END_ALLOW_THREADS;
    PyBuffer_Release(&buf);
    int error = 0;
    Py_ssize_t index = -1;
    if (order_at >= 0) {
        error = 1;
        index = order_at;
    } else if (code_at >= 0) {
        error = 2;
        index = code_at;
    } else if (missing_newline) {
        error = 3;
        index = count;
    }
    return Py_BuildValue("nnin", count, width < 0 ? 0 : width, error, index);
}

typedef struct {
    uint64_t k0, k1, k2; /* bytes 0..23, big-endian, zero-padded */
    uint32_t off, len;
} line_t;

static uint64_t key_at(const uint8_t *p, size_t len, size_t from) {
    uint64_t k = 0;
    for (size_t i = 0; i < 8; i++) {
        size_t j = from + i;
        k = (k << 8) | (j < len ? p[j] : 0);
    }
    return k;
}

/* Zero-padded keys then length give byte order for codes of up to 24 bytes; longer ties
 * compare the rest. (Zero bytes inside a line still sort correctly: see cmp_code.) */
static inline int line_cmp(const uint8_t *base, const line_t *a, const line_t *b) {
    if (a->k0 != b->k0) return a->k0 < b->k0 ? -1 : 1;
    if (a->k1 != b->k1) return a->k1 < b->k1 ? -1 : 1;
    if (a->k2 != b->k2) return a->k2 < b->k2 ? -1 : 1;
    if (a->len > 24 && b->len > 24)
        return cmp_code(base + a->off + 24, a->len - 24, base + b->off + 24,
                        b->len - 24);
    return (a->len > b->len) - (a->len < b->len);
}

static void swap_lines(line_t *a, line_t *b) {
    line_t t = *a;
    *a = *b;
    *b = t;
}

static void insertion_sort(const uint8_t *base, line_t *v, size_t n) {
    for (size_t i = 1; i < n; i++) {
        line_t x = v[i];
        size_t j = i;
        while (j > 0 && line_cmp(base, &x, &v[j - 1]) < 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static void sift_down(const uint8_t *base, line_t *v, size_t root, size_t n) {
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && line_cmp(base, &v[child], &v[child + 1]) < 0) child++;
        if (line_cmp(base, &v[root], &v[child]) >= 0) return;
        swap_lines(&v[root], &v[child]);
        root = child;
    }
}

static void heap_sort(const uint8_t *base, line_t *v, size_t n) {
    for (size_t i = n / 2; i-- > 0;) sift_down(base, v, i, n);
    for (size_t i = n; i-- > 1;) {
        swap_lines(&v[0], &v[i]);
        sift_down(base, v, 0, i);
    }
}

/* Introsort: quicksort with a median of three, insertion sort for small parts and heap sort
 * when the recursion gets too deep (no quadratic case whatever the input). */
static void intro_sort(const uint8_t *base, line_t *v, size_t n, int depth) {
    while (n > 16) {
        if (depth-- == 0) {
            heap_sort(base, v, n);
            return;
        }
        size_t mid = n / 2;
        if (line_cmp(base, &v[mid], &v[0]) < 0) swap_lines(&v[mid], &v[0]);
        if (line_cmp(base, &v[n - 1], &v[0]) < 0) swap_lines(&v[n - 1], &v[0]);
        if (line_cmp(base, &v[n - 1], &v[mid]) < 0) swap_lines(&v[n - 1], &v[mid]);
        line_t pivot = v[mid];
        size_t i = 0, j = n - 1;
        for (;;) {
            while (line_cmp(base, &v[i], &pivot) < 0) i++;
            while (line_cmp(base, &pivot, &v[j]) < 0) j--;
            if (i >= j) break;
            swap_lines(&v[i], &v[j]);
            i++;
            j--;
        }
        size_t left = j + 1;
        if (left < n - left) {
            intro_sort(base, v, left, depth);
            v += left;
            n -= left;
        } else {
            intro_sort(base, v + left, n - left, depth);
            n = left;
        }
    }
    insertion_sort(base, v, n);
}

/* sort_lines(blob) -> bytes: the lines of blob (separated by newlines; a final newline is
 * optional) sorted by byte order, each followed by a newline. Duplicates are kept. */
static PyObject *py_sort_lines(PyObject *self, PyObject *args) {
    Py_buffer buf;
    if (!bytes_args(args, 1)) return NULL;
    if (!PyArg_ParseTuple(args, "y*", &buf)) return NULL;
    const uint8_t *base = buf.buf;
    size_t len = (size_t)buf.len;
    if (len >= UINT32_MAX) {
        PyBuffer_Release(&buf);
        PyErr_SetString(PyExc_OverflowError, "population too large for sort_lines");
        return NULL;
    }
    if (len == 0) {
        PyBuffer_Release(&buf);
        return PyBytes_FromStringAndSize("", 0);
    }
    size_t n = 1;
    for (const uint8_t *q = base; (q = memchr(q, '\n', (size_t)(base + len - q))) != NULL; q++)
        n++;
    if (base[len - 1] == '\n') n--; /* a final newline ends the last line */
    line_t *v = malloc(n * sizeof *v);
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(len + (base[len - 1] != '\n')));
    if (v == NULL || out == NULL) {
        free(v);
        Py_XDECREF(out);
        PyBuffer_Release(&buf);
        return PyErr_NoMemory();
    }
    uint8_t *dst = (uint8_t *)PyBytes_AS_STRING(out);
    Py_BEGIN_ALLOW_THREADS;
    const uint8_t *p = base, *end = base + len;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        v[i].k0 = key_at(p, l, 0);
        v[i].k1 = key_at(p, l, 8);
        v[i].k2 = key_at(p, l, 16);
        v[i].off = (uint32_t)(p - base);
        v[i].len = (uint32_t)l;
        p += l + 1;
    }
    int depth = 2;
    for (size_t m = n; m > 1; m >>= 1) depth += 2;
    intro_sort(base, v, n, depth);
    for (size_t i = 0; i < n; i++) {
        memcpy(dst, base + v[i].off, v[i].len);
        dst += v[i].len;
        *dst++ = '\n';
    }
    Py_END_ALLOW_THREADS;
    free(v);
    PyBuffer_Release(&buf);
    return out;
}

/* offsets(blob) -> bytes: uint64 (native order) start of each line, then len(blob). */
static PyObject *py_offsets(PyObject *self, PyObject *args) {
    Py_buffer buf;
    if (!bytes_args(args, 1)) return NULL;
    if (!PyArg_ParseTuple(args, "y*", &buf)) return NULL;
    const uint8_t *base = buf.buf, *end = base + buf.len;
    size_t n = 0;
    for (const uint8_t *q = base; q < end && (q = memchr(q, '\n', (size_t)(end - q))); q++) n++;
    if (buf.len > 0 && base[buf.len - 1] != '\n') n++; /* an unterminated last line */
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)((n + 1) * sizeof(uint64_t)));
    if (out == NULL) {
        PyBuffer_Release(&buf);
        return NULL;
    }
    uint64_t *o = (uint64_t *)PyBytes_AS_STRING(out);
    Py_BEGIN_ALLOW_THREADS;
    const uint8_t *p = base;
    for (size_t i = 0; i < n; i++) {
        o[i] = (uint64_t)(p - base);
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    o[n] = (uint64_t)buf.len;
    Py_END_ALLOW_THREADS;
    PyBuffer_Release(&buf);
    return out;
}

/* partition(codes, keys, names) -> (list[bytes], int): line i of codes goes to the output of
 * the name equal to line i of keys (each output: lines followed by a newline); returns the
 * outputs in the order of names and the number of lines whose key is none of them. Both
 * blobs are newline-separated (a final newline is optional) and must have as many lines. */
static PyObject *partition_impl(PyObject *self, PyObject *args, PyObject *names) {
    Py_buffer C, K;
    PyObject *ignored;
    if (!bytes_args(args, 2)) return NULL;
    if (!PyArg_ParseTuple(args, "y*y*O!", &C, &K, &PyList_Type, &ignored)) return NULL;
    Py_ssize_t m = PyTuple_GET_SIZE(names);
    PyObject *result = NULL, *outs = NULL;
    size_t *sizes = calloc((size_t)m + 1, sizeof *sizes);
    uint8_t **dst = calloc((size_t)m + 1, sizeof *dst);
    const char **nm = calloc((size_t)m + 1, sizeof *nm);
    size_t *nl = calloc((size_t)m + 1, sizeof *nl);
    size_t other = 0;
    int mismatch = 0;
    if (sizes == NULL || dst == NULL || nm == NULL || nl == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t j = 0; j < m; j++) {
        PyObject *name = PyTuple_GET_ITEM(names, j);
        if (!PyBytes_Check(name)) {
            PyErr_SetString(PyExc_TypeError, "partition names must be bytes");
            goto done;
        }
        nm[j] = PyBytes_AS_STRING(name); /* names (the list) keeps them alive */
        nl[j] = (size_t)PyBytes_GET_SIZE(name);
    }
    for (int pass = 0; pass < 2 && !mismatch; pass++) {
        Py_BEGIN_ALLOW_THREADS;
        const uint8_t *p = C.buf, *pe = p + C.len, *q = K.buf, *qe = q + K.len;
        while (p < pe || q < qe) {
            if (p >= pe || q >= qe) {
                mismatch = 1;
                break;
            }
            const uint8_t *pn = memchr(p, '\n', (size_t)(pe - p));
            const uint8_t *qn = memchr(q, '\n', (size_t)(qe - q));
            size_t lp = pn ? (size_t)(pn - p) : (size_t)(pe - p);
            size_t lq = qn ? (size_t)(qn - q) : (size_t)(qe - q);
            Py_ssize_t j = 0;
            while (j < m && !(nl[j] == lq && memcmp(nm[j], q, lq) == 0)) j++;
            if (j == m) {
                if (pass == 0) other++;
            } else if (pass == 0) {
                sizes[j] += lp + 1;
            } else {
                memcpy(dst[j], p, lp);
                dst[j][lp] = '\n';
                dst[j] += lp + 1;
            }
            p += lp + 1;
            q += lq + 1;
        }
        Py_END_ALLOW_THREADS;
        if (pass == 0 && !mismatch) {
            if ((outs = PyList_New(m)) == NULL) goto done;
            for (Py_ssize_t j = 0; j < m; j++) {
                PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)sizes[j]);
                if (b == NULL) goto done;
                PyList_SET_ITEM(outs, j, b);
                dst[j] = (uint8_t *)PyBytes_AS_STRING(b);
            }
        }
    }
    if (mismatch)
        PyErr_SetString(PyExc_ValueError, "partition: codes and keys differ in lines");
    else
        result = Py_BuildValue("(On)", outs, (Py_ssize_t)other);
done:
    Py_XDECREF(outs);
    free(sizes);
    free(dst);
    free(nm);
    free(nl);
    PyBuffer_Release(&C);
    PyBuffer_Release(&K);
    return result;
}

static PyObject *py_partition(PyObject *self, PyObject *args) {
    return with_list(self, args, partition_impl, "partition names");
}

/* A cursor over the lines of one sorted run, with the zero-padded first 8 bytes of the
 * current line as a big-endian integer: most comparisons are one integer comparison. */
typedef struct {
    const uint8_t *pos, *end;
    size_t len;
    uint64_t head;
} run_t;

static void run_load(run_t *r) {
    if (r->pos >= r->end) return;
    const uint8_t *nl = memchr(r->pos, '\n', (size_t)(r->end - r->pos));
    r->len = nl ? (size_t)(nl - r->pos) : (size_t)(r->end - r->pos);
    r->head = key_at(r->pos, r->len, 0);
}

static void run_next(run_t *r) {
    r->pos += r->len + 1;
    run_load(r);
}

/* Byte order of the current lines (zero-padded heads order like the codes when they
 * differ: see line_cmp). */
static int run_cmp(const run_t *a, const run_t *b) {
    if (a->head != b->head) return a->head < b->head ? -1 : 1;
    return cmp_code(a->pos, a->len, b->pos, b->len);
}

/* The runs of a tuple of bytes as cursors (NULL and an exception when out of memory). */
static run_t *runs_open(PyObject *runs) {
    Py_ssize_t k = PyTuple_GET_SIZE(runs);
    run_t *r = calloc((size_t)k + 1, sizeof *r);
    if (r == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < k; i++) {
        PyObject *b = PyTuple_GET_ITEM(runs, i);
        r[i].pos = (const uint8_t *)PyBytes_AS_STRING(b);
        r[i].end = r[i].pos + PyBytes_GET_SIZE(b);
    }
    return r;
}

/* merge(runs) -> bytes: population-file blobs, each sorted, merged into one sorted blob
 * (duplicates kept). A k-way merge: O(total · k) comparisons for the few runs it is used on. */
static PyObject *merge_impl(PyObject *self, PyObject *args, PyObject *runs) {
    Py_ssize_t k = PyTuple_GET_SIZE(runs);
    size_t total = 0;
    for (Py_ssize_t i = 0; i < k; i++) {
        PyObject *b = PyTuple_GET_ITEM(runs, i);
        Py_ssize_t n = PyBytes_GET_SIZE(b);
        if (n > 0 && PyBytes_AS_STRING(b)[n - 1] != '\n') {
            PyErr_SetString(PyExc_ValueError, "merge runs must end with a newline");
            return NULL;
        }
        total += (size_t)n;
    }
    run_t *r = runs_open(runs);
    if (r == NULL) return NULL;
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)total);
    if (out == NULL) {
        free(r);
        return NULL;
    }
    uint8_t *dst = (uint8_t *)PyBytes_AS_STRING(out);
    Py_BEGIN_ALLOW_THREADS;
    for (Py_ssize_t i = 0; i < k; i++) run_load(&r[i]);
    for (;;) {
        Py_ssize_t best = -1;
        for (Py_ssize_t i = 0; i < k; i++)
            if (r[i].pos < r[i].end && (best < 0 || run_cmp(&r[i], &r[best]) < 0)) best = i;
        if (best < 0) break;
        memcpy(dst, r[best].pos, r[best].len + 1);
        dst += r[best].len + 1;
        run_next(&r[best]);
    }
    Py_END_ALLOW_THREADS;
    free(r);
    return out;
}

static PyObject *py_merge(PyObject *self, PyObject *args) {
    return with_list(self, args, merge_impl, "merge runs");
}

/* shared(runs) -> bytes | None: the smallest code in two or more of the sorted population
 * files runs (a k-way merge that writes nothing: one pass over all strata). */
static PyObject *shared_impl(PyObject *self, PyObject *args, PyObject *runs) {
    Py_ssize_t k = PyTuple_GET_SIZE(runs);
    run_t *r = runs_open(runs);
    if (r == NULL) return NULL;
    const uint8_t *hit = NULL;
    size_t hit_len = 0;
    Py_BEGIN_ALLOW_THREADS;
    for (Py_ssize_t i = 0; i < k; i++) run_load(&r[i]);
    for (;;) {
        Py_ssize_t best = -1;
        int tie = 0;
        for (Py_ssize_t i = 0; i < k; i++) {
            if (r[i].pos >= r[i].end) continue;
            int c = best < 0 ? -1 : run_cmp(&r[i], &r[best]);
            if (c < 0) {
                best = i;
                tie = 0;
            } else if (c == 0) {
                tie = 1;
            }
        }
        if (best < 0) break;
        if (tie) {
            hit = r[best].pos;
            hit_len = r[best].len;
            break;
        }
        run_next(&r[best]);
    }
    Py_END_ALLOW_THREADS;
    free(r);
    return hit ? PyBytes_FromStringAndSize((const char *)hit, (Py_ssize_t)hit_len)
               : Py_NewRef(Py_None);
}

static PyObject *py_shared(PyObject *self, PyObject *args) {
    return with_list(self, args, shared_impl, "shared runs");
}

/* Whether args are two bytes files, each empty or ending with a newline (else an exception
 * naming the function). */
static int two_files(PyObject *args, const char *name) {
    if (PyTuple_GET_SIZE(args) != 2) {
        PyErr_Format(PyExc_TypeError, "%s takes two arguments", name);
        return 0;
    }
    if (!bytes_args(args, 2)) return 0;
    for (Py_ssize_t i = 0; i < 2; i++) {
        PyObject *x = PyTuple_GET_ITEM(args, i);
        Py_ssize_t n = PyBytes_GET_SIZE(x);
        if (n > 0 && PyBytes_AS_STRING(x)[n - 1] != '\n') {
            PyErr_Format(PyExc_ValueError, "%s inputs must end with a newline", name);
            return 0;
        }
    }
    return 1;
}

/* sift(a, b) -> (kept, found): the lines of the sorted population file a that are not in
 * the sorted file b, and those that are, each in a's order (one merge walk over both). */
static PyObject *py_sift(PyObject *self, PyObject *args) {
    if (!two_files(args, "sift")) return NULL;
    PyObject *a = PyTuple_GET_ITEM(args, 0), *b = PyTuple_GET_ITEM(args, 1);
    Py_ssize_t na = PyBytes_GET_SIZE(a), nb = PyBytes_GET_SIZE(b);
    PyObject *kept = PyBytes_FromStringAndSize(NULL, na);
    PyObject *found = PyBytes_FromStringAndSize(NULL, na);
    if (kept == NULL || found == NULL) {
        Py_XDECREF(kept);
        Py_XDECREF(found);
        return NULL;
    }
    uint8_t *k = (uint8_t *)PyBytes_AS_STRING(kept), *f = (uint8_t *)PyBytes_AS_STRING(found);
    run_t ra = {(const uint8_t *)PyBytes_AS_STRING(a), NULL, 0, 0};
    run_t rb = {(const uint8_t *)PyBytes_AS_STRING(b), NULL, 0, 0};
    ra.end = ra.pos + na;
    rb.end = rb.pos + nb;
    Py_BEGIN_ALLOW_THREADS;
    run_load(&ra);
    run_load(&rb);
    while (ra.pos < ra.end) {
        int c = 1;
        while (rb.pos < rb.end && (c = run_cmp(&rb, &ra)) < 0) run_next(&rb);
        if (rb.pos >= rb.end) c = 1;
        uint8_t **dst = c == 0 ? &f : &k;
        memcpy(*dst, ra.pos, ra.len + 1);
        *dst += ra.len + 1;
        run_next(&ra);
    }
    Py_END_ALLOW_THREADS;
    Py_ssize_t nk = (Py_ssize_t)(k - (uint8_t *)PyBytes_AS_STRING(kept));
    Py_ssize_t nf = (Py_ssize_t)(f - (uint8_t *)PyBytes_AS_STRING(found));
    if (_PyBytes_Resize(&kept, nk) < 0) {
        Py_DECREF(found);
        return NULL;
    }
    if (_PyBytes_Resize(&found, nf) < 0) {
        Py_DECREF(kept);
        return NULL;
    }
    PyObject *out = PyTuple_Pack(2, kept, found);
    Py_DECREF(kept);
    Py_DECREF(found);
    return out;
}

/* pick(pairs, codes) -> bytes: the distinct lines of the sorted file pairs (lines
 * "key NUL rest", or a whole line as its key) whose key is a line of the sorted population
 * file codes, in pairs' order. The keys of byte-sorted lines come in byte order (NUL is the
 * smallest byte), so one merge walk over both finds them. */
static PyObject *py_pick(PyObject *self, PyObject *args) {
    if (!two_files(args, "pick")) return NULL;
    PyObject *a = PyTuple_GET_ITEM(args, 0), *b = PyTuple_GET_ITEM(args, 1);
    Py_ssize_t na = PyBytes_GET_SIZE(a), nb = PyBytes_GET_SIZE(b);
    PyObject *out = PyBytes_FromStringAndSize(NULL, na);
    if (out == NULL) return NULL;
    uint8_t *dst = (uint8_t *)PyBytes_AS_STRING(out);
    const uint8_t *p = (const uint8_t *)PyBytes_AS_STRING(a), *pe = p + na;
    const uint8_t *q = (const uint8_t *)PyBytes_AS_STRING(b), *qe = q + nb;
    const uint8_t *last = NULL;
    size_t last_len = 0;
    Py_BEGIN_ALLOW_THREADS;
    const uint8_t *qn = q < qe ? memchr(q, '\n', (size_t)(qe - q)) : NULL;
    while (p < pe) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(pe - p));
        size_t len = (size_t)(nl - p);
        const uint8_t *nul = memchr(p, '\0', len);
        size_t klen = nul ? (size_t)(nul - p) : len;
        int c = 1;
        while (q < qe && (c = cmp_code(q, (size_t)(qn - q), p, klen)) < 0) {
            q = qn + 1;
            qn = q < qe ? memchr(q, '\n', (size_t)(qe - q)) : NULL;
        }
        if (q < qe && c == 0 && !(last && last_len == len && memcmp(last, p, len) == 0)) {
            memcpy(dst, p, len + 1);
            dst += len + 1;
            last = p;
            last_len = len;
        }
        p = nl + 1;
    }
    Py_END_ALLOW_THREADS;
    Py_ssize_t n = (Py_ssize_t)(dst - (uint8_t *)PyBytes_AS_STRING(out));
    if (_PyBytes_Resize(&out, n) < 0) return NULL;
    return out;
}

/* repeated(blob, k) -> bytes: each distinct line of the sorted file blob that it holds at
 * least k times, once, in blob's order (k <= 1: every distinct line). */
static PyObject *py_repeated(PyObject *self, PyObject *args) {
    PyObject *a;
    Py_ssize_t k;
    if (!PyArg_ParseTuple(args, "On", &a, &k)) return NULL;
    if (!PyBytes_Check(a)) {
        PyErr_SetString(PyExc_TypeError, "randcheck._native takes bytes, not other buffers");
        return NULL;
    }
    Py_ssize_t na = PyBytes_GET_SIZE(a);
    if (na > 0 && PyBytes_AS_STRING(a)[na - 1] != '\n') {
        PyErr_SetString(PyExc_ValueError, "repeated input must end with a newline");
        return NULL;
    }
    PyObject *out = PyBytes_FromStringAndSize(NULL, na);
    if (out == NULL) return NULL;
    uint8_t *dst = (uint8_t *)PyBytes_AS_STRING(out);
    const uint8_t *p = (const uint8_t *)PyBytes_AS_STRING(a), *pe = p + na;
    Py_BEGIN_ALLOW_THREADS;
    while (p < pe) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(pe - p));
        size_t len = (size_t)(nl - p);
        Py_ssize_t run = 1;
        const uint8_t *q = nl + 1;
        while (q < pe) {
            const uint8_t *qn = memchr(q, '\n', (size_t)(pe - q));
            if ((size_t)(qn - q) != len || memcmp(q, p, len) != 0) break;
            run++;
            q = qn + 1;
        }
        if (run >= k) {
            memcpy(dst, p, len + 1);
            dst += len + 1;
        }
        p = q;
    }
    Py_END_ALLOW_THREADS;
    Py_ssize_t n = (Py_ssize_t)(dst - (uint8_t *)PyBytes_AS_STRING(out));
    if (_PyBytes_Resize(&out, n) < 0) return NULL;
    return out;
}

/* ------------------------------------------------------------------ tickets */

typedef struct {
    uint32_t t[8];
    const uint8_t *code;
    uint32_t len;
} cand_t;

/* (ticket, code) order, the ranking of SPEC §6.3. */
static inline int cand_cmp(const cand_t *a, const cand_t *b) {
    for (int i = 0; i < 8; i++)
        if (a->t[i] != b->t[i]) return a->t[i] < b->t[i] ? -1 : 1;
    return cmp_code(a->code, a->len, b->code, b->len);
}

static void cand_sift_down(cand_t *h, size_t i, size_t n) { /* max-heap */
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) return;
        if (c + 1 < n && cand_cmp(&h[c], &h[c + 1]) < 0) c++;
        if (cand_cmp(&h[i], &h[c]) >= 0) return;
        cand_t t = h[i];
        h[i] = h[c];
        h[c] = t;
        i = c;
    }
}

static void cand_sift_up(cand_t *h, size_t i) {
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (cand_cmp(&h[parent], &h[i]) >= 0) return;
        cand_t t = h[i];
        h[i] = h[parent];
        h[parent] = t;
        i = parent;
    }
}

static int cand_qsort_cmp(const void *a, const void *b) { return cand_cmp(a, b); }

/* lowest(key, blob, k) -> list[(ticket, code)]: the k smallest (ticket, code) pairs of the
 * codes of population file blob, ascending; ticket = SHA-256(key || u32(len) || code). */
static PyObject *py_lowest(PyObject *self, PyObject *args) {
    Py_buffer key, buf;
    Py_ssize_t k;
    if (!bytes_args(args, 2)) return NULL;
    if (!PyArg_ParseTuple(args, "y*y*n", &key, &buf, &k)) return NULL;
    if (key.len != 64 || k < 0) {
        PyBuffer_Release(&key);
        PyBuffer_Release(&buf);
        PyErr_SetString(PyExc_ValueError, "lowest needs a 64-byte key and k >= 0");
        return NULL;
    }
    /* a file of len bytes has at most len lines: never allocate for more */
    size_t cap = (size_t)k < (size_t)buf.len ? (size_t)k : (size_t)buf.len;
    cand_t *heap = malloc((cap + 1) * sizeof *heap);
    if (heap == NULL) {
        PyBuffer_Release(&key);
        PyBuffer_Release(&buf);
        return PyErr_NoMemory();
    }
    size_t n = 0;
    int too_long = 0;
    Py_BEGIN_ALLOW_THREADS;
    uint32_t mid[8];
    memcpy(mid, IV256, sizeof mid);
    compress(mid, key.buf, 1);
    const uint8_t *p = buf.buf, *end = p + buf.len;
    uint8_t block[2][128];
    cand_t c[2];
    int have = 0; /* codes waiting in c[] for their tickets */
    while (p < end || have) {
        int blocks = 0;
        if (p < end) {
            const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
            if (len > 64) {
                too_long = 1;
                break;
            }
            if (cap == 0) {
                p += len + 1;
                continue;
            }
            blocks = 4 + len + 9 <= 64 ? 1 : 2;
            uint8_t *b = block[have];
            memset(b, 0, (size_t)blocks * 64);
            store_be32(b, (uint32_t)len);
            memcpy(b + 4, p, len);
            b[4 + len] = 0x80;
            uint64_t bits = (uint64_t)(64 + 4 + len) * 8;
            for (int i = 0; i < 8; i++) b[blocks * 64 - 1 - i] = (uint8_t)(bits >> (8 * i));
            memcpy(c[have].t, mid, sizeof mid);
            c[have].code = p;
            c[have].len = (uint32_t)len;
            p += len + 1;
            if (blocks == 2) { /* a long code: its own two compressions, then on */
                compress(c[have].t, b, 2);
            } else if (++have < 2 && p < end) {
                continue; /* wait for a partner */
            }
        }
        int ready = have;
        if (blocks == 2) ready = have + 1; /* the two-block code sits at c[have] */
        if (have == 2)
            compress2(c[0].t, c[1].t, block[0], block[1]);
        else if (have == 1)
            compress(c[0].t, block[0], 1);
        for (int j = 0; j < ready; j++) {
            if (n < cap) {
                heap[n] = c[j];
                cand_sift_up(heap, n);
                n++;
            } else if (c[j].t[0] <= heap[0].t[0] && cand_cmp(&c[j], &heap[0]) < 0) {
                heap[0] = c[j];
                cand_sift_down(heap, 0, n);
            }
        }
        have = 0;
    }
    qsort(heap, n, sizeof *heap, cand_qsort_cmp);
    Py_END_ALLOW_THREADS;
    PyObject *out = NULL;
    if (too_long) {
        PyErr_SetString(PyExc_ValueError, "a code is longer than 64 bytes");
    } else if ((out = PyList_New((Py_ssize_t)n)) != NULL) {
        for (size_t i = 0; i < n; i++) {
            uint8_t t[32];
            for (int j = 0; j < 8; j++) store_be32(t + 4 * j, heap[i].t[j]);
            PyObject *pair = Py_BuildValue("(y#y#)", (const char *)t, (Py_ssize_t)32,
                                           (const char *)heap[i].code, (Py_ssize_t)heap[i].len);
            if (pair == NULL) {
                Py_CLEAR(out);
                break;
            }
            PyList_SET_ITEM(out, (Py_ssize_t)i, pair);
        }
    }
    free(heap);
    PyBuffer_Release(&key);
    PyBuffer_Release(&buf);
    return out;
}

/* ------------------------------------------------------------------ pairing */

/* SHA-256 of (one 64-byte block already absorbed into mid) || tail. */
static void hash_after_block(const uint32_t mid[8], const uint8_t *tail, size_t len,
                             uint8_t out[32]) {
    uint32_t st[8];
    memcpy(st, mid, sizeof st);
    size_t full = len / 64;
    compress(st, tail, full);
    uint8_t last[128] = {0};
    size_t rest = len - full * 64;
    memcpy(last, tail + full * 64, rest);
    last[rest] = 0x80;
    size_t blocks = rest + 9 <= 64 ? 1 : 2;
    uint64_t bits = (uint64_t)(64 + len) * 8;
    for (int i = 0; i < 8; i++) last[blocks * 64 - 1 - i] = (uint8_t)(bits >> (8 * i));
    compress(st, last, blocks);
    for (int i = 0; i < 8; i++) store_be32(out + 4 * i, st[i]);
}

/* pair_tickets(key, code, ids) -> list[bytes]: H(key || u32(len code) || code || u32(len id)
 * || id) for each id in the list ids (bytes), in order; key is 64 bytes. */
static PyObject *pair_tickets_impl(PyObject *self, PyObject *args, PyObject *ids) {
    Py_buffer key, code;
    PyObject *ignored;
    if (!bytes_args(args, 2)) return NULL;
    if (!PyArg_ParseTuple(args, "y*y*O!", &key, &code, &PyList_Type, &ignored)) return NULL;
    PyObject *out = NULL;
    uint8_t *msg = NULL;
    if (key.len != 64) {
        PyErr_SetString(PyExc_ValueError, "pair_tickets needs a 64-byte key");
        goto done;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(ids), longest = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *id = PyTuple_GET_ITEM(ids, i);
        if (!PyBytes_Check(id)) {
            PyErr_SetString(PyExc_TypeError, "pair_tickets ids must be bytes");
            goto done;
        }
        if (PyBytes_GET_SIZE(id) > longest) longest = PyBytes_GET_SIZE(id);
    }
    if (code.len > 0xFFFFFFF || longest > 0xFFFFFFF) {
        PyErr_SetString(PyExc_ValueError, "field too long");
        goto done;
    }
    msg = malloc((size_t)(8 + code.len + longest));
    if (msg == NULL || (out = PyList_New(n)) == NULL) {
        if (msg == NULL) PyErr_NoMemory();
        goto done;
    }
    uint32_t mid[8];
    memcpy(mid, IV256, sizeof mid);
    compress(mid, key.buf, 1);
    store_be32(msg, (uint32_t)code.len);
    memcpy(msg + 4, code.buf, (size_t)code.len);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *id = PyTuple_GET_ITEM(ids, i);
        size_t idlen = (size_t)PyBytes_GET_SIZE(id);
        store_be32(msg + 4 + code.len, (uint32_t)idlen);
        memcpy(msg + 8 + code.len, PyBytes_AS_STRING(id), idlen);
        uint8_t t[32];
        hash_after_block(mid, msg, (size_t)(8 + code.len) + idlen, t);
        PyObject *b = PyBytes_FromStringAndSize((const char *)t, 32);
        if (b == NULL) {
            Py_CLEAR(out);
            goto done;
        }
        PyList_SET_ITEM(out, i, b);
    }
done:
    free(msg);
    PyBuffer_Release(&key);
    PyBuffer_Release(&code);
    return out;
}

static PyObject *py_pair_tickets(PyObject *self, PyObject *args) {
    return with_list(self, args, pair_tickets_impl, "pair_tickets ids");
}

/* best_pair(key, code, ids) -> (index, ticket): the id with the smallest (pair ticket, id)
 * among ids (a non-empty list of bytes), its index in ids and its ticket (SPEC §7.3). */
static PyObject *py_best_pair(PyObject *self, PyObject *args) {
    PyObject *ids = last_list(args, "best_pair ids");
    if (ids == NULL) return NULL;
    PyObject *tickets = pair_tickets_impl(self, args, ids);
    if (tickets == NULL) {
        Py_DECREF(ids);
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(tickets), best = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (best >= 0) {
            int c = memcmp(PyBytes_AS_STRING(PyList_GET_ITEM(tickets, i)),
                           PyBytes_AS_STRING(PyList_GET_ITEM(tickets, best)), 32);
            if (c == 0) {
                PyObject *a = PyTuple_GET_ITEM(ids, i), *b = PyTuple_GET_ITEM(ids, best);
                c = cmp_code((const uint8_t *)PyBytes_AS_STRING(a), (size_t)PyBytes_GET_SIZE(a),
                             (const uint8_t *)PyBytes_AS_STRING(b), (size_t)PyBytes_GET_SIZE(b));
            }
            if (c >= 0) continue;
        }
        best = i;
    }
    PyObject *out = NULL;
    if (best < 0)
        PyErr_SetString(PyExc_ValueError, "best_pair needs at least one id");
    else
        out = Py_BuildValue("(nO)", best, PyList_GET_ITEM(tickets, best));
    Py_DECREF(tickets);
    Py_DECREF(ids);
    return out;
}

/* ------------------------------------------------------------------ registry import */

/* Value of a USCC character (GB 32100: 0-9 A-H J-N P-R T U W-Y), or -1. */
static int uscc_value(unsigned c) {
    static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const char *at = c ? strchr(alphabet, (int)c) : NULL;
    return at ? (int)(at - alphabet) : -1;
}

/* uscc_ok(text) -> bool: the twin of randcheck.core.uscc.is_clean_valid_uscc: 18 characters
 * already normalised, positions 3-8 digits, the others from the USCC alphabet, the mod-31
 * check character (position 18) and the GB 11714 organisation check (position 17) right. */
static PyObject *py_uscc_ok(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "uscc_ok takes a str");
        return NULL;
    }
    if (PyUnicode_GET_LENGTH(arg) != 18 || !PyUnicode_IS_ASCII(arg)) Py_RETURN_FALSE;
    const unsigned char *c = (const unsigned char *)PyUnicode_DATA(arg);
    static const int org_weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    int value[18];
    for (int i = 0; i < 18; i++) {
        value[i] = uscc_value(c[i]);
        if (value[i] < 0 || (i >= 2 && i < 8 && value[i] > 9)) Py_RETURN_FALSE;
    }
    int total = 0, weight = 1; /* weights 3^i mod 31 */
    for (int i = 0; i < 17; i++) {
        total += value[i] * weight;
        weight = weight * 3 % 31;
    }
    if (value[17] != (31 - total % 31) % 31) Py_RETURN_FALSE;
    int org = 0; /* positions 9-16: base-36 values, which the USCC alphabet's values equal */
    for (int i = 0; i < 8; i++) org += (c[8 + i] <= '9' ? c[8 + i] - '0' : c[8 + i] - 'A' + 10) * org_weights[i];
    int check = 11 - org % 11;
    unsigned expected = check == 10 ? 'X' : check == 11 ? '0' : (unsigned)('0' + check);
    if (c[16] != expected) Py_RETURN_FALSE;
    Py_RETURN_TRUE;
}

/* legacy_ok(text) -> bool: the twin of randcheck.core.uscc.is_clean_valid_legacy: 15 ASCII
 * digits whose last is the ISO 7064 MOD 11,10 check digit of the first 14 (a 注册号). */
static PyObject *py_legacy_ok(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "legacy_ok takes a str");
        return NULL;
    }
    if (PyUnicode_GET_LENGTH(arg) != 15 || !PyUnicode_IS_ASCII(arg)) Py_RETURN_FALSE;
    const unsigned char *c = (const unsigned char *)PyUnicode_DATA(arg);
    for (int i = 0; i < 15; i++)
        if (c[i] < '0' || c[i] > '9') Py_RETURN_FALSE;
    int p = 10;
    for (int i = 0; i < 14; i++) {
        int s = (p + (c[i] - '0')) % 10;
        p = (s == 0 ? 10 : s) * 2 % 11;
    }
    if (c[14] - '0' != (11 - p) % 10) Py_RETURN_FALSE;
    Py_RETURN_TRUE;
}

/* A growable byte buffer for row_hashes. */
typedef struct {
    uint8_t *data;
    size_t len, cap;
} buf_t;

static int buf_reserve(buf_t *b, size_t more) {
    if (b->len + more <= b->cap) return 1;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + more) cap *= 2;
    uint8_t *data = realloc(b->data, cap);
    if (data == NULL) {
        PyErr_NoMemory();
        return 0;
    }
    b->data = data;
    b->cap = cap;
    return 1;
}

static int buf_put(buf_t *b, const void *p, size_t n) {
    if (!buf_reserve(b, n)) return 0;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 1;
}

/* A str as json.dumps(..., ensure_ascii=False) writes it, in UTF-8: '"' and '\\' and the
 * C0 controls escaped (\b \t \n \f \r short, the others \u00xx), everything else as is. */
static int buf_json_str(buf_t *b, PyObject *s) {
    Py_ssize_t n;
    const char *u = PyUnicode_AsUTF8AndSize(s, &n);
    if (u == NULL) return 0;
    if (!buf_reserve(b, (size_t)n * 6 + 2)) return 0;
    uint8_t *o = b->data + b->len;
    *o++ = '"';
    static const char hex[] = "0123456789abcdef";
    for (Py_ssize_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)u[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            *o++ = c;
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '\b': *o++ = 'b'; break;
        case '\t': *o++ = 't'; break;
        case '\n': *o++ = 'n'; break;
        case '\f': *o++ = 'f'; break;
        case '\r': *o++ = 'r'; break;
        default:
            *o++ = 'u'; *o++ = '0'; *o++ = '0';
            *o++ = (uint8_t)hex[c >> 4]; *o++ = (uint8_t)hex[c & 15];
        }
    }
    *o++ = '"';
    b->len = (size_t)(o - b->data);
    return 1;
}

/* row_hashes(name, rows) -> list: each row tuple with one more item, the twin of
 * randcheck.services.registry.digests.tuple_hash: the lowercase hex SHA-256 of the compact
 * JSON array [name, *row[:-1]] (ensure_ascii=False, UTF-8).  Values may be str, None, bool
 * or int; anything else is a TypeError (the caller then uses the Python twin). */
static PyObject *py_row_hashes(PyObject *self, PyObject *args) {
    PyObject *name, *rows;
    if (!PyArg_ParseTuple(args, "UO!", &name, &PyList_Type, &rows)) return NULL;
    Py_ssize_t count = PyList_GET_SIZE(rows);
    PyObject *out = PyList_New(count);
    if (out == NULL) return NULL;
    buf_t b = {NULL, 0, 0};
    for (Py_ssize_t r = 0; r < count; r++) {
        PyObject *row = PyList_GET_ITEM(rows, r);
        if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) < 1) {
            PyErr_SetString(PyExc_TypeError, "row_hashes: rows must be non-empty tuples");
            goto fail;
        }
        Py_ssize_t width = PyTuple_GET_SIZE(row);
        b.len = 0;
        if (!buf_put(&b, "[", 1) || !buf_json_str(&b, name)) goto fail;
        for (Py_ssize_t i = 0; i < width - 1; i++) {
            PyObject *v = PyTuple_GET_ITEM(row, i);
            if (!buf_put(&b, ",", 1)) goto fail;
            if (PyUnicode_CheckExact(v)) {
                if (!buf_json_str(&b, v)) goto fail;
            } else if (v == Py_None) {
                if (!buf_put(&b, "null", 4)) goto fail;
            } else if (v == Py_True) {
                if (!buf_put(&b, "true", 4)) goto fail;
            } else if (v == Py_False) {
                if (!buf_put(&b, "false", 5)) goto fail;
            } else if (PyLong_CheckExact(v)) {
                PyObject *text = PyObject_Str(v);
                if (text == NULL) goto fail;
                Py_ssize_t n;
                const char *u = PyUnicode_AsUTF8AndSize(text, &n);
                int ok = u != NULL && buf_put(&b, u, (size_t)n);
                Py_DECREF(text);
                if (!ok) goto fail;
            } else {
                PyErr_Format(PyExc_TypeError, "row_hashes: a %.100s value",
                             Py_TYPE(v)->tp_name);
                goto fail;
            }
        }
        if (!buf_put(&b, "]", 1)) goto fail;
        uint8_t digest[32];
        char hexd[64];
        static const char hex[] = "0123456789abcdef";
        sha256_full(b.data, b.len, digest);
        for (int i = 0; i < 32; i++) {
            hexd[2 * i] = hex[digest[i] >> 4];
            hexd[2 * i + 1] = hex[digest[i] & 15];
        }
        PyObject *item = PyTuple_New(width + 1);
        if (item == NULL) goto fail;
        for (Py_ssize_t i = 0; i < width; i++) {
            PyObject *v = PyTuple_GET_ITEM(row, i);
            Py_INCREF(v);
            PyTuple_SET_ITEM(item, i, v);
        }
        PyObject *h = PyUnicode_FromStringAndSize(hexd, 64);
        if (h == NULL) {
            Py_DECREF(item);
            goto fail;
        }
        PyTuple_SET_ITEM(item, width, h);
        PyList_SET_ITEM(out, r, item);
    }
    free(b.data);
    return out;
fail:
    free(b.data);
    Py_DECREF(out);
    return NULL;
}

/* ------------------------------------------------------------------ module */

static PyObject *py_sha256(PyObject *self, PyObject *args) {
    Py_buffer buf;
    if (!bytes_args(args, 1)) return NULL;
    if (!PyArg_ParseTuple(args, "y*", &buf)) return NULL;
    uint8_t out[32];
    sha256_full(buf.buf, (size_t)buf.len, out);
    PyBuffer_Release(&buf);
    return PyBytes_FromStringAndSize((const char *)out, 32);
}

static PyObject *py_backend(PyObject *self, PyObject *noargs) {
    return PyUnicode_FromString(compress == compress_portable ? "portable" : "sha-ni");
}

static PyObject *py_use_portable(PyObject *self, PyObject *arg) {
    int flag = PyObject_IsTrue(arg);
    if (flag < 0) return NULL;
#ifdef RC_X86
    compress = (flag || !have_shani) ? compress_portable : compress_shani;
    compress2 = (flag || !have_shani) ? compress2_portable : compress2_shani;
#endif
    return py_backend(self, NULL);
}

static PyMethodDef methods[] = {
    {"scan", py_scan, METH_VARARGS, "scan(blob) -> (count, width, error, index)"},
    {"sort_lines", py_sort_lines, METH_VARARGS, "sort_lines(blob) -> bytes"},
    {"offsets", py_offsets, METH_VARARGS, "offsets(blob) -> bytes of uint64"},
    {"lowest", py_lowest, METH_VARARGS, "lowest(key, blob, k) -> list[(ticket, code)]"},
    {"shared", py_shared, METH_VARARGS, "shared(runs) -> bytes | None"},
    {"merge", py_merge, METH_VARARGS, "merge(runs) -> bytes"},
    {"sift", py_sift, METH_VARARGS, "sift(a, b) -> (kept, found)"},
    {"pick", py_pick, METH_VARARGS, "pick(pairs, codes) -> bytes"},
    {"repeated", py_repeated, METH_VARARGS, "repeated(blob, k) -> bytes"},
    {"partition", py_partition, METH_VARARGS, "partition(codes, keys, names) -> (list, int)"},
    {"best_pair", py_best_pair, METH_VARARGS, "best_pair(key, code, ids) -> (index, ticket)"},
    {"pair_tickets", py_pair_tickets, METH_VARARGS, "pair_tickets(key, code, ids) -> list"},
    {"uscc_ok", py_uscc_ok, METH_O, "uscc_ok(text) -> bool"},
    {"legacy_ok", py_legacy_ok, METH_O, "legacy_ok(text) -> bool"},
    {"row_hashes", py_row_hashes, METH_VARARGS, "row_hashes(name, rows) -> list[tuple]"},
    {"sha256", py_sha256, METH_VARARGS, "sha256(data) -> bytes"},
    {"backend", py_backend, METH_NOARGS, "backend() -> 'sha-ni' | 'portable'"},
    {"use_portable", py_use_portable, METH_O, "use_portable(flag) -> backend"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "randcheck._native",
                                    "Native hot loops of randcheck/draw/v1.", -1, methods};

PyMODINIT_FUNC PyInit__native(void) {
#ifdef RC_X86
    have_shani = cpu_has_shani();
    if (have_shani) {
        compress = compress_shani;
        compress2 = compress2_shani;
    }
#endif
    return PyModule_Create(&module);
}
