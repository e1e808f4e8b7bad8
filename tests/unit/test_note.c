/*
 * test_note.c - unit tests for lib/core/base64.c and lib/core/note.c:
 * strict base64, vkeys, signed notes (the real notes of the Go checksum
 * database and the signed-note test vectors, with every byte flipped),
 * unknown and oversized signatures, known keys with bad signatures,
 * Ed25519 and cosignature/v1 signing round trips, and checkpoint text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "alot/note.h"

#define EM "\xe2\x80\x94"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/alot-note-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* A data file of $ALOT_SRC/../shared/data/tlog, NUL-terminated; fails when missing. */
static char *
read_data(const char *name, size_t *len)
{
	const char *src = getenv("ALOT_SRC");
	char path[512];
	char *buf = malloc(ALOT_NOTE_MAX + 2);
	FILE *f;

	snprintf(path, sizeof(path), "%s/../shared/data/tlog/%s", src ? src : ".", name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot read %s", path);
	assert_non_null(buf);
	*len = fread(buf, 1, ALOT_NOTE_MAX + 1, f);
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

static alot_note_verifier
load_vkey(const char *name)
{
	alot_note_verifier v;
	alot_error err;
	size_t len;
	char *text = read_data(name, &len);

	if (alot_note_verifier_parse(text, len, &v, &err) != ALOT_OK)
		fail_msg("%s: %s", name, err.message);
	free(text);
	return v;
}

/* 1 when msg parses and verifier v verifies it; 0 when parse or verify fails or v did not sign. */
static int
verifies(const char *msg, size_t len, const alot_note_verifier *v)
{
	alot_note note;
	alot_error err;
	int ok = 0, verified = 0;

	if (alot_note_parse(msg, len, &note, &err) != ALOT_OK)
		return 0;
	if (alot_note_verify(&note, v, 1, &verified, NULL, &err) == ALOT_OK)
		ok = verified;
	alot_note_free(&note);
	return ok;
}

/* ---- base64 ---------------------------------------------------------------- */

static void
base64_round_trips_and_rfc4648_vectors(void **state)
{
	static const char *vectors[][2] = {
		{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
		{"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
	};
	unsigned char in[64], out[64];
	char *b64;
	size_t i, len, n;
	alot_error err;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		assert_int_equal(alot_base64_encode((const unsigned char *)vectors[i][0], strlen(vectors[i][0]),
		                                    &b64, &err), ALOT_OK);
		assert_string_equal(b64, vectors[i][1]);
		free(b64);
		assert_int_equal(alot_base64_decode(vectors[i][1], strlen(vectors[i][1]), out, sizeof(out), &n,
		                                    &err), ALOT_OK);
		assert_int_equal(n, strlen(vectors[i][0]));
		assert_memory_equal(out, vectors[i][0], n);
	}
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 37 + 255);
	for (len = 0; len <= sizeof(in); len++) {
		assert_int_equal(alot_base64_encode(in, len, &b64, &err), ALOT_OK);
		assert_int_equal(strlen(b64), (len + 2) / 3 * 4);
		assert_int_equal(alot_base64_decode(b64, strlen(b64), out, len, &n, &err), ALOT_OK);
		assert_int_equal(n, len);
		assert_memory_equal(out, in, len);
		if (len > 0)
			assert_int_equal(alot_base64_decode(b64, strlen(b64), out, len - 1, &n, &err),
			                 ALOT_ERR_INVALID);
		free(b64);
	}
	/* the last two symbols of the alphabet */
	assert_int_equal(alot_base64_encode((const unsigned char *)"\xfb\xff\xbf", 3, &b64, &err), ALOT_OK);
	assert_string_equal(b64, "+/+/");
	free(b64);
}

static void
base64_rejects_all_but_the_canonical_encoding(void **state)
{
	static const char *bad[] = {
		"Zg=", "Zg", "Z", "Zg===", "Zh==", "Zm9=", "Zg=a", "Z===", "====", "=Zg=", "Zm=v",
		" Zg==", "Zg== ", "Zg==\n", "Zm\n9v", "Zm9v\r", "Z-8=", "Z_8=", "Zm9v!A==", "Zm9v====",
	};
	unsigned char out[16];
	size_t i, n = 99;
	alot_error err;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (alot_base64_decode(bad[i], strlen(bad[i]), out, sizeof(out), &n, &err) != ALOT_ERR_INVALID)
			fail_msg("base64 \"%s\" was accepted", bad[i]);
		assert_int_equal(n, 0);
	}
	assert_int_equal(alot_base64_decode("Zg==", 4, out, sizeof(out), &n, &err), ALOT_OK);
	assert_int_equal(alot_base64_decode("Zm\0v", 4, out, sizeof(out), &n, &err), ALOT_ERR_INVALID);
	assert_int_equal(alot_base64_decode("Zm9v", 4, out, 2, &n, &err), ALOT_ERR_INVALID);
	assert_string_equal(err.message, "base64 decodes to 3 bytes, more than the 2 expected");
	assert_int_equal(alot_base64_decode("Zh==", 4, out, sizeof(out), &n, &err), ALOT_ERR_INVALID);
	assert_string_equal(err.message, "base64 is not canonical: unused bits are set");
}

/* ---- real notes -------------------------------------------------------------- */

static void
peterneumann_note_verifies_and_every_flipped_byte_fails(void **state)
{
	alot_note_verifier v = load_vkey("note-peterneumann.vkey");
	size_t len, i;
	char *msg = read_data("note-peterneumann.note", &len);
	alot_note note;
	alot_error err;
	int verified;
	static const unsigned char masks[] = {0x01, 0x02, 0x20, 0x80};
	size_t m;

	(void)state;
	assert_string_equal(v.name, "PeterNeumann");
	assert_int_equal(v.key_id, 0xc74f20a3);
	assert_int_equal(v.alg, ALOT_NOTE_ALG_ED25519);
	assert_int_equal(alot_note_parse(msg, len, &note, &err), ALOT_OK);
	assert_string_equal(note.text, "If you think cryptography is the answer to your problem,\n"
	                               "then you don't know what your problem is.\n");
	assert_int_equal(note.sig_count, 1);
	assert_string_equal(note.sigs[0].name, "PeterNeumann");
	assert_int_equal(note.sigs[0].key_id, 0xc74f20a3);
	assert_int_equal(note.sigs[0].sig_len, 64);
	assert_int_equal(note.sigs[0].oversized, 0);
	assert_int_equal(alot_note_verify(&note, &v, 1, &verified, NULL, &err), ALOT_OK);
	assert_int_equal(verified, 1);
	alot_note_free(&note);
	assert_true(verifies(msg, len, &v));
	for (i = 0; i < len; i++)
		for (m = 0; m < sizeof(masks); m++) {
			msg[i] ^= (char)masks[m];
			if (verifies(msg, len, &v))
				fail_msg("the note verified with byte %zu ^ 0x%02x", i, masks[m]);
			msg[i] ^= (char)masks[m];
		}
	/* truncated anywhere, it never verifies */
	for (i = 0; i < len; i++)
		assert_false(verifies(msg, i, &v));
	free(msg);
}

static void
signed_note_spec_example_verifies(void **state)
{
	static const char vkey[] = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
	static const char msg[] = "This is an example message.\n\n" EM " example.com/foo "
	                          "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1E"
	                          "RYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
	alot_note_verifier v;
	alot_error err;

	(void)state;
	assert_int_equal(alot_note_verifier_parse(vkey, strlen(vkey), &v, &err), ALOT_OK);
	assert_int_equal(v.key_id, 0x530d903a);
	assert_true(verifies(msg, strlen(msg), &v));
}

static void
cosignature_spec_example_parses(void **state)
{
	static const char msg[] =
		"example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
		EM " example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
		"Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
		EM " witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2"
		"oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";
	alot_note note;
	alot_checkpoint cp;
	alot_error err;
	uint64_t ts = 0;
	int i;

	(void)state;
	assert_int_equal(alot_note_parse(msg, strlen(msg), &note, &err), ALOT_OK);
	assert_int_equal(note.sig_count, 2);
	assert_int_equal(note.sigs[0].sig_len, 64);
	assert_string_equal(note.sigs[1].name, "witness.example.com/w1");
	assert_int_equal(note.sigs[1].key_id, 0x8d66cf3f);
	assert_int_equal(note.sigs[1].sig_len, 72);
	for (i = 0; i < 8; i++)
		ts = ts << 8 | note.sigs[1].sig[i];
	assert_int_equal(ts, 1679315147); /* the "time" line of the spec's signed message */
	assert_int_equal(alot_checkpoint_parse(note.text, note.text_len, &cp, &err), ALOT_OK);
	assert_int_equal(cp.size, 20852163);
	alot_note_free(&note);
}

static const char *const sumdb_notes[] = {
	"checkpoint-10680630.note", "checkpoint-15368405.note", "checkpoint-19238995.note",
	"checkpoint-3784599.note", "checkpoint-445646.note", "checkpoint-59045944.note",
	"checkpoint-63096908.note", "checkpoint-63512409.note",
};

static void
sumdb_checkpoints_verify_and_parse(void **state)
{
	alot_note_verifier v = load_vkey("sumdb/sum.golang.org.vkey");
	size_t i, len;
	alot_error err;

	(void)state;
	assert_string_equal(v.name, "sum.golang.org");
	assert_int_equal(v.alg, ALOT_NOTE_ALG_ED25519);
	for (i = 0; i < sizeof(sumdb_notes) / sizeof(sumdb_notes[0]); i++) {
		char name[64];
		char *msg;
		alot_note note;
		alot_checkpoint cp;
		uint64_t ts = 99;
		int verified = 0;
		unsigned long long want = strtoull(sumdb_notes[i] + strlen("checkpoint-"), NULL, 10);

		snprintf(name, sizeof(name), "sumdb/%s", sumdb_notes[i]);
		msg = read_data(name, &len);
		assert_int_equal(alot_note_parse(msg, len, &note, &err), ALOT_OK);
		assert_int_equal(alot_note_verify(&note, &v, 1, &verified, &ts, &err), ALOT_OK);
		assert_int_equal(verified, 1);
		assert_int_equal(ts, 0);
		assert_int_equal(alot_checkpoint_parse(note.text, note.text_len, &cp, &err), ALOT_OK);
		assert_string_equal(cp.origin, "go.sum database tree");
		assert_int_equal(cp.size, want);
		assert_int_equal(cp.extension_lines, 0);
		alot_note_free(&note);
		free(msg);
	}
}

static void
sumdb_checkpoints_fail_with_any_flipped_byte(void **state)
{
	alot_note_verifier v = load_vkey("sumdb/sum.golang.org.vkey");
	size_t i, pos, len;

	(void)state;
	for (i = 0; i < sizeof(sumdb_notes) / sizeof(sumdb_notes[0]); i++) {
		char name[64];
		char *msg;
		size_t step = i == 0 ? 1 : 5;

		snprintf(name, sizeof(name), "sumdb/%s", sumdb_notes[i]);
		msg = read_data(name, &len);
		assert_true(verifies(msg, len, &v));
		for (pos = i % step; pos < len; pos += step) {
			msg[pos] ^= 0x01;
			if (verifies(msg, len, &v))
				fail_msg("%s verified with byte %zu flipped", name, pos);
			msg[pos] ^= 0x41;
			if (verifies(msg, len, &v))
				fail_msg("%s verified with byte %zu ^ 0x40", name, pos);
			msg[pos] ^= 0x40;
		}
		assert_true(verifies(msg, len, &v));
		free(msg);
	}
}

/* ---- unknown, known-bad and oversized signatures ----------------------------- */

/* msg with line (newline included) appended, malloc()ed. */
static char *
append_line(const char *msg, size_t len, const char *line)
{
	char *s = malloc(len + strlen(line) + 1);

	assert_non_null(s);
	memcpy(s, msg, len);
	strcpy(s + len, line);
	return s;
}

static void
unknown_signatures_are_ignored_and_bad_known_ones_reject(void **state)
{
	alot_note_verifier v = load_vkey("sumdb/sum.golang.org.vkey");
	size_t len, n;
	char *msg = read_data("sumdb/checkpoint-445646.note", &len), *more, *line, *b64 = NULL;
	unsigned char raw[4 + 64];
	alot_note note;
	alot_error err;
	int verified = 7;

	(void)state;
	/* another name with the same key id, the same name with another key id, another key */
	more = append_line(msg, len, EM " sum.golang.org.x Az3grgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	                        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
	                        EM " sum.golang.org AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	                        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
	                        EM " witness.example/w AAAAAAE=\n");
	assert_int_equal(alot_note_parse(more, strlen(more), &note, &err), ALOT_OK);
	assert_int_equal(note.sig_count, 4);
	assert_int_equal(alot_note_verify(&note, &v, 1, &verified, NULL, &err), ALOT_OK);
	assert_int_equal(verified, 1);
	alot_note_free(&note);
	free(more);

	/* only unknown signatures: not an error, nothing verified */
	more = append_line(msg, (size_t)(strstr(msg, "\n\n") - msg) + 2, EM " witness.example/w AAAAAAE=\n");
	assert_int_equal(alot_note_parse(more, strlen(more), &note, &err), ALOT_OK);
	assert_int_equal(alot_note_verify(&note, &v, 1, &verified, NULL, &err), ALOT_OK);
	assert_int_equal(verified, 0);
	alot_note_free(&note);
	free(more);

	/* the known key's name and id with a bad signature rejects the note, even beside a good one */
	assert_int_equal(alot_note_parse(msg, len, &note, &err), ALOT_OK);
	raw[0] = (unsigned char)(v.key_id >> 24);
	raw[1] = (unsigned char)(v.key_id >> 16);
	raw[2] = (unsigned char)(v.key_id >> 8);
	raw[3] = (unsigned char)v.key_id;
	memcpy(raw + 4, note.sigs[0].sig, 64);
	raw[4 + 10] ^= 0x04;
	alot_note_free(&note);
	assert_int_equal(alot_base64_encode(raw, sizeof(raw), &b64, &err), ALOT_OK);
	n = strlen(b64) + 40;
	line = malloc(n);
	snprintf(line, n, EM " sum.golang.org %s\n", b64);
	more = append_line(msg, len, line);
	assert_int_equal(alot_note_parse(more, strlen(more), &note, &err), ALOT_OK);
	verified = 7;
	assert_int_equal(alot_note_verify(&note, &v, 1, &verified, NULL, &err), ALOT_ERR_VERIFY);
	assert_int_equal(verified, 0);
	assert_non_null(strstr(err.message, "\"sum.golang.org\""));
	alot_note_free(&note);
	free(more);
	/* a known Ed25519 key whose signature has the wrong length also rejects */
	snprintf(line, n, EM " sum.golang.org %.8sAAAAAA==\n", b64);
	more = append_line(msg, len, line);
	assert_int_equal(alot_note_parse(more, strlen(more), &note, &err), ALOT_OK);
	assert_int_equal(alot_note_verify(&note, &v, 1, &verified, NULL, &err), ALOT_ERR_VERIFY);
	alot_note_free(&note);
	free(more);
	free(line);
	free(b64);
	free(msg);
}

static void
oversized_signatures_are_kept_as_unknown(void **state)
{
	alot_note_verifier v = load_vkey("sumdb/sum.golang.org.vkey");
	unsigned char raw[4 + 2420];
	size_t len, n;
	char *msg = read_data("sumdb/checkpoint-445646.note", &len), *line, *more, *b64 = NULL;
	alot_note note;
	alot_error err;
	int verified;

	(void)state;
	memset(raw, 0x5a, sizeof(raw)); /* an ML-DSA-44-sized signature of an unknown key */
	assert_int_equal(alot_base64_encode(raw, sizeof(raw), &b64, &err), ALOT_OK);
	n = strlen(b64) + 40;
	line = malloc(n);
	snprintf(line, n, EM " mldsa.example/w %s\n", b64);
	more = append_line(msg, len, line);
	assert_int_equal(alot_note_parse(more, strlen(more), &note, &err), ALOT_OK);
	assert_int_equal(note.sig_count, 2);
	assert_int_equal(note.sigs[1].oversized, 1);
	assert_int_equal(note.sigs[1].sig_len, 2420);
	assert_int_equal(note.sigs[1].key_id, 0x5a5a5a5a);
	assert_int_equal(alot_note_verify(&note, &v, 1, &verified, NULL, &err), ALOT_OK);
	assert_int_equal(verified, 1);
	alot_note_free(&note);
	free(more);
	/* with the known key's name and id it must verify, and cannot */
	raw[0] = (unsigned char)(v.key_id >> 24);
	raw[1] = (unsigned char)(v.key_id >> 16);
	raw[2] = (unsigned char)(v.key_id >> 8);
	raw[3] = (unsigned char)v.key_id;
	free(b64);
	assert_int_equal(alot_base64_encode(raw, sizeof(raw), &b64, &err), ALOT_OK);
	snprintf(line, n, EM " sum.golang.org %s\n", b64);
	more = append_line(msg, len, line);
	assert_int_equal(alot_note_parse(more, strlen(more), &note, &err), ALOT_OK);
	assert_int_equal(alot_note_verify(&note, &v, 1, &verified, NULL, &err), ALOT_ERR_VERIFY);
	alot_note_free(&note);
	free(more);
	free(line);
	free(b64);
	free(msg);
}

/* ---- malformed notes -------------------------------------------------------- */

static void
malformed_notes_are_rejected(void **state)
{
	static const char *bad[] = {
		"text\n" EM " a AAAAAAA=\n",                    /* no blank line */
		"text\n\n",                                     /* no signatures */
		"text\n\n" EM " a AAAAAAA=",                    /* no final newline */
		"text\n\n- a AAAAAAA=\n",                       /* not an em dash */
		"text\n\n" EM "a AAAAAAA=\n",                   /* no space after the dash */
		"text\n\n" EM " AAAAAAA=\n",                    /* no name */
		"text\n\n" EM "  AAAAAAA=\n",                   /* empty name */
		"text\n\n" EM " a+b AAAAAAA=\n",                /* '+' in the name */
		"text\n\n" EM " a\xc2\xa0" "b AAAAAAA=\n",      /* U+00A0 in the name */
		"text\n\n" EM " a\xe3\x80\x80" "b AAAAAAA=\n",  /* U+3000 in the name */
		"text\n\n" EM " a \n",                          /* empty signature */
		"text\n\n" EM " a AAAA\n",                      /* 3 bytes: no room for a signature */
		"text\n\n" EM " a AAAAAAAA\n",                  /* 6 bytes, but no key id + sig pad... */
		"text\n\n" EM " a AAAAAAB=\n",                  /* non-canonical base64 */
		"text\n\n" EM " a AAAAAAA\n",                   /* unpadded */
		"text\n\n" EM " a AAAAAAA= \n",                 /* trailing space */
		"text\n\n" EM " a AAAAAAA=\n\n",                /* blank line after the signatures */
		"text\n\n" EM " a AAAAAAA=\n" EM " b\n",        /* a broken second line */
		"te\txt\n\n" EM " a AAAAAAA=\n",                /* tab */
		"text\r\n\n" EM " a AAAAAAA=\n",                /* carriage return */
		"te\xffxt\n\n" EM " a AAAAAAA=\n",              /* invalid UTF-8 */
		"te\xc0\x80xt\n\n" EM " a AAAAAAA=\n",          /* overlong NUL */
		"te\xed\xa0\x80xt\n\n" EM " a AAAAAAA=\n",      /* a surrogate */
		"te\xf4\x90\x80\x80xt\n\n" EM " a AAAAAAA=\n",  /* beyond U+10FFFF */
		"text\n\n\xe2\x80" " a AAAAAAA=\n",             /* a truncated em dash */
	};
	static const char with_nul[] = "te\0xt\n\n" EM " a AAAAAAA=\n";
	static const char blank_lines[] = "a\n\nb\n\n" EM " a AAAAAAA=\n";
	alot_note note;
	alot_error err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (i == 12)
			continue; /* "AAAAAAAA" is 6 well-formed bytes: checked below */
		if (alot_note_parse(bad[i], strlen(bad[i]), &note, &err) != ALOT_ERR_INVALID)
			fail_msg("malformed note %zu was accepted", i);
		assert_null(note.text);
		assert_int_equal(note.sig_count, 0);
	}
	assert_int_equal(alot_note_parse(bad[12], strlen(bad[12]), &note, &err), ALOT_OK);
	assert_int_equal(note.sigs[0].sig_len, 2);
	alot_note_free(&note);
	/* a NUL byte */
	assert_int_equal(alot_note_parse(with_nul, sizeof(with_nul) - 1, &note, &err), ALOT_ERR_INVALID);
	/* the last blank line separates: blank lines in the text are fine */
	assert_int_equal(alot_note_parse(blank_lines, sizeof(blank_lines) - 1, &note, &err), ALOT_OK);
	assert_string_equal(note.text, "a\n\nb\n");
	assert_int_equal(note.text_len, 5);
	assert_int_equal(note.sigs[0].key_id, 0);
	alot_note_free(&note);
	alot_note_free(&note);
}

