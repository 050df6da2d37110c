//! Business rules that do not belong to any one part of the server: pure functions and
//! types, the current moment passed in, unit-tested on simulated time. `db/` persists what
//! these decide; handlers and workers call them.

pub mod calendar;
pub mod china_time;
pub mod complaint;
pub mod licence;
pub mod picture;
pub mod subscriber;
