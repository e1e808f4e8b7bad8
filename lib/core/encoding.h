/*
 * encoding.h - internal: the byte encodings of the draw protocol
 * (docs/protocol.md section "Encoding"): big-endian integers,
 * length-prefixed fields LP(x), and the domain-separation tags of
 * versions 1 and 2.  Not part of the public API.
 */
#ifndef ALOT_ENCODING_H
#define ALOT_ENCODING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Domain-separation tags: each hash of the protocol starts with LP(tag). */
#define ALOT_TAG_COMMITMENT  "ALOT-v1/commitment"
#define ALOT_TAG_CLIENT_SEED "ALOT-v1/client-seed"
#define ALOT_TAG_COMBINED    "ALOT-v1/combined-seed"
#define ALOT_TAG_KEY_ID      "ALOT-v1/key-id"
#define ALOT_TAG_SIGNATURE   "ALOT-v1/record-signature"
/* Protocol 2.  Key ids keep protocol 1's tag: a key has one id. */
#define ALOT_TAG2_LOT         "ALOT-v2/lot"
#define ALOT_TAG2_BUNDLES     "ALOT-v2/entry-bundles"
#define ALOT_TAG2_COMMITMENT  "ALOT-v2/commitment"
#define ALOT_TAG2_CLIENT_SEED "ALOT-v2/client-seed"
#define ALOT_TAG2_COMBINED    "ALOT-v2/combined-seed"
#define ALOT_TAG2_SIGNATURE   "ALOT-v2/record-signature"
#define ALOT_TAG2_RECORD      "ALOT-v2/record"

#include "alot/protocol.h"

/*
 * json_dumps() into plain malloc() memory, which the caller frees with
 * free() whatever allocators jansson was given (record.c).
 */
struct json_t;
char *Alot_json_dumps(const struct json_t *v, size_t flags);

/* The tag of protocol version's record signatures (record.c). */
const char *Alot_signature_tag(uint32_t version);

/*
 * 1 when two of the n ids are equal, the first such id (in sorted order)
 * into *dup.  Sorts ids in place (protocol.c).
 */
int Alot_repeated_uuid(alot_uuid *ids, size_t n, alot_uuid *dup);

static inline size_t
Alot_put_u32(unsigned char *buf, size_t at, uint32_t v)
{
	buf[at] = (unsigned char)(v >> 24);
	buf[at + 1] = (unsigned char)(v >> 16);
	buf[at + 2] = (unsigned char)(v >> 8);
	buf[at + 3] = (unsigned char)v;
	return at + 4;
}

static inline size_t
Alot_put_u64(unsigned char *buf, size_t at, uint64_t v)
{
	at = Alot_put_u32(buf, at, (uint32_t)(v >> 32));
	return Alot_put_u32(buf, at, (uint32_t)v);
}

static inline uint32_t
Alot_get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* LP(x): the 4-byte big-endian length of x, then x.  Returns the new end. */
static inline size_t
Alot_put_lp(unsigned char *buf, size_t at, const unsigned char *data, size_t len)
{
	at = Alot_put_u32(buf, at, (uint32_t)len);
	if (len > 0)
		memcpy(buf + at, data, len);
	return at + len;
}

static inline size_t
Alot_put_lp_str(unsigned char *buf, size_t at, const char *s)
{
	return Alot_put_lp(buf, at, (const unsigned char *)s, strlen(s));
}

#endif /* ALOT_ENCODING_H */
