/*
 * gen.h - what the vector generator's parts share (gen-vectors.c: protocols
 * 1 and 2; gen-beacon.c: the NIST beacon rule): the output folders, the
 * operator's TEST-ONLY key, the indexes of valid and invalid records, and
 * the helpers that write records and their companions.  Internal to
 * vectors/.
 */
#ifndef ALOT_VECTORS_GEN_H
#define ALOT_VECTORS_GEN_H

#include <jansson.h>

#include "alot/record.h"

extern const char *outdir;
extern alot_signing_key *signing_key;
extern json_t *valid_index, *invalid_index;
extern uint32_t gen_version;
extern const char *vec_dir, *rec_dir;
extern const alot_entry_bundle bundles[3];

void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void check(alot_code rc, const alot_error *err);
void derive(const char *name, const char *what, unsigned counter, unsigned char out[32]);
void derive_uuid(const char *name, const char *what, unsigned i, alot_uuid *out);
void write_file(const char *rel, const char *text);
void write_record(const char *rel, const char *text);
void write_json(const char *rel, json_t *obj);
char *draw_text(alot_draw_record *rec, int sign);
char *commitment_text(const alot_draw_record *rec, alot_commitment_record *c);
char *freeze_text(alot_draw_record *rec, alot_freeze_record *f);
char *ledger_text(const alot_draw_record *rec, const alot_ticket_range *ledger, size_t n);
char *proof_text(const alot_draw_record *rec, const alot_ticket_range *ledger, size_t n, size_t index);
void add_invalid(const char *check_name, const char *what, const char *text, const char *description,
                 json_t *companions);
void make_dirs(void);
void copy_pubkey(const char *pem);
alot_signing_key *load_test_key(const char *path);
void write_indexes(void);

/* The beacon rule's records (gen-beacon.c) into records-beacon/. */
void generate_beacon(const char *keys_dir, const char *nist_pulses, const char *pubkey);

#endif /* ALOT_VECTORS_GEN_H */
