-- "Near me" reads only the venues in a box around the reader (db::catalog::nearest).
CREATE INDEX venues_location ON venues (latitude, longitude);
