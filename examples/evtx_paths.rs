//! Reads one `.evtx` file on corvid's XML path and on its fast path, several times each,
//! and prints the records per second of each (rows go nowhere: decoding and table
//! building only). How the fast path's gain on real logs is measured:
//!
//! ```text
//! cargo run --release --example evtx_paths -- FILE.evtx [REPEATS]   # default 40
//! ```

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use corvid::parse::evtx::{read_with, Decoding};
use corvid::parse::Emit;
use corvid::tables::NullSink;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next().map(std::path::PathBuf::from) else {
        eprintln!("usage: evtx_paths FILE.evtx [REPEATS]");
        std::process::exit(2);
    };
    let repeats: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(40);
    // Each way twice, alternating, so both see the same machine.
    for decoding in [Decoding::Xml, Decoding::Fast, Decoding::Xml, Decoding::Fast] {
        let started = std::time::Instant::now();
        let (mut records, mut fast) = (0, 0);
        for _ in 0..repeats {
            let mut sink = NullSink;
            let mut emit = Emit::new("b", "f.evtx", &mut sink, 65536);
            let st = read_with(&path, &mut emit, decoding);
            records += st.records;
            fast += st.fast;
        }
        let s = started.elapsed().as_secs_f64();
        println!(
            "{decoding:?}: {records} records ({fast} on the fast path) in {s:.3} s: {:.0} records/s",
            records as f64 / s
        );
    }
}
