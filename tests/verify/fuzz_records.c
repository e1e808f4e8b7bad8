/*
 * fuzz_records.c - libFuzzer harness for everything alot-verify parses from
 * untrusted input: records (and their verification), ledger lines and
 * headers, inclusion proofs.  Built by verify/build.mk; "make check" runs it
 * briefly (tests/verify/test_fuzz.sh), "make fuzz-verify" for longer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "alot/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static alot_record rec;
	static alot_inclusion_proof proof;
	static alot_ledger_verifier lv;
	const char *text = (const char *)data;
	alot_ticket_range range;
	alot_ledger_header header;
	alot_report report;

	alot_report_init(&report);
	if (alot_record_parse(text, size, &rec, NULL) == ALOT_OK) {
		if (rec.type == ALOT_RECORD_DRAW) {
			(void)!alot_draw_record_verify(&rec.u.draw, NULL, &report);
			/* The same input as a ledger of this draw: header, then lines. */
			alot_ledger_verifier_init(&lv, &rec.u.draw);
			alot_ledger_verifier_line(&lv, text, size);
			alot_ledger_verifier_line(&lv, text, size);
			(void)!alot_ledger_verifier_finish(&lv, &report);
		} else {
			(void)!alot_commitment_record_verify(&rec.u.commitment, NULL, &report);
		}
	}
	(void)!alot_ledger_header_parse(text, size, &header, NULL);
	(void)!alot_ledger_line_parse(text, size, &range, NULL);
	(void)!alot_inclusion_proof_parse(text, size, &proof, NULL);
	return 0;
}
