//! Groups a bundle's entries into tasks: an event log alone (the heavy parse), runs of
//! text logs of the same kind up to a fixed size together (fewer, larger part files).
//! Grouping depends only on the entries, so the output is the same on every machine.

use crate::bundle::Entry;
use crate::parse::classify::{Classified, Kind};

/// Text logs are grouped into tasks of about this many bytes.
pub const TASK_BYTES: u64 = 32 << 20;

/// The tasks: lists of entry indexes, in entry order. Entries that are not read
/// (other kinds, unreadable) are in no task.
pub fn tasks(entries: &[Entry], classes: &[Result<Classified, String>]) -> Vec<Vec<usize>> {
    let mut tasks: Vec<Vec<usize>> = Vec::new();
    let mut open: Vec<(Kind, Vec<usize>, u64)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let Ok(c) = &classes[i] else { continue };
        match c.kind {
            Kind::Evtx | Kind::AppConfig => tasks.push(vec![i]),
            Kind::Httperr | Kind::W3c => {
                let slot = match open.iter().position(|(k, _, _)| *k == c.kind) {
                    Some(p) => p,
                    None => {
                        open.push((c.kind, Vec::new(), 0));
                        open.len() - 1
                    }
                };
                let (_, list, bytes) = &mut open[slot];
                list.push(i);
                *bytes += e.size;
                if *bytes >= TASK_BYTES {
                    tasks.push(std::mem::take(list));
                    *bytes = 0;
                }
            }
            _ => {}
        }
    }
    for (_, list, _) in open {
        if !list.is_empty() {
            tasks.push(list);
        }
    }
    // Largest first, so the long tasks start early and the pool stays busy.
    tasks.sort_by_key(|t| std::cmp::Reverse(t.iter().map(|&i| entries[i].size).sum::<u64>()));
    tasks
}
