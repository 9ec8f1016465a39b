/* SHA-512 (FIPS 180-4), HMAC-SHA512 (RFC 2104) and base64 (RFC 4648), for the metadata
 * service's identity endpoint: stage1 links no crypto library. */
#include "stage1.h"

#include <string.h>

static const uint64_t K[80] = {
    0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL, 0x3956c25bf348b538ULL,
    0x59f111f1b605d019ULL, 0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL, 0xd807aa98a3030242ULL, 0x12835b0145706fbeULL,
    0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL, 0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL,
    0xc19bf174cf692694ULL, 0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL, 0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
    0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL, 0x983e5152ee66dfabULL,
    0xa831c66d2db43210ULL, 0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL, 0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL,
    0x06ca6351e003826fULL, 0x142929670a0e6e70ULL, 0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL,
    0x53380d139d95b3dfULL, 0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
    0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL, 0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL, 0xd192e819d6ef5218ULL,
    0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL, 0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL,
    0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL, 0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL, 0x5b9cca4f7763e373ULL,
    0x682e6ff3d6b2b8a3ULL, 0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
    0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL, 0xca273eceea26619cULL,
    0xd186b8c721c0c207ULL, 0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL, 0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL,
    0x113f9804bef90daeULL, 0x1b710b35131c471bULL, 0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL,
    0x431d67c49c100d4cULL, 0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL, 0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};

static inline uint64_t rotr(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

static void compress(struct sha512 *s, const uint8_t block[SHA512_BLOCK])
{
    uint64_t w[80];
    for (int t = 0; t < 16; t++) {
        w[t] = 0;
        for (int b = 0; b < 8; b++)
            w[t] = w[t] << 8 | block[t * 8 + b];
    }
    for (int t = 16; t < 80; t++) {
        uint64_t s0 = rotr(w[t - 15], 1) ^ rotr(w[t - 15], 8) ^ (w[t - 15] >> 7);
        uint64_t s1 = rotr(w[t - 2], 19) ^ rotr(w[t - 2], 61) ^ (w[t - 2] >> 6);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint64_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
    for (int t = 0; t < 80; t++) {
        uint64_t t1 = h + (rotr(e, 14) ^ rotr(e, 18) ^ rotr(e, 41)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
        uint64_t t2 = (rotr(a, 28) ^ rotr(a, 34) ^ rotr(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d;
    s->h[4] += e, s->h[5] += f, s->h[6] += g, s->h[7] += h;
}

void sha512_init(struct sha512 *s)
{
    static const uint64_t iv[8] = {
        0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
        0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
    };
    memcpy(s->h, iv, sizeof iv);
    s->len = 0;
    s->used = 0;
}

void sha512_update(struct sha512 *s, const void *data, size_t len)
{
    const uint8_t *p = data;
    s->len += len;
    while (len > 0) {
        size_t n = SHA512_BLOCK - s->used < len ? SHA512_BLOCK - s->used : len;
        memcpy(s->buf + s->used, p, n);
        s->used += n;
        p += n;
        len -= n;
        if (s->used == SHA512_BLOCK) {
            compress(s, s->buf);
            s->used = 0;
        }
    }
}

void sha512_final(struct sha512 *s, uint8_t out[SHA512_SIZE])
{
    /* the message, a 1 bit, zeros, and the length in bits as a 128-bit big-endian number
     * (the high 64 bits are 0: no message here comes near 2^61 bytes) */
    uint64_t bits = (uint64_t) s->len * 8;
    uint8_t pad = 0x80;
    sha512_update(s, &pad, 1);
    uint8_t zero = 0;
    while (s->used != SHA512_BLOCK - 16)
        sha512_update(s, &zero, 1);
    uint8_t length[16] = { 0 };
    for (int i = 0; i < 8; i++)
        length[15 - i] = (uint8_t) (bits >> (8 * i));
    sha512_update(s, length, sizeof length);
    for (int i = 0; i < 8; i++)
        for (int b = 0; b < 8; b++)
            out[i * 8 + b] = (uint8_t) (s->h[i] >> (56 - 8 * b));
    memset(s, 0, sizeof *s);
}

void hmac_sha512_init(struct hmac_sha512 *m, const void *key, size_t key_len)
{
    uint8_t k[SHA512_BLOCK] = { 0 };
    if (key_len > SHA512_BLOCK) {
        struct sha512 s;
        sha512_init(&s);
        sha512_update(&s, key, key_len);
        sha512_final(&s, k);
    } else {
        memcpy(k, key, key_len);
    }
    uint8_t pad[SHA512_BLOCK];
    for (int i = 0; i < SHA512_BLOCK; i++)
        pad[i] = k[i] ^ 0x36;
    sha512_init(&m->inner);
    sha512_update(&m->inner, pad, sizeof pad);
    for (int i = 0; i < SHA512_BLOCK; i++)
        pad[i] = k[i] ^ 0x5c;
    sha512_init(&m->outer);
    sha512_update(&m->outer, pad, sizeof pad);
    memset(k, 0, sizeof k);
    memset(pad, 0, sizeof pad);
}

void hmac_sha512_update(struct hmac_sha512 *m, const void *data, size_t len)
{
    sha512_update(&m->inner, data, len);
}

void hmac_sha512_final(struct hmac_sha512 *m, uint8_t out[SHA512_SIZE])
{
    uint8_t inner[SHA512_SIZE];
    sha512_final(&m->inner, inner);
    sha512_update(&m->outer, inner, sizeof inner);
    sha512_final(&m->outer, out);
    memset(inner, 0, sizeof inner);
}

bool equal_constant_time(const void *a, const void *b, size_t len)
{
    const volatile uint8_t *x = a, *y = b;
    uint8_t diff = 0;
    for (size_t i = 0; i < len; i++)
        diff |= x[i] ^ y[i];
    return diff == 0;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encode(const uint8_t *in, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t) in[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t) in[i + 1] << 8;
        if (i + 2 < len)
            v |= in[i + 2];
        out[o++] = B64[v >> 18 & 63];
        out[o++] = B64[v >> 12 & 63];
        out[o++] = i + 1 < len ? B64[v >> 6 & 63] : '=';
        out[o++] = i + 2 < len ? B64[v & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

static int b64_value(char c)
{
    const char *p = c ? strchr(B64, c) : NULL;
    return p ? (int) (p - B64) : -1;
}

int base64_decode(const char *in, size_t len, uint8_t *out, size_t max, size_t *out_len)
{
    /* standard alphabet, padded: groups of four, '=' only at the very end */
    if (len % 4)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 4) {
        bool last = i + 4 == len;
        int pad = last ? (in[i + 3] == '=') + (in[i + 2] == '=' && in[i + 3] == '=') : 0;
        uint32_t v = 0;
        for (int j = 0; j < 4; j++) {
            int d = j >= 4 - pad ? 0 : b64_value(in[i + j]);
            if (d < 0)
                return -1;
            v = v << 6 | (uint32_t) d;
        }
        size_t n = 3 - (size_t) pad;
        if (o + n > max)
            return -1;
        for (size_t j = 0; j < n; j++)
            out[o++] = (uint8_t) (v >> (16 - 8 * j));
    }
    *out_len = o;
    return 0;
}