static void
signature_and_size_limits(void **state)
{
	static const char tail[] = "\n\n" EM " a AAAAAAA=\n";
	char *msg = malloc(ALOT_NOTE_MAX + 64);
	size_t len, i;
	alot_note note;
	alot_error err;

	(void)state;
	assert_non_null(msg);
	len = (size_t)sprintf(msg, "text\n\n");
	for (i = 0; i < ALOT_NOTE_MAX_SIGS; i++)
		len += (size_t)sprintf(msg + len, EM " k%zu AAAAAAA=\n", i);
	assert_int_equal(alot_note_parse(msg, len, &note, &err), ALOT_OK);
	assert_int_equal(note.sig_count, ALOT_NOTE_MAX_SIGS);
	assert_string_equal(note.sigs[31].name, "k31");
	alot_note_free(&note);
	len += (size_t)sprintf(msg + len, EM " k32 AAAAAAA=\n");
	assert_int_equal(alot_note_parse(msg, len, &note, &err), ALOT_ERR_INVALID);
	assert_string_equal(err.message, "the note has more than 32 signatures");
	/* a note of ALOT_NOTE_MAX bytes parses, one more byte does not */
	memset(msg, 'x', ALOT_NOTE_MAX);
	strcpy(msg + ALOT_NOTE_MAX - (sizeof(tail) - 1), tail);
	assert_int_equal(strlen(msg), ALOT_NOTE_MAX);
	assert_int_equal(alot_note_parse(msg, ALOT_NOTE_MAX, &note, &err), ALOT_OK);
	alot_note_free(&note);
	memset(msg, 'x', ALOT_NOTE_MAX + 1);
	strcpy(msg + ALOT_NOTE_MAX + 1 - (sizeof(tail) - 1), tail);
	assert_int_equal(alot_note_parse(msg, ALOT_NOTE_MAX + 1, &note, &err), ALOT_ERR_INVALID);
	/* a name of 255 bytes is fine, 256 are not */
	len = (size_t)sprintf(msg, "text\n\n" EM " ");
	memset(msg + len, 'n', 255);
	strcpy(msg + len + 255, " AAAAAAA=\n");
	assert_int_equal(alot_note_parse(msg, strlen(msg), &note, &err), ALOT_OK);
	assert_int_equal(strlen(note.sigs[0].name), 255);
	alot_note_free(&note);
	memset(msg + len, 'n', 256);
	strcpy(msg + len + 256, " AAAAAAA=\n");
	assert_int_equal(alot_note_parse(msg, strlen(msg), &note, &err), ALOT_ERR_INVALID);
	free(msg);
}

