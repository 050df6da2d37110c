-- The text index now also holds single characters (one-character searches such as "湘" no
-- longer scan every venue). Emptied here; the server rebuilds it on start
-- (db::search_terms::backfill_search_terms).
DELETE FROM venue_search_terms;
