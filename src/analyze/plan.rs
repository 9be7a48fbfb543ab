//! Groups a bundle's entries into tasks: an event log alone (the heavy parse), a large
//! text log alone, runs of small text logs of the same kind together up to a fixed size
//! (fewer part files for a bundle of many small logs). Grouping depends only on the
//! entries, so the output is the same on every machine.

use crate::bundle::Entry;
use crate::parse::classify::{Classified, Kind};

/// Text logs smaller than this are grouped until a group reaches this many bytes; larger
/// ones are tasks of their own. Small enough that the pool's threads finish together:
/// with 32 MiB groups, a 63 MB log joined to two small ones made a 70 MB task, and at
/// 0.27 GB one thread still worked 5 % after the other had finished.
pub const TASK_BYTES: u64 = 8 << 20;

/// The tasks: lists of entry indexes, in entry order. Entries that are not read
/// (other kinds, unreadable) are in no task.
pub fn tasks(entries: &[Entry], classes: &[Result<Classified, String>]) -> Vec<Vec<usize>> {
    let entries: Vec<(u64, Option<Kind>)> = entries
        .iter()
        .zip(classes)
        .map(|(e, c)| (e.size, c.as_ref().ok().map(|c| c.kind)))
        .collect();
    group(&entries)
}

/// [`tasks`] over (size, kind if classified) per entry.
fn group(entries: &[(u64, Option<Kind>)]) -> Vec<Vec<usize>> {
    let mut tasks: Vec<Vec<usize>> = Vec::new();
    let mut open: Vec<(Kind, Vec<usize>, u64)> = Vec::new();
    for (i, &(size, kind)) in entries.iter().enumerate() {
        let Some(kind) = kind else { continue };
        match kind {
            Kind::Evtx | Kind::AppConfig => tasks.push(vec![i]),
            // Read after the others: their local times are placed with the UTC
            // evidence the others give (`analyze::exports`).
            Kind::EventExport(_) => {}
            Kind::Httperr | Kind::W3c | Kind::IisNative | Kind::Ncsa | Kind::IisAdvanced
                if size >= TASK_BYTES =>
            {
                tasks.push(vec![i])
            }
            Kind::Httperr | Kind::W3c | Kind::IisNative | Kind::Ncsa | Kind::IisAdvanced => {
                let slot = match open.iter().position(|(k, _, _)| *k == kind) {
                    Some(p) => p,
                    None => {
                        open.push((kind, Vec::new(), 0));
                        open.len() - 1
                    }
                };
                let (_, list, bytes) = &mut open[slot];
                list.push(i);
                *bytes += size;
                if *bytes >= TASK_BYTES {
                    tasks.push(std::mem::take(list));
                    *bytes = 0;
                }
            }
            Kind::Other => {}
        }
    }
    for (_, list, _) in open {
        if !list.is_empty() {
            tasks.push(list);
        }
    }
    // Largest first, so the long tasks start early and the pool stays busy.
    tasks.sort_by_key(|t| std::cmp::Reverse(t.iter().map(|&i| entries[i].0).sum::<u64>()));
    tasks
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: u64 = 1 << 20;

    #[test]
    fn large_logs_are_tasks_of_their_own_and_small_ones_are_grouped_by_kind() {
        let w3c = Some(Kind::W3c);
        let err = Some(Kind::Httperr);
        // The 0.27 GB simulated bundle's first site: two small days, then a 63 MB one.
        let entries = [
            (3 * MB, w3c),
            (3 * MB, w3c),
            (63 * MB, w3c),
            (MB, err),
            (5 * MB, w3c),
            (135_168, Some(Kind::Evtx)),
            (2 * MB, None),
            (MB, err),
            (4 * MB, Some(Kind::Other)),
        ];
        let tasks = group(&entries);
        assert_eq!(tasks, vec![vec![2], vec![0, 1, 4], vec![3, 7], vec![5]]);
    }

    #[test]
    fn groups_close_at_the_task_size() {
        let entries: Vec<_> = (0..10).map(|_| (3 * MB, Some(Kind::Httperr))).collect();
        let tasks = group(&entries);
        assert_eq!(
            tasks,
            vec![vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8], vec![9]]
        );
    }
}