/* ---- signing ---------------------------------------------------------------- */

static alot_signing_key *
new_key(const char *name, alot_public_key *pub)
{
	char secret[128], public[128];
	alot_signing_key *key = NULL;
	alot_error err;

	snprintf(secret, sizeof(secret), "%s/%s.key", dir, name);
	snprintf(public, sizeof(public), "%s/%s.pub", dir, name);
	assert_int_equal(alot_keygen_write(secret, public, &err), ALOT_OK);
	assert_int_equal(alot_signing_key_load(secret, &key, &err), ALOT_OK);
	alot_signing_key_public(key, pub);
	return key;
}

static alot_note_verifier
verifier_of(const char *name, unsigned char alg, const alot_public_key *pub)
{
	alot_note_verifier v;
	char *vkey = NULL;
	alot_error err;

	assert_int_equal(alot_note_verifier_format(name, alg, pub, &vkey, &err), ALOT_OK);
	assert_int_equal(alot_note_verifier_parse(vkey, strlen(vkey), &v, &err), ALOT_OK);
	free(vkey);
	return v;
}

static char *
note_of(const char *text, const char *line)
{
	size_t cap = strlen(text) + strlen(line) + 2;
	char *s = malloc(cap);

	assert_non_null(s);
	snprintf(s, cap, "%s\n%s", text, line);
	return s;
}

