//! The 4096-byte EVTX file header: the "ElfFile\0" signature, the first and last chunk numbers,
//! the next record identifier, header size 128, format version 3.1, block size 4096, the chunk
//! count, the file flags (0: closed cleanly, neither dirty nor full) and the CRC-32 of its first
//! 120 bytes. The rest of the block is zero.

use crate::simulate::evtx_writer::crc32::crc32;

/// Size of the file header block; the first chunk starts right after it.
pub(crate) const FILE_HEADER_SIZE: usize = 4096;

/// Encodes the file header for a file of `chunk_count` chunks whose next record would get
/// `next_record_id`.
pub(crate) fn file_header(chunk_count: u16, next_record_id: u64) -> Vec<u8> {
    let mut h = vec![0u8; FILE_HEADER_SIZE];
    h[0..8].copy_from_slice(b"ElfFile\0");
    // First chunk number.
    h[8..16].copy_from_slice(&0u64.to_le_bytes());
    // Last chunk number: the chunks are written in order, never wrapped.
    let last_chunk = u64::from(chunk_count.saturating_sub(1));
    h[16..24].copy_from_slice(&last_chunk.to_le_bytes());
    h[24..32].copy_from_slice(&next_record_id.to_le_bytes());
    // Header size.
    h[32..36].copy_from_slice(&128u32.to_le_bytes());
    // Minor, then major format version (3.1).
    h[36..38].copy_from_slice(&1u16.to_le_bytes());
    h[38..40].copy_from_slice(&3u16.to_le_bytes());
    // Header block size (offset of the first chunk).
    h[40..42].copy_from_slice(&(FILE_HEADER_SIZE as u16).to_le_bytes());
    h[42..44].copy_from_slice(&chunk_count.to_le_bytes());
    // Flags at 120 stay 0; the checksum covers bytes 0..120.
    let crc = crc32(&h[..120]);
    h[124..128].copy_from_slice(&crc.to_le_bytes());
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout() {
        let h = file_header(3, 42);
        assert_eq!(h.len(), 4096);
        assert_eq!(&h[..8], b"ElfFile\0");
        assert_eq!(u64::from_le_bytes(h[16..24].try_into().unwrap()), 2);
        assert_eq!(u64::from_le_bytes(h[24..32].try_into().unwrap()), 42);
        assert_eq!(u16::from_le_bytes([h[42], h[43]]), 3);
        assert_eq!(
            u32::from_le_bytes(h[124..128].try_into().unwrap()),
            crc32(&h[..120])
        );
        assert!(h[128..].iter().all(|&b| b == 0));
    }

    #[test]
    fn empty_file() {
        let h = file_header(0, 1);
        assert_eq!(u64::from_le_bytes(h[16..24].try_into().unwrap()), 0);
        assert_eq!(u16::from_le_bytes([h[42], h[43]]), 0);
    }
}
