/*
 * model_pg.c - decoding libpq results into the schema model, by column name.
 */
#include "alot/db.h"
#include "alot/model.h"

alot_code
alot_row_from_pg(const alot_model *model, void *row, const PGresult *res, int row_no,
                 alot_error *err)
{
	size_t i;
	alot_code rc = ALOT_OK;

	alot_row_clear(model, row);
	if (row_no < 0 || row_no >= PQntuples(res))
		return alot_error_set(err, ALOT_ERR_INVALID, "row %d is not in the result", row_no);
	for (i = 0; i < model->column_count && rc == ALOT_OK; i++) {
		int col = PQfnumber(res, model->columns[i].name);

		if (col < 0) {
			rc = alot_error_set(err, ALOT_ERR_DB, "%s: the result has no column \"%s\"",
			                    model->name, model->columns[i].name);
			break;
		}
		rc = alot_row_set_text(model, row, i,
		                       PQgetisnull(res, row_no, col) ? NULL : PQgetvalue(res, row_no, col), err);
	}
	if (rc != ALOT_OK)
		alot_row_clear(model, row);
	return rc;
}