static void
ed25519_signing_round_trip(void **state)
{
	static const char text[] = "alot.test/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	alot_public_key pub;
	alot_signing_key *key = new_key("signer", &pub);
	alot_note_verifier v = verifier_of("alot.test/log", ALOT_NOTE_ALG_ED25519, &pub), vc;
	char *line = NULL, *msg;
	alot_error err;
	alot_note note;
	uint64_t ts = 5;
	int verified = 0;

	(void)state;
	assert_int_equal(alot_note_sign_line(key, "alot.test/log", text, strlen(text), &line, &err), ALOT_OK);
	assert_true(strncmp(line, EM " alot.test/log ", 18) == 0);
	assert_int_equal(strlen(line), 18 + 92 + 1);
	assert_int_equal(line[strlen(line) - 1], '\n');
	msg = note_of(text, line);
	assert_int_equal(alot_note_parse(msg, strlen(msg), &note, &err), ALOT_OK);
	assert_int_equal(note.sigs[0].key_id, alot_note_key_id("alot.test/log", ALOT_NOTE_ALG_ED25519, pub.raw));
	assert_int_equal(note.sigs[0].key_id, v.key_id);
	assert_int_equal(alot_note_verify(&note, &v, 1, &verified, &ts, &err), ALOT_OK);
	assert_int_equal(verified, 1);
	assert_int_equal(ts, 0);
	/* the same key as a cosigner has another key id: the line is not its */
	vc = verifier_of("alot.test/log", ALOT_NOTE_ALG_COSIG_V1, &pub);
	assert_int_not_equal(vc.key_id, v.key_id);
	assert_int_equal(alot_note_verify(&note, &vc, 1, &verified, &ts, &err), ALOT_OK);
	assert_int_equal(verified, 0);
	alot_note_free(&note);
	free(msg);
	free(line);

	/* names and texts that cannot be signed */
	assert_int_equal(alot_note_sign_line(key, "", text, strlen(text), &line, &err), ALOT_ERR_INVALID);
	assert_null(line);
	assert_int_equal(alot_note_sign_line(key, "a b", text, strlen(text), &line, &err), ALOT_ERR_INVALID);
	assert_int_equal(alot_note_sign_line(key, "a+b", text, strlen(text), &line, &err), ALOT_ERR_INVALID);
	assert_int_equal(alot_note_sign_line(key, "a", text, strlen(text) - 1, &line, &err), ALOT_ERR_INVALID);
	assert_int_equal(alot_note_sign_line(key, "a", "x\ty\n", 4, &line, &err), ALOT_ERR_INVALID);
	assert_int_equal(alot_note_sign_line(key, "a", "", 0, &line, &err), ALOT_ERR_INVALID);
	assert_null(line);
	alot_signing_key_free(key);
}

