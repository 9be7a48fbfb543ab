//! The EVTX fast path (typed template values, no XML) against the XML path, the
//! reference: every `.evtx` of the shared corpus, every event kind of the simulator's
//! catalog (with XML-special and non-ASCII text) in both template layouts (flat, and
//! nested as Windows writes them), and the sample bundle's event logs
//! must give the same `events`, `lifecycle` and `parse_errors` rows, row for row, and
//! the same typed lifecycle events; and the fast path must really be taken.

mod common;
mod evtx_common;

use corvid::domain::lifecycle::{Lifecycle, Origin};
use corvid::parse::evtx::{read_with, Decoding, EvtxStats};
use corvid::parse::Emit;
use corvid::simulate::evtx_writer::{EvtxWriter, Layout};
use corvid::tables::{Batch, BatchSink, Kind};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Every row a read gave, as text, per table; and the lifecycle events.
#[derive(Default)]
struct Rows {
    tables: Vec<(String, Vec<String>)>,
    lifecycle: Vec<String>,
}

impl Rows {
    fn table(&mut self, name: &str) -> &mut Vec<String> {
        if let Some(i) = self.tables.iter().position(|(n, _)| n == name) {
            return &mut self.tables[i].1;
        }
        self.tables.push((name.to_string(), Vec::new()));
        &mut self.tables.last_mut().unwrap().1
    }
}

impl BatchSink for Rows {
    fn put(&mut self, batch: Batch) -> corvid::Result<()> {
        let def = batch.table().def();
        let mut rows = vec![String::new(); batch.len()];
        for col in def.columns {
            let cells: Vec<String> = match col.kind {
                Kind::Str => batch
                    .strs(col.name)
                    .iter()
                    .map(|v| format!("{v:?}"))
                    .collect(),
                Kind::I64 | Kind::I32 | Kind::Time => batch
                    .ints(col.name)
                    .iter()
                    .map(|v| format!("{v:?}"))
                    .collect(),
                Kind::Bool => {
                    let get = batch.bools(col.name);
                    (0..batch.len()).map(|i| format!("{:?}", get(i))).collect()
                }
            };
            for (row, cell) in rows.iter_mut().zip(cells) {
                row.push_str(&format!("{}={cell} ", col.name));
            }
        }
        self.table(def.name).extend(rows);
        Ok(())
    }

    fn lifecycle(&mut self, origin: &Origin<'_>, event: &Lifecycle) {
        self.lifecycle.push(format!("{origin:?} {event:?}"));
    }
}

fn read(path: &Path, decoding: Decoding) -> (Rows, EvtxStats) {
    let mut rows = Rows::default();
    let st = {
        let mut emit = Emit::new("b", "f.evtx", &mut rows, 700);
        let st = read_with(path, &mut emit, decoding);
        emit.finish();
        st
    };
    (rows, st)
}

/// Reads `path` both ways and compares; returns (records, records on the fast path).
fn same_both_ways(path: &Path) -> (u64, u64) {
    let (xml, xml_st) = read(path, Decoding::Xml);
    let (fast, fast_st) = read(path, Decoding::Fast);
    assert_eq!(
        xml_st.fast,
        0,
        "{}: the XML path took the fast path",
        path.display()
    );
    assert_eq!(
        fast_st.records,
        xml_st.records,
        "{}: records",
        path.display()
    );
    assert_eq!(
        fast_st.failures,
        xml_st.failures,
        "{}: failures",
        path.display()
    );
    assert_eq!(
        fast.tables.len(),
        xml.tables.len(),
        "{}: tables",
        path.display()
    );
    for ((name, f), (_, x)) in fast.tables.iter().zip(&xml.tables) {
        assert_eq!(f.len(), x.len(), "{}: {name} rows", path.display());
        for (i, (f, x)) in f.iter().zip(x).enumerate() {
            assert_eq!(f, x, "{}: {name} row {i}", path.display());
        }
    }
    assert_eq!(
        fast.lifecycle,
        xml.lifecycle,
        "{}: lifecycle events",
        path.display()
    );
    (fast_st.records, fast_st.fast)
}

fn corpus_evtx() -> Vec<PathBuf> {
    let files: Vec<PathBuf> = common::files_under(&common::corpus_dir())
        .into_iter()
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("evtx"))
        })
        .collect();
    assert!(files.len() >= 10, "corpus .evtx files: {}", files.len());
    files
}

#[test]
fn corpus_event_logs_read_the_same_both_ways() {
    let (mut records, mut fast) = (0, 0);
    for f in corpus_evtx() {
        let (n, k) = same_both_ways(&f);
        println!("{:>7} records, {:>7} fast  {}", n, k, f.display());
        records += n;
        fast += k;
    }
    println!("corpus: {fast} of {records} records on the fast path");
    assert!(fast * 2 > records, "the fast path read {fast} of {records}");
}

#[test]
fn every_simulated_event_kind_reads_the_same_both_ways() {
    let mut events: Vec<_> = evtx_common::catalog().into_iter().map(|(_, e)| e).collect();
    events.push(evtx_common::tricky());
    // Twice over: the second record of each shape takes the fast path.
    let twice: Vec<_> = events.iter().chain(&events).cloned().collect();
    let dir = tempfile::tempdir().unwrap();
    for layout in [Layout::Flat, Layout::Nested] {
        let mut w = EvtxWriter::with_layout(layout);
        for e in &twice {
            w.add(e).expect("record id");
        }
        let path = dir.path().join(format!("catalog-{layout:?}.evtx"));
        std::fs::write(&path, w.into_bytes()).unwrap();
        let (records, fast) = same_both_ways(&path);
        assert_eq!(records, twice.len() as u64);
        println!("catalog, {layout:?}: {fast} of {records} records on the fast path");
        assert!(
            fast >= events.len() as u64 - 2,
            "{layout:?}: {fast} of {records}"
        );
    }
}

#[test]
fn sample_bundle_event_logs_read_the_same_both_ways() {
    let zip = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/WEB01_20240304_seed7.zip");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut seen = 0;
    for i in 0..archive.len() {
        let mut member = archive.by_index(i).unwrap();
        let name = member.name().unwrap().to_string();
        if !name.ends_with(".evtx") {
            continue;
        }
        let mut bytes = Vec::new();
        member.read_to_end(&mut bytes).unwrap();
        let path = dir.path().join(format!("{i}.evtx"));
        std::fs::write(&path, bytes).unwrap();
        let (records, fast) = same_both_ways(&path);
        println!("{name}: {fast} of {records} records on the fast path");
        assert!(fast * 10 >= records * 9, "{name}: {fast} of {records}");
        seen += 1;
    }
    assert_eq!(seen, 2, "System.evtx and Application.evtx");
}
