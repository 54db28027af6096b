//! The limits of an answer's header block, beyond which it is the target's failure:
//! named by the policy that enforces them and by the messages that report them.

/// The largest header block read. Common servers refuse more than 8–64 KiB themselves.
pub const MAX_HEADER_BLOCK: usize = 64 << 10;

/// The most header lines read (hyper parses up to this many, httparse the same).
pub const MAX_HEADER_LINES: usize = 256;