static uint64_t
get_be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void
cosignature_round_trip_and_timestamps(void **state)
{
	static const char text[] = "alot.test/log\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	alot_public_key pub;
	alot_signing_key *key = new_key("witness", &pub);
	alot_note_verifier v = verifier_of("w.test", ALOT_NOTE_ALG_COSIG_V1, &pub);
	char *line = NULL, *msg, signed_msg[256];
	unsigned char raw[4 + 8 + 64];
	size_t n;
	alot_error err;
	alot_note note;
	uint64_t ts = 0;
	int verified = 0;

	(void)state;
	assert_int_equal(alot_note_cosign_line(key, "w.test", text, strlen(text), 1679315147, &line, &err),
	                 ALOT_OK);
	assert_true(strncmp(line, EM " w.test ", 11) == 0);
	assert_int_equal(alot_base64_decode(line + 11, strlen(line) - 12, raw, sizeof(raw), &n, &err), ALOT_OK);
	assert_int_equal(n, 76);
	assert_int_equal(get_be64(raw + 4), 1679315147);
	/* the signed message is exactly "cosignature/v1\ntime T\n" and the text */
	snprintf(signed_msg, sizeof(signed_msg), "cosignature/v1\ntime 1679315147\n%s", text);
	assert_int_equal(alot_verify_signature(&pub, (const unsigned char *)signed_msg, strlen(signed_msg),
	                                       raw + 12, &err), ALOT_OK);
	msg = note_of(text, line);
	assert_int_equal(alot_note_parse(msg, strlen(msg), &note, &err), ALOT_OK);
	assert_int_equal(note.sigs[0].key_id, v.key_id);
	assert_int_equal(note.sigs[0].sig_len, 72);
	assert_int_equal(alot_note_verify(&note, &v, 1, &verified, &ts, &err), ALOT_OK);
	assert_int_equal(verified, 1);
	assert_int_equal(ts, 1679315147);
	/* another timestamp in the same line breaks the signature */
	note.sigs[0].sig[7] ^= 1;
	assert_int_equal(alot_note_verify(&note, &v, 1, &verified, &ts, &err), ALOT_ERR_VERIFY);
	/* a timestamp above 2^63-1 is refused even before the signature */
	note.sigs[0].sig[7] ^= 1;
	note.sigs[0].sig[0] |= 0x80;
	assert_int_equal(alot_note_verify(&note, &v, 1, &verified, &ts, &err), ALOT_ERR_VERIFY);
	alot_note_free(&note);
	free(msg);
	free(line);
	line = NULL;

	/* the timestamp bounds when signing: 1 .. 2^63-1 */
	assert_int_equal(alot_note_cosign_line(key, "w.test", text, strlen(text), 0, &line, &err),
	                 ALOT_ERR_INVALID);
	assert_null(line);
	assert_int_equal(alot_note_cosign_line(key, "w.test", text, strlen(text), UINT64_C(1) << 63, &line,
	                                       &err), ALOT_ERR_INVALID);
	assert_int_equal(alot_note_cosign_line(key, "w.test", text, strlen(text), (UINT64_C(1) << 63) - 1,
	                                       &line, &err), ALOT_OK);
	msg = note_of(text, line);
	assert_int_equal(alot_note_parse(msg, strlen(msg), &note, &err), ALOT_OK);
	assert_int_equal(alot_note_verify(&note, &v, 1, &verified, &ts, &err), ALOT_OK);
	assert_int_equal(ts, (UINT64_C(1) << 63) - 1);
	alot_note_free(&note);
	free(msg);
	free(line);
	assert_int_equal(alot_note_cosign_line(key, "w+x", text, strlen(text), 1, &line, &err),
	                 ALOT_ERR_INVALID);
	alot_signing_key_free(key);
}

