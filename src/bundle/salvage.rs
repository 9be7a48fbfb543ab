//! Damaged zips: when the central directory cannot be read (a truncated copy, a disk
//! that filled up while the bundle was written), the members are found by walking the
//! local file headers from the start of the file, as far as the damage. The member the
//! damage cuts through is kept: its reader fails where its bytes end, after everything
//! before that point has been read.

use super::shared_file::SharedFile;

/// Most members a scan lists (bounds memory on hostile input).
const MAX_MEMBERS: usize = 1_000_000;

/// Length of the fixed part of a local file header.
pub(super) const LOCAL_HEADER_LEN: u64 = 30;

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
const DESCRIPTOR: u32 = 0x0807_4b50;

/// A member found by its local header.
#[derive(Debug, Clone)]
pub(super) struct LocalEntry {
    /// Offset of the local header in the file.
    pub offset: u64,
    /// Name as stored.
    pub name: Vec<u8>,
    /// Uncompressed size: from the local header, or for a member with a data
    /// descriptor the larger of the local header's and the descriptor's.
    pub size: u64,
    /// Whether `size` was declared (by the local header, or by the data descriptor):
    /// a data-descriptor member whose header says 0 and whose descriptor cannot be read
    /// has no declared size.
    pub sized: bool,
    /// Compressed size.
    pub compressed: u64,
    /// Encrypted (general purpose flag bit 0).
    pub encrypted: bool,
    /// Sizes are repeated in a data descriptor after the data (flag bit 3).
    pub descriptor: bool,
}

/// The members found, and why the walk stopped.
pub(super) struct Scan {
    pub entries: Vec<LocalEntry>,
    pub stop: String,
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([b[i], b[i + 1]])
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[i..i + 8]);
    u64::from_le_bytes(x)
}

/// The fixed part of the local file header at `at`, if one is there (its signature
/// read in full).
pub(super) fn local_header(file: &SharedFile, at: u64) -> Option<[u8; 30]> {
    let mut head = [0u8; LOCAL_HEADER_LEN as usize];
    let n = file.read_at(&mut head, at).ok()?;
    (n == head.len() && u32_at(&head, 0) == LOCAL).then_some(head)
}

/// Bytes of a local header's name and extra field (they follow its fixed part).
pub(super) fn names_len(head: &[u8; 30]) -> u64 {
    u16_at(head, 26) as u64 + u16_at(head, 28) as u64
}

/// The zip64 sizes (uncompressed, compressed) of a local header's extra field, for the
/// values the header marks as 0xFFFFFFFF.
fn zip64_sizes(extra: &[u8], size: &mut u64, compressed: &mut u64) {
    let mut i = 0;
    while i + 4 <= extra.len() {
        let (id, len) = (u16_at(extra, i), u16_at(extra, i + 2) as usize);
        let body = &extra[i + 4..(i + 4 + len).min(extra.len())];
        if id == 1 {
            let mut j = 0;
            if *size == u32::MAX as u64 && j + 8 <= body.len() {
                *size = u64_at(body, j);
                j += 8;
            }
            if *compressed == u32::MAX as u64 && j + 8 <= body.len() {
                *compressed = u64_at(body, j);
            }
            return;
        }
        i += 4 + len;
    }
}

/// The data descriptor at `p` (after a member's data): its length, and the uncompressed
/// size it declares if it can be read.
fn data_descriptor(file: &SharedFile, p: u64, zip64: bool) -> (u64, Option<u64>) {
    let mut d = [0u8; 24];
    let n = file.read_at(&mut d, p).unwrap_or(0);
    let signed = n >= 4 && u32_at(&d, 0) == DESCRIPTOR;
    let at = if signed { 4 } else { 0 };
    let len = at as u64 + if zip64 { 20 } else { 12 };
    let size = match zip64 {
        true if n >= at + 20 => Some(u64_at(&d, at + 12)),
        false if n >= at + 12 => Some(u32_at(&d, at + 8) as u64),
        _ => None,
    };
    (len, size)
}

/// Walks the local headers of `file` from offset 0.
pub(super) fn scan(file: &SharedFile) -> Scan {
    let len = file.size();
    let mut entries = Vec::new();
    let mut p = 0u64;
    let mut head = [0u8; 30];
    let stop = loop {
        if entries.len() >= MAX_MEMBERS {
            break format!("stopped after {MAX_MEMBERS} members");
        }
        let n = match file.read_at(&mut head, p) {
            Ok(n) => n,
            Err(e) => break format!("read error at offset {p}: {e}"),
        };
        if n < 4 {
            break format!("the file ends at offset {p}, before any central directory");
        }
        match u32_at(&head, 0) {
            LOCAL if n == 30 => {}
            LOCAL => break format!("a member header at offset {p} is cut off"),
            CENTRAL | END => break format!("the central directory starts at offset {p} but cannot be read"),
            _ => break format!("no member header at offset {p}: the rest of the file is not readable as zip members"),
        }
        let flags = u16_at(&head, 6);
        let mut compressed = u32_at(&head, 18) as u64;
        let mut size = u32_at(&head, 22) as u64;
        let (nlen, xlen) = (u16_at(&head, 26) as usize, u16_at(&head, 28) as usize);
        let mut names = vec![0u8; nlen + xlen];
        match file.read_at(&mut names, p + 30) {
            Ok(k) if k == names.len() => {}
            _ => break format!("the name of the member at offset {p} is cut off"),
        }
        let extra = names.split_off(nlen);
        zip64_sizes(&extra, &mut size, &mut compressed);
        let descriptor = flags & 0x08 != 0;
        let shown = String::from_utf8_lossy(&names).into_owned();
        if descriptor && compressed == 0 {
            break format!(
                "member '{}' at offset {p} gives its sizes only after its data: the members after it cannot be located",
                crate::text::display_name(&shown)
            );
        }
        let data = p + 30 + (nlen + xlen) as u64;
        entries.push(LocalEntry {
            offset: p,
            name: names,
            size,
            sized: !descriptor || size > 0,
            compressed,
            encrypted: flags & 0x01 != 0,
            descriptor,
        });
        let Some(end) = data.checked_add(compressed).filter(|&e| e <= len) else {
            break format!(
                "member '{}' at offset {p} is cut off by the damage (read up to where its bytes end)",
                crate::text::display_name(&shown)
            );
        };
        p = end;
        if descriptor {
            let zip64 = size > u32::MAX as u64 || compressed > u32::MAX as u64;
            let (len, declared) = data_descriptor(file, p, zip64);
            if let (Some(d), Some(e)) = (declared, entries.last_mut()) {
                e.size = e.size.max(d);
                e.sized = true;
            }
            p += len;
        }
    };
    Scan { entries, stop }
}
