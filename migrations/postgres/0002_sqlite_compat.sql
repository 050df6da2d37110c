-- SQLite's functions that the portal's one SQL text uses and PostgreSQL lacks, with the
-- same meaning for the arguments the portal passes. PostgreSQL only (SQLite has them built
-- in); they are not part of the schema comparison.

-- json_each(TEXT): the elements of a JSON array as rows with a `value` column (text; a
-- caller comparing with integer ids casts: `CAST(value AS BIGINT)`). A NULL array is no rows.
-- PostgreSQL's own json_each(json) takes objects; this overload takes the text the portal
-- binds.
CREATE FUNCTION json_each(list TEXT) RETURNS TABLE (value TEXT)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT jsonb_array_elements_text(list::jsonb) $$;