/* ---- vkeys -------------------------------------------------------------------- */

static void
vkeys_round_trip_and_reject_malformed_ones(void **state)
{
	static const char *bad[] = {
		"",
		"sum.golang.org",
		"sum.golang.org+033de0ae",
		"sum.golang.org+033de0ae+",
		"sum.golang.org+033de0af+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",   /* wrong key id */
		"sum.golang.org+033DE0AE+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",   /* uppercase hex */
		"sum.golang.org+033de0a+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",    /* 7 hex digits */
		"sum.golang.org+033de0ae+As4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",   /* alg 0x02 */
		"sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuA==",   /* 31-byte key */
		"sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8A", /* bad length */
		"sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8 ",  /* trailing space */
		"sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8\n\n",
		"sum golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",   /* space in name */
		"+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",                 /* empty name */
		"sum.golang.org+033de0ae++Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
	};
	size_t len, i;
	char *file = read_data("sumdb/sum.golang.org.vkey", &len), *text = NULL;
	alot_note_verifier v;
	alot_public_key pub;
	alot_error err;

	(void)state;
	assert_int_equal(alot_note_verifier_parse(file, len, &v, &err), ALOT_OK);
	assert_int_equal(v.key_id, 0x033de0ae);
	memcpy(pub.raw, v.key, sizeof(pub.raw));
	assert_int_equal(alot_note_verifier_format(v.name, v.alg, &pub, &text, &err), ALOT_OK);
	assert_int_equal(strlen(text) + 1, len);
	assert_memory_equal(text, file, len - 1);
	assert_int_equal(alot_note_verifier_parse(text, strlen(text), &v, &err), ALOT_OK);
	free(text);
	/* a cosignature/v1 vkey of the same key */
	assert_int_equal(alot_note_verifier_format("w.example", ALOT_NOTE_ALG_COSIG_V1, &pub, &text, &err),
	                 ALOT_OK);
	assert_int_equal(alot_note_verifier_parse(text, strlen(text), &v, &err), ALOT_OK);
	assert_int_equal(v.alg, ALOT_NOTE_ALG_COSIG_V1);
	assert_int_equal(v.key_id, alot_note_key_id("w.example", ALOT_NOTE_ALG_COSIG_V1, pub.raw));
	free(text);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (alot_note_verifier_parse(bad[i], strlen(bad[i]), &v, &err) != ALOT_ERR_INVALID)
			fail_msg("vkey %zu (%s) was accepted", i, bad[i]);
		assert_int_equal(v.key_id, 0);
	}
	assert_int_equal(alot_note_verifier_format("a+b", ALOT_NOTE_ALG_ED25519, &pub, &text, &err),
	                 ALOT_ERR_INVALID);
	assert_int_equal(alot_note_verifier_format("a b", ALOT_NOTE_ALG_ED25519, &pub, &text, &err),
	                 ALOT_ERR_INVALID);
	assert_int_equal(alot_note_verifier_format("", ALOT_NOTE_ALG_ED25519, &pub, &text, &err),
	                 ALOT_ERR_INVALID);
	assert_int_equal(alot_note_verifier_format("a", 0x02, &pub, &text, &err), ALOT_ERR_INVALID);
	assert_null(text);
	free(file);
}

