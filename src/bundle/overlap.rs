//! Overlapping entries: a zip whose central directory lists thousands of members over
//! the same compressed bytes (an overlapping-entry zip bomb) passes every per-member
//! limit while inflating those bytes once per entry. A member spans its local header to
//! the end of its data; of members whose spans overlap, only the first (lowest offset,
//! then first listed) is read, the others are refused. A well-formed zip never has
//! overlapping members, so this costs nothing on real bundles.

use super::salvage::{local_header, names_len, LOCAL_HEADER_LEN};
use super::shared_file::SharedFile;
use std::ops::Range;

/// The bytes a member occupies: from its local header at `header_start` to the end of
/// its `compressed` data (the data starts after the local header's name and extra
/// field, read from the file). A header that cannot be read spans its fixed part.
pub(super) fn span(file: &SharedFile, header_start: u64, compressed: u64) -> Range<u64> {
    let fixed_end = header_start.saturating_add(LOCAL_HEADER_LEN);
    match local_header(file, header_start) {
        Some(head) => {
            header_start
                ..fixed_end
                    .saturating_add(names_len(&head))
                    .saturating_add(compressed)
        }
        None => header_start..fixed_end,
    }
}

/// For each member (by index; `None`: no span known), the index of the earlier member
/// whose bytes it overlaps, if any.
pub(super) fn overlapping(spans: &[Option<Range<u64>>]) -> Vec<Option<usize>> {
    let mut order: Vec<usize> = (0..spans.len()).filter(|&i| spans[i].is_some()).collect();
    let key = |i: usize| spans[i].as_ref().map(|r| (r.start, r.end, i));
    order.sort_unstable_by_key(|&i| key(i));
    let mut out = vec![None; spans.len()];
    // Kept spans are disjoint and sorted, so only the last kept one can overlap the next.
    let mut kept: Option<(usize, u64)> = None;
    for i in order {
        let Some(r) = &spans[i] else { continue };
        match kept {
            Some((k, end)) if r.start < end => out[i] = Some(k),
            _ => kept = Some((i, r.end)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_of_overlapping_spans() {
        let spans = vec![
            Some(100..200),
            Some(0..100),
            Some(0..100),
            Some(150..160),
            None,
            Some(200..300),
            Some(250..260),
        ];
        assert_eq!(
            overlapping(&spans),
            [None, None, Some(1), Some(0), None, None, Some(5)]
        );
    }
}
