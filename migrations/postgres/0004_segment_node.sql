-- Which media node's disk holds a recorded file (see migrations/sqlite/0038_segment_node.sql).
ALTER TABLE recording_segments ADD COLUMN node TEXT COLLATE "C";
CREATE INDEX recording_segments_node ON recording_segments (node, end_at, id);