static void
key_id_follows_the_spec(void **state)
{
	alot_note_verifier v = load_vkey("note-peterneumann.vkey");
	unsigned char buf[64], digest[ALOT_HASH_LEN];
	size_t n = strlen("PeterNeumann");

	(void)state;
	memcpy(buf, "PeterNeumann\n\x01", n + 2);
	memcpy(buf + n + 2, v.key, ALOT_PUBKEY_LEN);
	alot_sha256(buf, n + 2 + ALOT_PUBKEY_LEN, digest);
	assert_int_equal(alot_note_key_id("PeterNeumann", 0x01, v.key),
	                 (uint32_t)digest[0] << 24 | (uint32_t)digest[1] << 16 |
	                 (uint32_t)digest[2] << 8 | digest[3]);
	assert_int_equal(alot_note_key_id("PeterNeumann", 0x01, v.key), 0xc74f20a3);
	assert_int_not_equal(alot_note_key_id("PeterNeumann", 0x04, v.key), 0xc74f20a3);
}

/* ---- checkpoints -------------------------------------------------------------- */

static void
checkpoints_parse_strictly_and_format(void **state)
{
	static const char *bad[] = {
		"", "origin\n", "origin\n5\n", "\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"origin\n05\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"origin\n+5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"origin\n 5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"origin\n\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"origin\n18446744073709551616\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"origin\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n",   /* 31 bytes */
		"origin\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\n",   /* not canonical */
		"origin\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",     /* no newline */
		"origin\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n",  /* empty extension */
		"origin\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next\n\n",
		"ori\tgin\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
	};
	static const char good[] = "go.sum database tree\n18446744073709551615\n"
	                           "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	static const char ext[] = "o\n0\nAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\nx y\nz\n";
	alot_checkpoint cp;
	alot_error err;
	char *text = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (alot_checkpoint_parse(bad[i], strlen(bad[i]), &cp, &err) != ALOT_ERR_INVALID)
			fail_msg("checkpoint %zu was accepted", i);
	assert_int_equal(alot_checkpoint_parse(good, strlen(good), &cp, &err), ALOT_OK);
	assert_string_equal(cp.origin, "go.sum database tree");
	assert_int_equal(cp.size, UINT64_MAX);
	assert_int_equal(alot_checkpoint_format(&cp, &text, &err), ALOT_OK);
	assert_string_equal(text, good);
	free(text);
	assert_int_equal(alot_checkpoint_parse(ext, strlen(ext), &cp, &err), ALOT_OK);
	assert_int_equal(cp.size, 0);
	assert_int_equal(cp.extension_lines, 2);
	assert_int_equal(cp.root[0], 1);
	assert_int_equal(cp.root[31], 32);
	assert_int_equal(alot_checkpoint_format(&cp, &text, &err), ALOT_OK);
	assert_string_equal(text, "o\n0\nAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=\n");
	free(text);
	cp.origin[0] = '\0';
	assert_int_equal(alot_checkpoint_format(&cp, &text, &err), ALOT_ERR_INVALID);
	strcpy(cp.origin, "a\nb");
	assert_int_equal(alot_checkpoint_format(&cp, &text, &err), ALOT_ERR_INVALID);
	assert_null(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(base64_round_trips_and_rfc4648_vectors),
		cmocka_unit_test(base64_rejects_all_but_the_canonical_encoding),
		cmocka_unit_test(peterneumann_note_verifies_and_every_flipped_byte_fails),
		cmocka_unit_test(signed_note_spec_example_verifies),
		cmocka_unit_test(cosignature_spec_example_parses),
		cmocka_unit_test(sumdb_checkpoints_verify_and_parse),
		cmocka_unit_test(sumdb_checkpoints_fail_with_any_flipped_byte),
		cmocka_unit_test(unknown_signatures_are_ignored_and_bad_known_ones_reject),
		cmocka_unit_test(oversized_signatures_are_kept_as_unknown),
		cmocka_unit_test(malformed_notes_are_rejected),
		cmocka_unit_test(signature_and_size_limits),
		cmocka_unit_test(ed25519_signing_round_trip),
		cmocka_unit_test(cosignature_round_trip_and_timestamps),
		cmocka_unit_test(vkeys_round_trip_and_reject_malformed_ones),
		cmocka_unit_test(key_id_follows_the_spec),
		cmocka_unit_test(checkpoints_parse_strictly_and_format),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
