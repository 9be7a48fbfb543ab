//! Runs the tasks on the rayon pool largest first from one shared queue, so the long
//! tasks start first and no thread idles while another still has a queue of work
//! (rayon's halving of a list can leave one thread with the biggest files). Results
//! come back in task order, whatever order they finish in.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Runs `f(index, task)` for every task (they are sorted largest first by the plan);
/// returns the results in task order.
pub fn largest_first<T: Sync, R: Send>(tasks: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = tasks.iter().map(|_| Mutex::new(None)).collect();
    let workers = rayon::current_num_threads().min(tasks.len()).max(1);
    rayon::scope(|s| {
        for _ in 0..workers {
            s.spawn(|_| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= tasks.len() {
                    break;
                }
                let r = f(i, &tasks[i]);
                *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(r);
            });
        }
    });
    slots
        .into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .expect("every task ran")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_runs_once_and_results_keep_task_order() {
        let tasks: Vec<u64> = (0..50).rev().collect();
        let out = largest_first(&tasks, |i, t| (i, t * 2));
        assert_eq!(out.len(), 50);
        for (i, (j, v)) in out.iter().enumerate() {
            assert_eq!(i, *j);
            assert_eq!(*v, tasks[i] * 2);
        }
        assert!(largest_first(&Vec::<u8>::new(), |_, _| 0).is_empty());
    }
}
