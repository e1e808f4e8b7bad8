/*
 * copy.c - reading PostgreSQL's binary COPY format (COPY ... TO STDOUT
 * (FORMAT binary)) a row at a time, and decoding the field types the audit
 * reads: uuid, int4, bool, timestamp, numeric and text.  The format is the
 * one documented with the COPY command: an 11-byte signature, flags and a
 * header extension, then per row a 16-bit field count and per field a
 * 32-bit length (-1 for NULL) and the value in network byte order; -1 as
 * field count ends the data.  The server sends whole rows per message.
 */
#include <stdio.h>
#include <string.h>

#include "ledger.h"

static const unsigned char signature[11] = { 'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0 };

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t
be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint64_t
be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* The COPY ended or failed: collect its result. */
static int
finish(copy_reader *r, alot_error *err)
{
	PGresult *res;
	int rc = 0;

	while ((res = PQgetResult(r->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);
		const char *why = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

		if (st != PGRES_COMMAND_OK && rc == 0) {
			if (PQstatus(r->conn) == CONNECTION_BAD || connection_lost(res))
				lost_connection(r->conn, err);
			else
				alot_error_set(err, ALOT_ERR_DB, "the COPY failed: %s", why ? why : "no message from the server");
			rc = -1;
		}
		PQclear(res);
		/* Still in COPY (libpq could not take a row): more results would never end. */
		if (st == PGRES_COPY_OUT)
			break;
	}
	if (rc == 0 && PQstatus(r->conn) == CONNECTION_BAD) {
		lost_connection(r->conn, err);
		rc = -1;
	}
	r->conn = NULL;
	return rc;
}

alot_code
copy_begin(copy_reader *r, PGconn *conn, const char *sql, const char *name, int ncols, alot_error *err)
{
	PGresult *res;
	alot_code rc = ALOT_OK;

	memset(r, 0, sizeof(*r));
	r->table = name;
	r->ncols = ncols;
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_OUT) {
		if (PQstatus(conn) == CONNECTION_BAD || connection_lost(res))
			rc = lost_connection(conn, err);
		else
			rc = alot_error_set(err, ALOT_ERR_DB, "could not start the COPY: %s",
			                    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
			                                                                     : PQerrorMessage(conn));
	} else {
		r->conn = conn;
	}
	PQclear(res);
	return rc;
}

static void abandon(copy_reader *r);

static int
malformed(copy_reader *r, const char *what, alot_error *err)
{
	alot_error_set(err, ALOT_ERR_DB, "the binary COPY is malformed: %s", what);
	copy_end(r);
	return -1;
}

/* The next message into pos/end: 1 got one, 0 the COPY is over, -1 failed. */
static int
next_message(copy_reader *r, alot_error *err)
{
	int n;

	if (r->msg != NULL)
		PQfreemem(r->msg);
	r->msg = NULL;
	n = PQgetCopyData(r->conn, &r->msg, 0);
	if (n == -1)
		return finish(r, err);
	if (n < 0) {  /* -2: libpq failed (out of memory, or the connection broke) */
		if (PQstatus(r->conn) == CONNECTION_BAD) {
			lost_connection(r->conn, err);
		} else {
			alot_error_set(err, ALOT_ERR_DB, "the COPY failed: %s", PQerrorMessage(r->conn));
			if (err != NULL)
				err->message[strcspn(err->message, "\n")] = '\0';
		}
		abandon(r);
		return -1;
	}
	r->pos = (const unsigned char *)r->msg;
	r->end = r->pos + n;
	return 1;
}

static int
read_header(copy_reader *r, alot_error *err)
{
	uint32_t ext;

	if (r->end - r->pos < 19 || memcmp(r->pos, signature, sizeof(signature)) != 0)
		return malformed(r, "no binary COPY signature", err);
	ext = be32(r->pos + 15);
	if ((size_t)(r->end - r->pos) < 19 + (size_t)ext)
		return malformed(r, "truncated header", err);
	r->pos += 19 + ext;
	r->header_done = 1;
	return 1;
}

int
copy_next(copy_reader *r, alot_error *err)
{
	int i, n;

	for (;;) {
		if (r->conn == NULL)
			return 0;
		if (r->pos == r->end) {
			if ((n = next_message(r, err)) <= 0)
				return n;
			continue;
		}
		if (!r->header_done) {
			if (read_header(r, err) < 0)
				return -1;
			continue;
		}
		if (r->end - r->pos < 2)
			return malformed(r, "truncated row", err);
		n = (int16_t)be16(r->pos);
		r->pos += 2;
		if (n == -1) {
			r->pos = r->end;  /* the trailer; the COPY's end follows */
			continue;
		}
		if (n != r->ncols)
			return malformed(r, "unexpected number of columns", err);
		for (i = 0; i < n; i++) {
			int32_t len;

			if (r->end - r->pos < 4)
				return malformed(r, "truncated row", err);
			len = (int32_t)be32(r->pos);
			r->pos += 4;
			if (len < -1 || (len > 0 && r->end - r->pos < len))
				return malformed(r, "truncated field", err);
			r->f[i].len = len;
			r->f[i].data = r->pos;
			if (len > 0)
				r->pos += len;
		}
		r->rows++;
		return 1;
	}
}

/*
 * Leave an unfinished COPY: ask the server to cancel it (so that what is
 * left of a large table is not sent), then read what is already on its way,
 * so the connection can run the next query.
 */
static void
abandon(copy_reader *r)
{
	PGcancel *cancel = PQgetCancel(r->conn);
	char errbuf[256], *buf;
	int n;

	if (cancel != NULL) {
		(void)PQcancel(cancel, errbuf, sizeof(errbuf));
		PQfreeCancel(cancel);
	}
	while ((n = PQgetCopyData(r->conn, &buf, 0)) > 0)
		PQfreemem(buf);
	finish(r, NULL);
}

void
copy_end(copy_reader *r)
{
	if (r->conn != NULL)
		abandon(r);
	if (r->msg != NULL)
		PQfreemem(r->msg);
	r->msg = NULL;
	r->pos = r->end = NULL;
}

int
field_uuid(const copy_field *f, unsigned char out[16])
{
	if (f->len != 16)
		return -1;
	memcpy(out, f->data, 16);
	return 0;
}

int
field_int4(const copy_field *f, int32_t *out)
{
	if (f->len != 4)
		return -1;
	*out = (int32_t)be32(f->data);
	return 0;
}

int
field_bool(const copy_field *f, int *out)
{
	if (f->len != 1)
		return -1;
	*out = f->data[0] != 0;
	return 0;
}

int
field_timestamp(const copy_field *f, int64_t *out)
{
	if (f->len != 8)
		return -1;
	*out = (int64_t)be64(f->data);
	return 0;
}

/*
 * NUMERIC's binary form: ndigits, weight, sign, dscale (16 bits each),
 * then ndigits base-10000 digits; the value is the sum of digit[i] *
 * 10000^(weight - i).  In ten-thousandths, digit i counts
 * 10000^(weight - i + 1): digits past the first fractional one would be
 * finer than that and are refused, as is any overflow.
 */
int
field_numeric(const copy_field *f, int64_t *out)
{
	int ndigits, weight, i;
	uint16_t sign;
	int64_t v = 0;

	if (f->len < 8)
		return -1;
	ndigits = (int16_t)be16(f->data);
	weight = (int16_t)be16(f->data + 2);
	sign = be16(f->data + 4);
	if (ndigits < 0 || f->len != 8 + 2 * ndigits || (sign != 0x0000 && sign != 0x4000))
		return -1;
	for (i = 0; i < ndigits; i++) {
		int64_t d = be16(f->data + 8 + 2 * i), term = d;
		int e = weight - i + 1, k;

		if (d == 0)
			continue;
		if (d > 9999 || e < 0)
			return -1;
		for (k = 0; k < e; k++)
			if (__builtin_mul_overflow(term, 10000, &term))
				return -1;
		if (__builtin_add_overflow(v, term, &v))
			return -1;
	}
	*out = sign == 0x4000 ? -v : v;
	return 0;
}
