//! Writing ISO BMFF boxes: a size placeholder, the body, then the size patched in.

/// A byte buffer that boxes are written into.
#[derive(Default)]
pub struct Writer {
    pub buf: Vec<u8>,
    open: Vec<usize>,
}

impl Writer {
    pub fn new() -> Writer {
        Writer::default()
    }

    /// Starts a box; every `begin` needs its `end`.
    pub fn begin(&mut self, kind: &[u8; 4]) {
        self.open.push(self.buf.len());
        self.u32(0);
        self.buf.extend_from_slice(kind);
    }

    /// Starts a full box (version and flags after the type).
    pub fn begin_full(&mut self, kind: &[u8; 4], version: u8, flags: u32) {
        self.begin(kind);
        self.u32((version as u32) << 24 | (flags & 0x00ff_ffff));
    }

    pub fn end(&mut self) {
        let start = self.open.pop().expect("end without begin");
        let size = (self.buf.len() - start) as u32;
        self.buf[start..start + 4].copy_from_slice(&size.to_be_bytes());
    }

    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    pub fn bytes(&mut self, v: &[u8]) {
        self.buf.extend_from_slice(v);
    }

    pub fn zeros(&mut self, n: usize) {
        self.buf.resize(self.buf.len() + n, 0);
    }

    pub fn finish(self) -> Vec<u8> {
        assert!(self.open.is_empty(), "unclosed box");
        self.buf
    }
}

/// One box header read back: its type and where its body lies in the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoxRef {
    pub kind: [u8; 4],
    pub start: usize,
    pub body: usize,
    pub end: usize,
}

/// The boxes laid end to end in `data[from..]`; stops at the first one that is truncated
/// (its header or its declared size runs past the end) and returns where that one begins.
pub fn top_level(data: &[u8], from: usize) -> (Vec<BoxRef>, usize) {
    let mut boxes = Vec::new();
    let mut at = from;
    while let Some(b) = read_box(data, at) {
        boxes.push(b);
        at = b.end;
    }
    (boxes, at)
}

/// The box at `at`, if it is whole.
pub fn read_box(data: &[u8], at: usize) -> Option<BoxRef> {
    let header = data.get(at..at + 8)?;
    let size32 = u32::from_be_bytes(header[..4].try_into().ok()?) as u64;
    let kind: [u8; 4] = header[4..8].try_into().ok()?;
    let (size, body) = match size32 {
        1 => (u64::from_be_bytes(data.get(at + 8..at + 16)?.try_into().ok()?), at + 16),
        // "To the end of the file": never written here, and what a zero-filled tail after a
        // power loss looks like, so not a box.
        0 => return None,
        s => (s, at + 8),
    };
    let end = at.checked_add(usize::try_from(size).ok()?)?;
    (size >= (body - at) as u64 && end <= data.len()).then_some(BoxRef { kind, start: at, body, end })
}

/// The first child box of `parent` with this type.
pub fn child(data: &[u8], parent: BoxRef, kind: &[u8; 4]) -> Option<BoxRef> {
    children(data, parent.body, parent.end).into_iter().find(|b| &b.kind == kind)
}

/// The boxes between `from` and `to`.
pub fn children(data: &[u8], from: usize, to: usize) -> Vec<BoxRef> {
    let (boxes, _) = top_level(&data[..to], from);
    boxes
}

pub fn be_u32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

pub fn be_u64(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(data.get(at..at + 8)?.try_into().ok()?))
}
