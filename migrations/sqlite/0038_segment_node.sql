-- Which media node's disk holds a recorded file (docs/design/scale.md): NULL on a single
-- server. Each node recovers, sweeps and serves only its own files.
ALTER TABLE recording_segments ADD COLUMN node TEXT;
CREATE INDEX recording_segments_node ON recording_segments (node, end_at, id);
